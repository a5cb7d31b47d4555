package io.j8s.apiserver.apiextensions.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Drops the fields a structural schema does not specify, as apiextensions' {@code
 * pkg/apiserver/schema/pruning/algorithm.go} does: fields under {@code
 * x-kubernetes-preserve-unknown-fields} stay (their specified children are still pruned); {@code
 * apiVersion}, {@code kind} and {@code metadata} of the resource and of embedded resources stay
 * (the resource's ObjectMeta is the caller's; in embedded resources unknown ObjectMeta fields are
 * dropped as {@code objectmeta.Coerce} drops them); under {@code additionalProperties: true}
 * without a schema, nested objects are emptied.
 */
final class Pruner {

    private static final Set<String> META_FIELDS = Set.of("apiVersion", "kind", "metadata");

    /** The JSON fields of ObjectMeta; objectmeta.Coerce drops the others in embedded resources. */
    private static final Set<String> OBJECT_META_FIELDS =
            Set.of(
                    "name",
                    "generateName",
                    "namespace",
                    "selfLink",
                    "uid",
                    "resourceVersion",
                    "generation",
                    "creationTimestamp",
                    "deletionTimestamp",
                    "deletionGracePeriodSeconds",
                    "labels",
                    "annotations",
                    "ownerReferences",
                    "finalizers",
                    "managedFields");

    private Pruner() {}

    /** Prunes {@code obj} in place; {@code resourceRoot} makes the root an embedded resource. */
    static void prune(ObjectNode obj, SchemaNode s, boolean resourceRoot) {
        prune(obj, s, resourceRoot, 0);
    }

    /** Prunes a value that may be a scalar or an array. */
    static void pruneValue(JsonNode x, SchemaNode s) {
        prune(x, s, false, 0);
    }

    private static void prune(JsonNode x, SchemaNode s, boolean forceEmbedded, int depth) {
        if (depth > 4 * SchemaNode.MAX_DEPTH) {
            return;
        }
        if (s != null && s.preserveUnknownFields) {
            skipPrune(x, s, forceEmbedded, depth);
            return;
        }
        if (x instanceof ObjectNode o) {
            if (s == null) {
                o.removeAll();
                return;
            }
            boolean embedded = s.embeddedResource || forceEmbedded;
            List<String> drop = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                String k = e.getKey();
                if (embedded && META_FIELDS.contains(k)) {
                    continue;
                }
                SchemaNode p = s.properties.get(k);
                if (p != null) {
                    prune(e.getValue(), p, false, depth + 1);
                } else if (s.hasAdditionalProperties) {
                    prune(e.getValue(), s.additionalPropertiesSchema, false, depth + 1);
                } else {
                    drop.add(k);
                }
            }
            drop.forEach(o::remove);
            if (s.embeddedResource) {
                coerceMeta(o);
            }
        } else if (x != null && x.isArray()) {
            for (JsonNode v : x) {
                prune(v, s == null ? null : s.items, false, depth + 1);
            }
        }
    }

    /**
     * objectmeta.Coerce with dropInvalidFields for an embedded resource (never the resource root,
     * whose metadata the caller decodes): apiVersion and kind that are not strings are dropped, a
     * metadata that is not an object is dropped, unknown metadata fields are dropped.
     */
    private static void coerceMeta(ObjectNode o) {
        for (String f : List.of("apiVersion", "kind")) {
            JsonNode v = o.get(f);
            if (v != null && !v.isString()) {
                o.remove(f);
            }
        }
        JsonNode meta = o.get("metadata");
        if (meta == null) {
            return;
        }
        if (!(meta instanceof ObjectNode m)) {
            o.remove("metadata");
            return;
        }
        List<String> unknown = new ArrayList<>();
        for (String k : m.propertyNames()) {
            if (!OBJECT_META_FIELDS.contains(k)) {
                unknown.add(k);
            }
        }
        unknown.forEach(m::remove);
    }

    private static void skipPrune(JsonNode x, SchemaNode s, boolean forceEmbedded, int depth) {
        if (x instanceof ObjectNode o) {
            boolean embedded = s.embeddedResource || forceEmbedded;
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                String k = e.getKey();
                if (embedded && META_FIELDS.contains(k)) {
                    continue;
                }
                SchemaNode p = s.properties.get(k);
                if (p != null) {
                    prune(e.getValue(), p, false, depth + 1);
                } else if (s.hasAdditionalProperties) {
                    prune(e.getValue(), s.additionalPropertiesSchema, false, depth + 1);
                }
            }
            if (s.embeddedResource) {
                coerceMeta(o);
            }
        } else if (x != null && x.isArray() && s.items != null) {
            for (JsonNode v : x) {
                skipPrune(v, s.items, false, depth + 1);
            }
        }
    }
}
