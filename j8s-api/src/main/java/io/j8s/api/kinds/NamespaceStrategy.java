package io.j8s.api.kinds;

import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.NameRules;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Namespaces ({@code v1}, cluster-scoped): {@code status.phase: Active}, DNS-1123 label names,
 * {@code printNamespace}. The {@code kubernetes} finalizer is not a default: as in Kubernetes'
 * {@code namespaceStrategy.PrepareForCreate}, the API server adds it on creation only, since the
 * namespace controller removes it (through {@code finalize}) over the object's life and defaults
 * are applied on every write.
 */
public final class NamespaceStrategy extends BaseStrategy {

    static final Set<String> STANDARD_FINALIZERS =
            Set.of("kubernetes", "orphan", "foregroundDeletion");

    public NamespaceStrategy() {
        super(false, NameRule.DNS_LABEL);
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode status = Json.child(object, "status");
        Json.defaultString(status, "phase", "Active");
    }

    /**
     * A new Namespace is {@code Active} and carries the {@code kubernetes} finalizer in {@code
     * spec.finalizers} (added here, on create only: see the class comment).
     */
    @Override
    public void prepareForCreate(ObjectNode object) {
        ObjectNode status = Json.object();
        status.put("phase", "Active");
        object.set("status", status);
        ObjectNode spec = Json.child(object, "spec");
        ArrayNode finalizers =
                spec.get("finalizers") instanceof ArrayNode a ? a : spec.putArray("finalizers");
        for (JsonNode f : finalizers) {
            if ("kubernetes".equals(f.asString(""))) {
                return;
            }
        }
        finalizers.add("kubernetes");
    }

    /**
     * {@code spec.finalizers} change through {@code finalize} only ({@code
     * namespaceStrategy.PrepareForUpdate}).
     */
    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        JsonNode oldFinalizers = old.path("spec").get("finalizers");
        if (oldFinalizers != null) {
            Json.child(object, "spec").set("finalizers", oldFinalizers.deepCopy());
        } else if (object.get("spec") instanceof ObjectNode spec) {
            spec.remove("finalizers");
        }
    }

    /**
     * A Namespace being deleted is {@code Terminating} until the namespace controller emptied it.
     */
    @Override
    public boolean prepareForDelete(ObjectNode object) {
        ObjectNode status = Json.child(object, "status");
        if ("Terminating".equals(status.path("phase").asString(""))) {
            return false;
        }
        status.put("phase", "Terminating");
        return true;
    }

    /**
     * The namespace controller's {@code spec.finalizers} hold the Namespace as metadata finalizers
     * would.
     */
    @Override
    public boolean finalizationPending(ObjectNode object) {
        JsonNode finalizers = object.path("spec").get("finalizers");
        return finalizers != null && !finalizers.isNull() && !finalizers.isEmpty();
    }

    @Override
    void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {
        List<String> finalizers = Json.stringList(object, "spec.finalizers");
        for (int i = 0; i < finalizers.size(); i++) {
            String f = finalizers.get(i);
            String p = "spec.finalizers[" + i + "]";
            for (String msg : NameRules.qualifiedName(f)) {
                errs.add(FieldError.invalid(p, f, msg));
            }
            if (!f.contains("/") && !STANDARD_FINALIZERS.contains(f)) {
                errs.add(
                        FieldError.invalid(
                                p,
                                f,
                                "name is neither a standard finalizer name nor is it fully qualified"));
            }
        }
        String phase = Json.text(object, "status.phase");
        if (!phase.isEmpty() && !phase.equals("Active") && !phase.equals("Terminating")) {
            errs.add(
                    FieldError.notSupported(
                            "status.phase", phase, List.of("Active", "Terminating")));
        }
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode ns) {
        Map<String, String> f = fields(ns, false);
        f.put("status.phase", Json.text(ns, "status.phase"));
        return f;
    }

    @Override
    public Set<String> fieldLabels() {
        return Set.of("metadata.name", "status.phase");
    }

    @Override
    boolean customFieldLabels() {
        return true;
    }

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(
                Columns.name(),
                Columns.string("Status", Descriptions.NAMESPACE_STATUS),
                Columns.age());
    }

    @Override
    public List<Object> tableCells(ObjectNode ns, Instant now) {
        return List.of(
                Json.name(ns), Json.text(ns, "status.phase"), Durations.age(created(ns), now));
    }
}
