package io.j8s.apiserver.apply;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.schema.ApiSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * What server-side apply knows of a value's type, as structured-merge-diff's schema atoms: a
 * scalar, a map (a struct with named fields, or string keys to one element type; granular or
 * atomic), a list (atomic, a set of scalars, or a map keyed by some of its items' fields), or
 * deduced from the value itself (objects are granular maps of deduced values, lists atomic).
 *
 * <p>Built-in kinds take their types from j8s' schema model ({@link ApiSchema}, whose list metadata
 * follows the tags of {@code k8s.io/api}); custom resources from their OpenAPI v3 schema ({@link
 * io.j8s.api.KindStrategy#openApiV3Schema()}). See docs/server-side-apply.md.
 */
sealed interface ApplyType {

    /** A leaf value. */
    record Scalar() implements ApplyType {}

    /** Deduced from the value. */
    record Deduced() implements ApplyType {}

    /**
     * A JSON object. {@code fields} resolves a named (struct) field, or null; other keys have
     * {@code elements}.
     */
    record MapType(
            Function<String, ApplyType> fields, ApplyType elements, boolean atomic, boolean struct)
            implements ApplyType {
        ApplyType field(String name) {
            ApplyType t = fields.apply(name);
            return t != null ? t : elements;
        }

        boolean isNamed(String name) {
            return fields.apply(name) != null;
        }
    }

    enum ListKind {
        ATOMIC,
        SET,
        MAP
    }

    /**
     * A JSON array; {@code keys} and {@code keyDefaults} (the default of a key field an item may
     * omit) for {@link ListKind#MAP}.
     */
    record ListType(
            ApplyType items, ListKind kind, List<String> keys, Map<String, JsonNode> keyDefaults)
            implements ApplyType {}

    ApplyType SCALAR = new Scalar();
    ApplyType DEDUCED = new Deduced();

    /** The type of a kind's objects. */
    static ApplyType of(ResourceType type) {
        java.util.Optional<JsonNode> schema = type.strategy().openApiV3Schema();
        if (schema.isPresent()) {
            return OpenApi.cached(schema.get());
        }
        String def = ApiSchema.get().kindDefinition(type.apiVersion(), type.kind());
        return def == null ? DEDUCED : Builtin.ref(def);
    }

    /** Types from j8s' schema model, built lazily and cached by definition. */
    final class Builtin {
        private static final Map<String, ApplyType> CACHE = new ConcurrentHashMap<>();

        /**
         * Structs that Kubernetes marks {@code +structType=atomic}: they are replaced as a whole.
         */
        private static final Set<String> ATOMIC_STRUCTS =
                Set.of(
                        ApiSchema.META + "LabelSelector",
                        "io.k8s.api.core.v1.LocalObjectReference",
                        "io.k8s.api.core.v1.ConfigMapKeySelector",
                        "io.k8s.api.core.v1.SecretKeySelector",
                        "io.k8s.api.core.v1.ObjectFieldSelector",
                        "io.k8s.api.core.v1.ResourceFieldSelector",
                        "io.k8s.api.core.v1.NodeSelector",
                        "io.k8s.api.core.v1.NodeSelectorTerm",
                        "io.k8s.api.core.v1.TopologySelectorTerm",
                        "io.k8s.api.core.v1.TypedLocalObjectReference");

        private Builtin() {}

        static ApplyType ref(String name) {
            ApplyType cached = CACHE.get(name);
            if (cached != null) {
                return cached;
            }
            ApiSchema.Definition def = ApiSchema.get().definition(name);
            ApplyType t;
            if (def == null) {
                t = DEDUCED;
            } else {
                t =
                        switch (def.kind()) {
                            case OBJECT ->
                                    new MapType(
                                            field -> property(def, field),
                                            DEDUCED,
                                            ATOMIC_STRUCTS.contains(name),
                                            true);
                            case FREE_FORM_OBJECT -> DEDUCED;
                            default -> SCALAR;
                        };
            }
            CACHE.put(name, t);
            return t;
        }

        private static ApplyType property(ApiSchema.Definition def, String field) {
            ApiSchema.Property p = def.property(field);
            if (p == null) {
                return null;
            }
            return shape(p.shape(), p);
        }

        private static ApplyType shape(ApiSchema.Shape shape, ApiSchema.Property p) {
            if (shape instanceof ApiSchema.Ref r) {
                return ref(r.name());
            }
            if (shape instanceof ApiSchema.MapOf m) {
                return new MapType(f -> null, shape(m.values(), null), false, false);
            }
            if (shape instanceof ApiSchema.ArrayOf a) {
                return list(shape(a.items(), null), p);
            }
            return shape instanceof ApiSchema.AnyValue ? DEDUCED : SCALAR;
        }

        /**
         * The list type as kube-openapi derives it: {@code listType} when set, else a strategic
         * {@code merge} list with a merge key is a map on that key, one without a key a set, and
         * any other list is atomic.
         */
        private static ApplyType list(ApplyType items, ApiSchema.Property p) {
            String listType = p == null ? null : p.listType();
            List<String> keys = p == null ? List.of() : p.listMapKeys();
            if (listType == null && p != null && p.mergesList()) {
                if (p.patchMergeKey() != null) {
                    listType = "map";
                    keys = List.of(p.patchMergeKey());
                } else {
                    listType = "set";
                }
            }
            if ("map".equals(listType) && !keys.isEmpty()) {
                Map<String, JsonNode> defaults = new LinkedHashMap<>();
                if (keys.contains("protocol")) {
                    // Kubernetes' OpenAPI defaults a port's protocol to TCP, so an item may
                    // omit it and still match the live (defaulted) item.
                    defaults.put("protocol", Json.nodes().stringNode("TCP"));
                }
                return new ListType(items, ListKind.MAP, keys, defaults);
            }
            if ("set".equals(listType)) {
                return new ListType(items, ListKind.SET, List.of(), Map.of());
            }
            return new ListType(items, ListKind.ATOMIC, List.of(), Map.of());
        }
    }

    /** Types from a custom resource's OpenAPI v3 schema (the CRD's {@code openAPIV3Schema}). */
    final class OpenApi {
        private static final int CACHE_SIZE = 256;
        private static final Map<JsonNode, ApplyType> CACHE = new ConcurrentHashMap<>();

        private OpenApi() {}

        /** The type of a schema, built once per distinct schema (at most 256 kept). */
        static ApplyType cached(JsonNode schema) {
            ApplyType t = CACHE.get(schema);
            if (t == null) {
                if (CACHE.size() >= CACHE_SIZE) {
                    CACHE.clear();
                }
                t = root(schema);
                CACHE.put(schema.deepCopy(), t);
            }
            return t;
        }

        static ApplyType root(JsonNode schema) {
            ApplyType objectMeta = Builtin.ref(ApiSchema.OBJECT_META);
            ApplyType body = of(schema, 0);
            if (body instanceof MapType m && !m.atomic()) {
                return new MapType(
                        f ->
                                switch (f) {
                                    case "apiVersion", "kind" -> SCALAR;
                                    case "metadata" -> objectMeta;
                                    default -> m.fields().apply(f);
                                },
                        m.elements(),
                        false,
                        true);
            }
            return new MapType(
                    f ->
                            switch (f) {
                                case "apiVersion", "kind" -> SCALAR;
                                case "metadata" -> objectMeta;
                                default -> null;
                            },
                    DEDUCED,
                    false,
                    true);
        }

        static ApplyType of(JsonNode s, int depth) {
            if (s == null || !s.isObject() || depth > Typed.MAX_DEPTH) {
                return DEDUCED;
            }
            if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
                return SCALAR;
            }
            String type = s.path("type").asString("");
            if (type.isEmpty() && s.has("properties")) {
                type = "object";
            }
            if (type.isEmpty() && s.has("items")) {
                type = "array";
            }
            switch (type) {
                case "object" -> {
                    boolean atomic = "atomic".equals(s.path("x-kubernetes-map-type").asString(""));
                    JsonNode props = s.get("properties");
                    Map<String, ApplyType> fields = new LinkedHashMap<>();
                    if (props != null && props.isObject()) {
                        for (Map.Entry<String, JsonNode> e : props.properties()) {
                            fields.put(e.getKey(), of(e.getValue(), depth + 1));
                        }
                    }
                    if (s.path("x-kubernetes-embedded-resource").asBoolean(false)) {
                        fields.putIfAbsent("apiVersion", SCALAR);
                        fields.putIfAbsent("kind", SCALAR);
                        fields.put("metadata", Builtin.ref(ApiSchema.OBJECT_META));
                    }
                    JsonNode additional = s.get("additionalProperties");
                    ApplyType elements =
                            additional != null && additional.isObject()
                                    ? of(additional, depth + 1)
                                    : DEDUCED;
                    Map<String, ApplyType> frozen = Map.copyOf(fields);
                    return new MapType(frozen::get, elements, atomic, !frozen.isEmpty());
                }
                case "array" -> {
                    ApplyType items = of(s.get("items"), depth + 1);
                    String listType = s.path("x-kubernetes-list-type").asString("atomic");
                    if ("map".equals(listType)) {
                        List<String> keys = new java.util.ArrayList<>();
                        s.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asString()));
                        Map<String, JsonNode> defaults = new LinkedHashMap<>();
                        JsonNode itemProps = s.path("items").path("properties");
                        for (String k : keys) {
                            JsonNode d = itemProps.path(k).get("default");
                            if (d != null) {
                                defaults.put(k, d);
                            }
                        }
                        if (!keys.isEmpty()) {
                            return new ListType(items, ListKind.MAP, List.copyOf(keys), defaults);
                        }
                    }
                    if ("set".equals(listType)) {
                        return new ListType(items, ListKind.SET, List.of(), Map.of());
                    }
                    return new ListType(items, ListKind.ATOMIC, List.of(), Map.of());
                }
                case "" -> {
                    return DEDUCED;
                }
                default -> {
                    return SCALAR;
                }
            }
        }
    }
}
