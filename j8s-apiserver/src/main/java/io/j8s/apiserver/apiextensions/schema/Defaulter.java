package io.j8s.apiserver.apiextensions.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Structural defaulting as apiextensions' {@code pkg/apiserver/schema/defaulting} does it: first
 * {@code PruneNonNullableNullsWithoutDefaults} (a {@code null} for a field that is not nullable and
 * has no default is dropped), then {@code Default} (a field's default is set where the field is
 * missing or a non-nullable {@code null}, only inside objects that exist; defaults are deep copies;
 * array items and additionalProperties values that are non-nullable nulls take their schema's
 * default).
 */
final class Defaulter {

    private Defaulter() {}

    static void apply(ObjectNode obj, SchemaNode s) {
        pruneNulls(obj, s, 0);
        defaults(obj, s, 0);
    }

    private static boolean nonNullableNull(JsonNode x, SchemaNode s) {
        return (x == null || x.isNull()) && s != null && !s.nullable;
    }

    private static void pruneNulls(JsonNode x, SchemaNode s, int depth) {
        if (s == null || depth > 4 * SchemaNode.MAX_DEPTH) {
            return;
        }
        if (x instanceof ObjectNode o) {
            List<String> drop = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : o.properties()) {
                SchemaNode p = s.child(e.getKey());
                if (p == null) {
                    continue;
                }
                if (nonNullableNull(e.getValue(), p) && p.defaultValue == null) {
                    drop.add(e.getKey());
                } else {
                    pruneNulls(e.getValue(), p, depth + 1);
                }
            }
            drop.forEach(o::remove);
        } else if (x != null && x.isArray()) {
            for (JsonNode v : x) {
                pruneNulls(v, s.items, depth + 1);
            }
        }
    }

    private static void defaults(JsonNode x, SchemaNode s, int depth) {
        if (s == null || depth > 4 * SchemaNode.MAX_DEPTH) {
            return;
        }
        if (x instanceof ObjectNode o) {
            for (Map.Entry<String, SchemaNode> e : s.properties.entrySet()) {
                SchemaNode p = e.getValue();
                if (p.defaultValue == null) {
                    continue;
                }
                JsonNode v = o.get(e.getKey());
                if (v == null || nonNullableNull(v, p)) {
                    o.set(e.getKey(), p.defaultValue.deepCopy());
                }
            }
            for (String k : new ArrayList<>(o.propertyNames())) {
                SchemaNode p = s.properties.get(k);
                if (p != null) {
                    defaults(o.get(k), p, depth + 1);
                } else if (s.additionalPropertiesSchema != null) {
                    SchemaNode ap = s.additionalPropertiesSchema;
                    if (nonNullableNull(o.get(k), ap) && ap.defaultValue != null) {
                        o.set(k, ap.defaultValue.deepCopy());
                    }
                    defaults(o.get(k), ap, depth + 1);
                }
            }
        } else if (x instanceof ArrayNode a && s.items != null) {
            for (int i = 0; i < a.size(); i++) {
                if (nonNullableNull(a.get(i), s.items) && s.items.defaultValue != null) {
                    a.set(i, s.items.defaultValue.deepCopy());
                }
                defaults(a.get(i), s.items, depth + 1);
            }
        }
    }
}
