package io.j8s.apiserver.apply;

import io.j8s.api.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code metadata.managedFields}: one entry per manager, operation, API version and subresource,
 * with the fields it owns ({@code FieldsV1}) and when it last changed the object. Decoded and
 * encoded as Kubernetes' fieldmanager does (entries sorted by operation, time, manager).
 */
final class ManagedFields {
    static final String APPLY = "Apply";
    static final String UPDATE = "Update";

    /** Who owns a set: Kubernetes' manager identifier without the time. */
    record Manager(String manager, String operation, String apiVersion, String subresource) {
        boolean applied() {
            return APPLY.equals(operation);
        }
    }

    /** A manager's fields and time ({@code null} when none). */
    record Entry(FieldSet fields, String time) {}

    private ManagedFields() {}

    /** Whether the list is the reset request {@code [{}]}. */
    static boolean isReset(JsonNode managedFields) {
        return managedFields instanceof ArrayNode a
                && a.size() == 1
                && a.get(0).isObject()
                && a.get(0).isEmpty();
    }

    /**
     * @throws IllegalArgumentException when an entry cannot be decoded
     */
    static Map<Manager, Entry> decode(JsonNode managedFields) {
        Map<Manager, Entry> out = new LinkedHashMap<>();
        if (managedFields == null || managedFields.isNull()) {
            return out;
        }
        if (!managedFields.isArray()) {
            throw new IllegalArgumentException("managedFields must be a list");
        }
        for (JsonNode e : managedFields) {
            if (!e.isObject()) {
                throw new IllegalArgumentException("a managedFields entry must be an object");
            }
            String operation = e.path("operation").asString("");
            if (!operation.equals(APPLY) && !operation.equals(UPDATE)) {
                throw new IllegalArgumentException("unknown operation \"" + operation + "\"");
            }
            String fieldsType = e.path("fieldsType").asString("");
            if (!fieldsType.equals("FieldsV1")) {
                throw new IllegalArgumentException("unknown fieldsType \"" + fieldsType + "\"");
            }
            Manager m =
                    new Manager(
                            e.path("manager").asString(""),
                            operation,
                            e.path("apiVersion").asString(""),
                            e.path("subresource").asString(""));
            if (out.containsKey(m)) {
                throw new IllegalArgumentException(
                        "duplicate entries for manager \"" + m.manager() + "\"");
            }
            JsonNode fields = e.get("fieldsV1");
            FieldSet set =
                    fields == null || fields.isNull() ? new FieldSet() : FieldSet.fromJson(fields);
            JsonNode time = e.get("time");
            out.put(m, new Entry(set, time == null || time.isNull() ? null : time.asString()));
        }
        return out;
    }

    /** The list to store, sorted as Kubernetes sorts it; null when there is no entry. */
    static ArrayNode encode(Map<Manager, Entry> managers) {
        List<Map.Entry<Manager, Entry>> entries = new ArrayList<>(managers.entrySet());
        entries.removeIf(e -> e.getValue().fields().isEmpty());
        if (entries.isEmpty()) {
            return null;
        }
        entries.sort(
                Comparator.comparing((Map.Entry<Manager, Entry> e) -> e.getKey().operation())
                        .thenComparing(e -> e.getValue().time() == null ? "" : e.getValue().time())
                        .thenComparing(e -> e.getKey().manager())
                        .thenComparing(e -> e.getKey().apiVersion())
                        .thenComparing(e -> e.getKey().subresource()));
        ArrayNode out = Json.array();
        for (Map.Entry<Manager, Entry> e : entries) {
            ObjectNode o = out.addObject();
            o.put("manager", e.getKey().manager());
            o.put("operation", e.getKey().operation());
            o.put("apiVersion", e.getKey().apiVersion());
            if (e.getValue().time() != null) {
                o.put("time", e.getValue().time());
            }
            o.put("fieldsType", "FieldsV1");
            o.set("fieldsV1", e.getValue().fields().normalized().toJson());
            if (!e.getKey().subresource().isEmpty()) {
                o.put("subresource", e.getKey().subresource());
            }
        }
        return out;
    }
}
