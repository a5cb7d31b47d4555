package io.j8s.apiserver.apiextensions;

import io.j8s.api.KindStrategy;
import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.NameRules;
import io.j8s.api.validation.ObjectMetaValidation;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The strategy of {@code apiextensions.k8s.io/v1 CustomResourceDefinition}: Kubernetes' CRD
 * validation ({@code apiextensions/validation/validation.go}: names, scope, versions, conversion,
 * subresources, printer columns) and the schema check of the seam (docs/custom-resources.md). The
 * status belongs to {@link CrdController}; a new CRD gets the {@code
 * customresourcecleanup.apiextensions.k8s.io} finalizer.
 */
final class CrdStrategy implements KindStrategy {
    static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
    private static final Pattern KIND = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
    private static final int MAX_VERSIONS = 100;
    private static final int MAX_COLUMNS = 100;

    private final SchemaSupport schemas;

    CrdStrategy(SchemaSupport schemas) {
        this.schemas = schemas;
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        object.remove("status");
        ObjectNode metadata = Json.child(object, "metadata");
        ArrayNode finalizers =
                metadata.get("finalizers") instanceof ArrayNode a
                        ? a
                        : metadata.putArray("finalizers");
        for (JsonNode f : finalizers) {
            if (CLEANUP_FINALIZER.equals(f.asString())) {
                return;
            }
        }
        finalizers.add(CLEANUP_FINALIZER);
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Json.child(object, "spec");
        ObjectNode names = Json.child(spec, "names");
        String kind = names.path("kind").asString("");
        if (!names.has("singular") && !kind.isEmpty()) {
            names.put("singular", kind.toLowerCase(java.util.Locale.ROOT));
        }
        if (!names.has("listKind") && !kind.isEmpty()) {
            names.put("listKind", kind + "List");
        }
        ObjectNode conversion = Json.child(spec, "conversion");
        if (!conversion.has("strategy")) {
            conversion.put("strategy", "None");
        }
    }

    @Override
    public List<FieldError> validate(ObjectNode object, ObjectNode old) {
        List<FieldError> errs =
                new ArrayList<>(
                        ObjectMetaValidation.validate(
                                object, false, NameRule.DNS_SUBDOMAIN, "metadata"));
        if (old != null) {
            errs.addAll(ObjectMetaValidation.validateUpdate(object, old, "metadata"));
        }
        JsonNode spec = object.path("spec");
        String group = spec.path("group").asString("");
        JsonNode names = spec.path("names");
        String plural = names.path("plural").asString("");
        String name = Json.name(object);
        if (!name.isEmpty() && !name.equals(plural + "." + group)) {
            errs.add(
                    FieldError.invalid(
                            "metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }
        if (group.isEmpty()) {
            errs.add(FieldError.required("spec.group"));
        } else {
            for (String msg : NameRules.dns1123Subdomain(group)) {
                errs.add(FieldError.invalid("spec.group", group, msg));
            }
            if (group.split("\\.").length < 2) {
                errs.add(
                        FieldError.invalid(
                                "spec.group", group, "should be a domain with at least one dot"));
            }
        }
        String scope = spec.path("scope").asString("");
        if (scope.isEmpty()) {
            errs.add(FieldError.required("spec.scope"));
        } else if (!scope.equals("Namespaced") && !scope.equals("Cluster")) {
            errs.add(
                    FieldError.notSupported("spec.scope", scope, List.of("Cluster", "Namespaced")));
        }
        validateNames(names, "spec.names", errs);
        validateVersions(spec, errs);
        String strategy = spec.path("conversion").path("strategy").asString("None");
        if (strategy.equals("Webhook")) {
            errs.add(
                    FieldError.invalid(
                            "spec.conversion.strategy",
                            strategy,
                            "conversion webhooks are not supported by j8s; use None"));
        } else if (!strategy.equals("None")) {
            errs.add(
                    FieldError.notSupported(
                            "spec.conversion.strategy", strategy, List.of("None", "Webhook")));
        }
        if (old != null) {
            String oldScope = old.path("spec").path("scope").asString("");
            if (!scope.equals(oldScope)) {
                errs.add(FieldError.invalid("spec.scope", scope, "field is immutable"));
            }
            String oldGroup = old.path("spec").path("group").asString("");
            if (!group.equals(oldGroup)) {
                errs.add(FieldError.invalid("spec.group", group, "field is immutable"));
            }
            String oldPlural = old.path("spec").path("names").path("plural").asString("");
            if (!plural.equals(oldPlural)) {
                errs.add(FieldError.invalid("spec.names.plural", plural, "field is immutable"));
            }
        }
        return errs;
    }

    private static void validateNames(JsonNode names, String path, List<FieldError> errs) {
        String plural = names.path("plural").asString("");
        String singular = names.path("singular").asString("");
        String kind = names.path("kind").asString("");
        String listKind = names.path("listKind").asString("");
        dnsLabel(plural, path + ".plural", true, errs);
        dnsLabel(singular, path + ".singular", false, errs);
        if (kind.isEmpty()) {
            errs.add(FieldError.required(path + ".kind"));
        } else if (!KIND.matcher(kind).matches()) {
            errs.add(
                    FieldError.invalid(
                            path + ".kind",
                            kind,
                            "may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?"));
        }
        if (!listKind.isEmpty() && !KIND.matcher(listKind).matches()) {
            errs.add(
                    FieldError.invalid(
                            path + ".listKind",
                            listKind,
                            "may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?"));
        }
        if (!kind.isEmpty() && kind.equals(listKind)) {
            errs.add(
                    FieldError.invalid(
                            path + ".listKind", listKind, "kind and listKind may not be the same"));
        }
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode s : names.path("shortNames")) {
            dnsLabel(s.asString(""), path + ".shortNames[" + i + "]", true, errs);
            if (!seen.add(s.asString(""))) {
                errs.add(FieldError.duplicate(path + ".shortNames[" + i + "]", s.asString("")));
            }
            i++;
        }
        seen.clear();
        i = 0;
        for (JsonNode c : names.path("categories")) {
            dnsLabel(c.asString(""), path + ".categories[" + i + "]", true, errs);
            if (!seen.add(c.asString(""))) {
                errs.add(FieldError.duplicate(path + ".categories[" + i + "]", c.asString("")));
            }
            i++;
        }
    }

    private static void dnsLabel(
            String value, String path, boolean required, List<FieldError> errs) {
        if (value.isEmpty()) {
            if (required) {
                errs.add(FieldError.required(path));
            }
            return;
        }
        for (String msg : NameRules.dns1035Label(value)) {
            errs.add(FieldError.invalid(path, value, msg));
        }
    }

    private void validateVersions(JsonNode spec, List<FieldError> errs) {
        JsonNode versions = spec.path("versions");
        if (!versions.isArray() || versions.isEmpty()) {
            errs.add(FieldError.required("spec.versions", "must have at least one version"));
            return;
        }
        if (versions.size() > MAX_VERSIONS) {
            errs.add(FieldError.tooMany("spec.versions", versions.size(), MAX_VERSIONS));
            return;
        }
        int storage = 0;
        boolean served = false;
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            String path = "spec.versions[" + i + "]";
            String name = v.path("name").asString("");
            if (name.isEmpty()) {
                errs.add(FieldError.required(path + ".name"));
            } else {
                for (String msg : NameRules.dns1035Label(name)) {
                    errs.add(FieldError.invalid(path + ".name", name, msg));
                }
                if (!seen.add(name)) {
                    errs.add(FieldError.duplicate(path + ".name", name));
                }
            }
            if (v.path("storage").asBoolean(false)) {
                storage++;
            }
            if (v.path("served").asBoolean(false)) {
                served = true;
            }
            JsonNode schema = v.path("schema").path("openAPIV3Schema");
            if (!schema.isObject()) {
                errs.add(
                        FieldError.required(
                                path + ".schema.openAPIV3Schema", "schemas are required"));
            } else {
                errs.addAll(schemas.check(schema, path + ".schema.openAPIV3Schema"));
            }
            JsonNode scale = v.path("subresources").get("scale");
            if (scale != null && scale.isObject()) {
                checkPath(scale, "specReplicasPath", path + ".subresources.scale", true, errs);
                checkPath(scale, "statusReplicasPath", path + ".subresources.scale", true, errs);
                checkPath(scale, "labelSelectorPath", path + ".subresources.scale", false, errs);
            }
            JsonNode columns = v.path("additionalPrinterColumns");
            if (columns.size() > MAX_COLUMNS) {
                errs.add(
                        FieldError.tooMany(
                                path + ".additionalPrinterColumns", columns.size(), MAX_COLUMNS));
            }
            for (int c = 0; c < columns.size(); c++) {
                JsonNode col = columns.get(c);
                String cp = path + ".additionalPrinterColumns[" + c + "]";
                if (col.path("name").asString("").isEmpty()) {
                    errs.add(FieldError.required(cp + ".name"));
                }
                String type = col.path("type").asString("");
                List<String> types = List.of("integer", "number", "string", "boolean", "date");
                if (type.isEmpty()) {
                    errs.add(FieldError.required(cp + ".type"));
                } else if (!types.contains(type)) {
                    errs.add(FieldError.notSupported(cp + ".type", type, types));
                }
                if (col.path("priority").asInt(0) < 0) {
                    errs.add(
                            FieldError.invalid(
                                    cp + ".priority",
                                    col.path("priority").asInt(),
                                    "must be greater than or equal to 0"));
                }
                checkPath(col, "jsonPath", cp, true, errs);
            }
            JsonNode selectable = v.path("selectableFields");
            for (int f = 0; f < selectable.size(); f++) {
                checkPath(
                        selectable.get(f),
                        "jsonPath",
                        path + ".selectableFields[" + f + "]",
                        true,
                        errs);
            }
        }
        if (storage != 1) {
            errs.add(
                    FieldError.invalid(
                            "spec.versions",
                            GoList.of(versions),
                            "must have exactly one version marked as storage version"));
        }
        if (!served) {
            errs.add(
                    FieldError.invalid(
                            "spec.versions",
                            GoList.of(versions),
                            "must have at least one version marked as served"));
        }
    }

    /** Renders the versions list the way Kubernetes prints the value of a versions error. */
    private static final class GoList {
        static String of(JsonNode versions) {
            List<String> parts = new ArrayList<>();
            versions.forEach(v -> parts.add(v.path("name").asString("")));
            return "[" + String.join(" ", parts) + "]";
        }
    }

    private static void checkPath(
            JsonNode node, String field, String path, boolean required, List<FieldError> errs) {
        String value = node.path(field).asString("");
        if (value.isEmpty()) {
            if (required) {
                errs.add(FieldError.required(path + "." + field));
            }
            return;
        }
        try {
            SimpleJsonPath.parse(value);
        } catch (IllegalArgumentException e) {
            errs.add(FieldError.invalid(path + "." + field, value, e.getMessage()));
        }
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode object) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("metadata.name", Json.name(object));
        fields.put("metadata.namespace", "");
        return fields;
    }

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(Columns.name(), Columns.createdAt());
    }

    @Override
    public List<Object> tableCells(ObjectNode object, Instant now) {
        String created = Json.text(object, "metadata.creationTimestamp");
        return List.of(Json.name(object), created.isEmpty() ? "0001-01-01T00:00:00Z" : created);
    }
}
