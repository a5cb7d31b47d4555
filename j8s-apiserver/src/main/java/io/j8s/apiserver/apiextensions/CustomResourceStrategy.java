package io.j8s.apiserver.apiextensions;

import io.j8s.api.KindStrategy;
import io.j8s.api.ScaleSubresource;
import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.ObjectMetaValidation;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@link KindStrategy} of one served version of a custom resource, built from its
 * CustomResourceDefinition: schema validation, defaulting and pruning (through {@link
 * SchemaSupport}), the {@code status} and {@code scale} subresources, {@code
 * additionalPrinterColumns} and {@code selectableFields} (docs/custom-resources.md). Immutable; a
 * changed CRD gets a new strategy.
 */
final class CustomResourceStrategy implements KindStrategy, ScaleSubresource {

    /** One printer column: its Table definition and the path of its value. */
    private record Column(TableColumn column, SimpleJsonPath path) {}

    private final String apiVersion;
    private final boolean namespaced;
    private final JsonNode schema;
    private final SchemaSupport.VersionSchema validator;
    private final boolean statusSubresource;
    private final SimpleJsonPath specReplicas;
    private final SimpleJsonPath statusReplicas;
    private final SimpleJsonPath labelSelector;
    private final List<Column> columns;
    private final Map<String, SimpleJsonPath> selectable;
    private final java.util.concurrent.atomic.AtomicBoolean terminating;

    /**
     * @param version one element of the CRD's {@code spec.versions} (already validated)
     */
    CustomResourceStrategy(
            String group, boolean namespaced, JsonNode version, SchemaSupport schemas) {
        this(group, namespaced, version, schemas, new java.util.concurrent.atomic.AtomicBoolean());
    }

    /**
     * @param terminating set once the CRD is being deleted: creates are refused from then on
     */
    CustomResourceStrategy(
            String group,
            boolean namespaced,
            JsonNode version,
            SchemaSupport schemas,
            java.util.concurrent.atomic.AtomicBoolean terminating) {
        this.terminating = terminating;
        this.apiVersion = group + "/" + version.path("name").asString();
        this.namespaced = namespaced;
        JsonNode s = version.path("schema").path("openAPIV3Schema");
        this.schema = s.isObject() ? s.deepCopy() : Json.object();
        this.validator = schemas.forVersion(schema);
        JsonNode subresources = version.path("subresources");
        this.statusSubresource = subresources.has("status");
        JsonNode scale = subresources.get("scale");
        if (scale != null && scale.isObject()) {
            specReplicas = SimpleJsonPath.parse(scale.path("specReplicasPath").asString());
            statusReplicas = SimpleJsonPath.parse(scale.path("statusReplicasPath").asString());
            String selector = scale.path("labelSelectorPath").asString("");
            labelSelector = selector.isEmpty() ? null : SimpleJsonPath.parse(selector);
        } else {
            specReplicas = null;
            statusReplicas = null;
            labelSelector = null;
        }
        List<Column> cols = new ArrayList<>();
        for (JsonNode c : version.path("additionalPrinterColumns")) {
            String type = c.path("type").asString("string");
            cols.add(
                    new Column(
                            new TableColumn(
                                    c.path("name").asString(),
                                    type,
                                    c.path("format").asString(""),
                                    c.path("description").asString(""),
                                    c.path("priority").asInt(0)),
                            SimpleJsonPath.parse(c.path("jsonPath").asString())));
        }
        this.columns = List.copyOf(cols);
        Map<String, SimpleJsonPath> fields = new LinkedHashMap<>();
        for (JsonNode f : version.path("selectableFields")) {
            String path = f.path("jsonPath").asString();
            fields.put(path.substring(1), SimpleJsonPath.parse(path));
        }
        this.selectable = fields;
    }

    boolean hasScale() {
        return specReplicas != null;
    }

    boolean hasStatus() {
        return statusSubresource;
    }

    @Override
    public Optional<JsonNode> openApiV3Schema() {
        return Optional.of(schema);
    }

    @Override
    public void prepareForServing(ObjectNode object) {
        // Conversion None: the versions differ in apiVersion only.
        object.put("apiVersion", apiVersion);
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        if (terminating.get()) {
            // Kubernetes' customresource handler answers the same 405
            throw io.j8s.apiserver.errors.ApiException.of(
                    405,
                    "MethodNotAllowed",
                    "create not allowed while custom resource definition is terminating");
        }
        if (statusSubresource) {
            object.remove("status");
        }
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        validator.applyDefaultsAndPrune(object);
    }

    @Override
    public List<FieldError> validate(ObjectNode object, ObjectNode old) {
        List<FieldError> errs =
                new ArrayList<>(
                        ObjectMetaValidation.validate(
                                object, namespaced, NameRule.DNS_SUBDOMAIN, "metadata"));
        if (old != null) {
            errs.addAll(ObjectMetaValidation.validateUpdate(object, old, "metadata"));
        }
        errs.addAll(validator.validate(object, old));
        if (specReplicas != null) {
            JsonNode replicas = specReplicas.first(object);
            if (replicas != null && !(replicas.isIntegralNumber() && replicas.canConvertToInt())) {
                errs.add(
                        FieldError.invalid(
                                specReplicas.toString().substring(1),
                                replicas,
                                "should be an integer"));
            }
        }
        return errs;
    }

    // ---- field selectors ----

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("metadata.name", Json.name(object));
        fields.put("metadata.namespace", namespaced ? Json.namespace(object) : "");
        for (var field : selectable.entrySet()) {
            JsonNode value = field.getValue().first(object);
            fields.put(field.getKey(), value == null ? "" : value.asString());
        }
        return fields;
    }

    @Override
    public Set<String> fieldLabels() {
        Set<String> labels = new LinkedHashSet<>(List.of("metadata.name", "metadata.namespace"));
        labels.addAll(selectable.keySet());
        return labels;
    }

    @Override
    public String checkFieldLabel(String label) {
        return fieldLabels().contains(label) ? null : "field label not supported: " + label;
    }

    // ---- Tables ----

    @Override
    public List<TableColumn> tableColumns() {
        List<TableColumn> out = new ArrayList<>();
        out.add(Columns.name());
        if (columns.isEmpty()) {
            out.add(Columns.age());
        }
        columns.forEach(c -> out.add(c.column()));
        return out;
    }

    @Override
    public List<Object> tableCells(ObjectNode object, Instant now) {
        List<Object> cells = new ArrayList<>();
        cells.add(Json.name(object));
        if (columns.isEmpty()) {
            cells.add(Durations.age(Json.instant(object, "metadata.creationTimestamp"), now));
        }
        for (Column c : columns) {
            cells.add(cell(c, object, now));
        }
        return cells;
    }

    /** A column's cell as Kubernetes' CRD table convertor renders it; null when there is none. */
    private static Object cell(Column c, ObjectNode object, Instant now) {
        List<JsonNode> values = c.path().find(object);
        if (values.isEmpty()) {
            return null;
        }
        JsonNode v = values.get(0);
        switch (c.column().type()) {
            case "integer":
                return v.isIntegralNumber() ? (Object) v.asLong() : null;
            case "number":
                return v.isNumber() ? (Object) v.asDouble() : null;
            case "boolean":
                return v.isBoolean() ? (Object) v.asBoolean() : null;
            case "date":
                try {
                    return Durations.age(OffsetDateTime.parse(v.asString()).toInstant(), now);
                } catch (RuntimeException e) {
                    return "<invalid>";
                }
            default:
                if (values.size() > 1) {
                    List<String> parts = new ArrayList<>();
                    values.forEach(x -> parts.add(x.isValueNode() ? x.asString() : x.toString()));
                    return String.join(",", parts);
                }
                return v.isValueNode() ? v.asString() : v.toString();
        }
    }

    // ---- scale ----

    @Override
    public long specReplicas(ObjectNode object) {
        JsonNode v = specReplicas == null ? null : specReplicas.first(object);
        return v == null ? 0 : v.asLong(0);
    }

    @Override
    public long statusReplicas(ObjectNode object) {
        JsonNode v = statusReplicas == null ? null : statusReplicas.first(object);
        return v == null ? 0 : v.asLong(0);
    }

    @Override
    public String selector(ObjectNode object) {
        JsonNode v = labelSelector == null ? null : labelSelector.first(object);
        return v == null || !v.isString() ? null : v.asString();
    }

    @Override
    public void setSpecReplicas(ObjectNode object, long replicas) {
        List<String> fields = specReplicas.fields();
        ObjectNode node = object;
        for (int i = 0; i < fields.size() - 1; i++) {
            node = Json.child(node, fields.get(i));
        }
        node.put(fields.get(fields.size() - 1), replicas);
    }
}
