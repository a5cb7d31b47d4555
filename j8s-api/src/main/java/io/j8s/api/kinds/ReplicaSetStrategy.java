package io.j8s.api.kinds;

import io.j8s.api.json.Json;
import io.j8s.api.selector.LabelSelector;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * ReplicaSets ({@code apps/v1}): replicas 1 and template defaults, validation, {@code
 * printReplicaSet}.
 */
public final class ReplicaSetStrategy extends BaseStrategy {

    public ReplicaSetStrategy() {
        super(true, NameRule.DNS_SUBDOMAIN);
    }

    /**
     * The status is the controller's: a new object starts without one ({@code
     * rsStrategy.PrepareForCreate}).
     */
    @Override
    public void prepareForCreate(ObjectNode object) {
        object.remove("status");
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Json.child(object, "spec");
        Json.defaultInt(spec, "replicas", 1);
        PodSpecs.applyTemplateDefaults(object);
    }

    @Override
    void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {
        Workloads.validateReplicatedSpec(
                object.path("spec"), old == null ? null : old.path("spec"), errs);
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode rs) {
        Map<String, String> f = fields(rs, true);
        f.put("status.replicas", String.valueOf(Json.longAt(rs, "status.replicas", 0)));
        return f;
    }

    @Override
    public Set<String> fieldLabels() {
        return Set.of("metadata.name", "metadata.namespace", "status.replicas");
    }

    @Override
    boolean customFieldLabels() {
        return true;
    }

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(
                Columns.name(),
                Columns.integer("Desired", Descriptions.RS_DESIRED),
                Columns.integer("Current", Descriptions.RS_CURRENT),
                Columns.integer("Ready", Descriptions.RS_READY),
                Columns.age(),
                Columns.wide("Containers", Columns.CONTAINERS_DESCRIPTION),
                Columns.wide("Images", Columns.IMAGES_DESCRIPTION),
                Columns.wide("Selector", Descriptions.RS_SELECTOR));
    }

    @Override
    public List<Object> tableCells(ObjectNode rs, Instant now) {
        JsonNode spec = rs.path("spec");
        String[] cells = PodSpecs.containerCells(spec.path("template").path("spec"));
        return List.of(
                Json.name(rs),
                spec.path("replicas").asLong(0),
                Json.longAt(rs, "status.replicas", 0),
                Json.longAt(rs, "status.readyReplicas", 0),
                Durations.age(created(rs), now),
                cells[0],
                cells[1],
                LabelSelector.formatLabelSelector(spec.get("selector")));
    }
}
