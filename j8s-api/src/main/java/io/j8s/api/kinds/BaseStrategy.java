package io.j8s.api.kinds;

import io.j8s.api.KindStrategy;
import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.ObjectMetaValidation;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * What all kinds share: metadata validation with the kind's name rule, {@code metadata.name} /
 * {@code metadata.namespace} field selection, and the default Table ({@code Name}, {@code Created
 * At}) that the real apiserver uses for kinds without a printer. Subclasses add their own defaults,
 * spec validation and columns. Stateless.
 */
abstract class BaseStrategy implements KindStrategy {

    private final boolean namespaced;
    private final NameRule nameRule;

    BaseStrategy(boolean namespaced, NameRule nameRule) {
        this.namespaced = namespaced;
        this.nameRule = nameRule;
    }

    @Override
    public void applyDefaults(ObjectNode object) {}

    @Override
    public final List<FieldError> validate(ObjectNode object, ObjectNode old) {
        List<FieldError> errs =
                new ArrayList<>(
                        ObjectMetaValidation.validate(object, namespaced, nameRule, "metadata"));
        if (old != null) {
            errs.addAll(ObjectMetaValidation.validateUpdate(object, old, "metadata"));
        }
        validateKind(object, old, errs);
        return errs;
    }

    /** The kind's own checks, appended to {@code errs}; {@code old} is null on create. */
    void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {}

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("metadata.name", Json.name(object));
        if (namespaced) {
            fields.put("metadata.namespace", Json.namespace(object));
        }
        return fields;
    }

    /**
     * Kubernetes' default field label conversion accepts {@code metadata.name} and {@code
     * metadata.namespace} for every kind, cluster-scoped ones included (where the namespace is
     * simply empty); kinds with their own conversion override this.
     */
    @Override
    public Set<String> fieldLabels() {
        return Set.of("metadata.name", "metadata.namespace");
    }

    @Override
    public String checkFieldLabel(String label) {
        if (fieldLabels().contains(label)) {
            return null;
        }
        if (customFieldLabels()) {
            return "field label not supported: " + label;
        }
        return KindStrategy.super.checkFieldLabel(label);
    }

    /** True for kinds that register their own field label conversion in Kubernetes. */
    boolean customFieldLabels() {
        return false;
    }

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(Columns.name(), Columns.createdAt());
    }

    @Override
    public List<Object> tableCells(ObjectNode object, Instant now) {
        Instant created = Json.instant(object, "metadata.creationTimestamp");
        String createdAt =
                created == null
                        ? "0001-01-01T00:00:00Z"
                        : DateTimeFormatter.ISO_OFFSET_DATE_TIME
                                .format(
                                        created.truncatedTo(ChronoUnit.SECONDS)
                                                .atOffset(ZoneOffset.UTC))
                                .replace("+00:00", "Z");
        return List.of(Json.name(object), createdAt);
    }

    static Map<String, String> fields(ObjectNode object, boolean namespaced) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("metadata.name", Json.name(object));
        if (namespaced) {
            fields.put("metadata.namespace", Json.namespace(object));
        }
        return fields;
    }

    static Instant created(ObjectNode object) {
        return Json.instant(object, "metadata.creationTimestamp");
    }
}
