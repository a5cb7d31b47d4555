package io.j8s.apiserver.discovery;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.schema.ApiSchema;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI definitions of a resource defined at run time (a custom resource, whose strategy has
 * an {@code openApiV3Schema}): its CRD version's schema with {@code apiVersion}, {@code kind} and
 * {@code metadata} completed and the {@code x-kubernetes-group-version-kind} kubectl explain looks
 * for, named as Kubernetes names them ({@code com.example.v1.Widget}), and its list. For v2 the
 * schema keeps only what Swagger 2.0 has, as Kubernetes' v2 conversion of CRD schemas.
 */
final class CustomSchemas {
    private CustomSchemas() {}

    /** The definition name of a custom resource, or empty for a built-in kind. */
    static Optional<String> definition(ResourceType type) {
        if (type.strategy().openApiV3Schema().isEmpty()) {
            return Optional.empty();
        }
        String[] parts = type.group().split("\\.");
        StringBuilder name = new StringBuilder();
        for (int i = parts.length - 1; i >= 0; i--) {
            name.append(parts[i]).append('.');
        }
        return Optional.of(name + type.version() + "." + type.kind());
    }

    /** Adds the definitions of {@code type} (a custom resource) to {@code schemas}. */
    static void add(ObjectNode schemas, ResourceType type, OpenApiSchemas.Dialect dialect) {
        String name = definition(type).orElseThrow();
        JsonNode source = type.strategy().openApiV3Schema().orElseThrow();
        ObjectNode schema =
                dialect == OpenApiSchemas.Dialect.V3 && source.isObject()
                        ? (ObjectNode) source.deepCopy()
                        : v2(source);
        if (!schema.has("type")) {
            schema.put("type", "object");
        }
        ObjectNode properties = Json.child(schema, "properties");
        properties.set(
                "apiVersion",
                Json.object()
                        .put(
                                "description",
                                "APIVersion defines the versioned schema of this representation of an object.")
                        .put("type", "string"));
        properties.set(
                "kind",
                Json.object()
                        .put(
                                "description",
                                "Kind is a string value representing the REST resource this object represents.")
                        .put("type", "string"));
        ObjectNode metaRef = OpenApiSchemas.ref(ApiSchema.OBJECT_META, dialect);
        properties.set("metadata", metaRef);
        schema.set("x-kubernetes-group-version-kind", gvk(type, type.kind()));
        schemas.set(name, schema);

        ObjectNode list = Json.object();
        list.put("description", type.kind() + "List is a list of " + type.kind());
        list.put("type", "object");
        list.putArray("required").add("items");
        ObjectNode lp = list.putObject("properties");
        lp.set("apiVersion", properties.get("apiVersion").deepCopy());
        lp.set("kind", properties.get("kind").deepCopy());
        ObjectNode items = lp.putObject("items");
        items.put("type", "array");
        items.set("items", OpenApiSchemas.ref(name, dialect));
        lp.set("metadata", OpenApiSchemas.ref(ApiSchema.LIST_META, dialect));
        list.set("x-kubernetes-group-version-kind", gvk(type, type.kind() + "List"));
        schemas.set(name + "List", list);
    }

    private static ArrayNode gvk(ResourceType type, String kind) {
        ArrayNode array = Json.array();
        array.addObject()
                .put("group", type.group())
                .put("kind", kind)
                .put("version", type.version());
        return array;
    }

    private static final Set<String> V2_FIELDS =
            Set.of(
                    "description",
                    "type",
                    "format",
                    "title",
                    "enum",
                    "maximum",
                    "minimum",
                    "exclusiveMaximum",
                    "exclusiveMinimum",
                    "maxLength",
                    "minLength",
                    "pattern",
                    "maxItems",
                    "minItems",
                    "uniqueItems",
                    "maxProperties",
                    "minProperties",
                    "required");

    /** What Swagger 2.0 can say of a CRD schema (no nullable, anyOf, oneOf, not, int-or-string). */
    static ObjectNode v2(JsonNode schema) {
        ObjectNode out = Json.object();
        if (schema.path("x-kubernetes-int-or-string").asBoolean(false)) {
            if (schema.has("description")) {
                out.set("description", schema.get("description").deepCopy());
            }
            return out;
        }
        for (Map.Entry<String, JsonNode> e : schema.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (V2_FIELDS.contains(key)) {
                out.set(key, value.deepCopy());
            } else if (key.equals("properties") && value.isObject()) {
                ObjectNode props = out.putObject("properties");
                for (Map.Entry<String, JsonNode> p : value.properties()) {
                    props.set(p.getKey(), v2(p.getValue()));
                }
            } else if (key.equals("items") && value.isObject()) {
                out.set("items", v2(value));
            } else if (key.equals("additionalProperties") && value.isObject()) {
                out.set("additionalProperties", v2(value));
            }
        }
        if (schema.path("nullable").asBoolean(false)) {
            // Kubernetes drops the type of a nullable field in v2: clients must accept null
            out.remove("type");
        }
        return out;
    }
}
