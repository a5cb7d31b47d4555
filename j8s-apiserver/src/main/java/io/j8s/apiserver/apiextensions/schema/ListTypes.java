package io.j8s.apiserver.apiextensions.schema;

import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.GoValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * apiextensions' {@code pkg/apiserver/schema/listtype/validation.go}: items of an {@code
 * x-kubernetes-list-type: set} list are unique, and so are the key tuples of a {@code map} list.
 * The second appearance of a value is a {@code Duplicate value} error at its index (later ones are
 * not reported again). Scalars compare as Go's decoded values do (an int64 1 is not a float64 1.5,
 * nor a float64 1.0); objects and arrays compare by their JSON.
 */
final class ListTypes {

    private ListTypes() {}

    /** ValidateListSetsAndMaps: additionalProperties values first, then properties. */
    static void validate(String path, JsonNode x, SchemaNode s, List<FieldError> errs, int depth) {
        if (s == null || x == null || !x.isObject() || depth > 4 * SchemaNode.MAX_DEPTH) {
            return;
        }
        if (s.additionalPropertiesSchema != null) {
            for (Map.Entry<String, JsonNode> e : x.properties()) {
                value(
                        path + "[" + e.getKey() + "]",
                        s.additionalPropertiesSchema,
                        e.getValue(),
                        errs,
                        depth + 1);
            }
        }
        for (Map.Entry<String, JsonNode> e : x.properties()) {
            SchemaNode p = s.properties.get(e.getKey());
            if (p != null) {
                value(EmbeddedResources.child(path, e.getKey()), p, e.getValue(), errs, depth + 1);
            }
        }
    }

    private static void value(
            String path, SchemaNode s, JsonNode x, List<FieldError> errs, int depth) {
        if (x.isArray()) {
            array(path, s, x, errs, depth);
        } else if (x.isObject()) {
            validate(path, x, s, errs, depth);
        }
    }

    private static void array(
            String path, SchemaNode s, JsonNode obj, List<FieldError> errs, int depth) {
        if ("set".equals(s.listType)) {
            List<JsonNode> items = new ArrayList<>();
            obj.forEach(items::add);
            for (int i : nonUnique(items)) {
                errs.add(FieldError.duplicate(path + "[" + i + "]", GoFmt.badValue(obj.get(i))));
            }
        } else if ("map".equals(s.listType)) {
            listMap(path, s, obj, errs);
        }
        if (s.items != null) {
            for (int i = 0; i < obj.size(); i++) {
                value(path + "[" + i + "]", s.items, obj.get(i), errs, depth + 1);
            }
        }
    }

    private static void listMap(String path, SchemaNode s, JsonNode obj, List<FieldError> errs) {
        for (int i = 0; i < obj.size(); i++) {
            JsonNode x = obj.get(i);
            if (!x.isNull() && !x.isObject()) {
                errs.add(
                        FieldError.invalid(
                                path + "[" + i + "]",
                                GoFmt.badValue(x),
                                "must be an object for an array of list-type map"));
                return;
            }
        }
        if (obj.size() <= 1) {
            return;
        }
        List<JsonNode> keys = new ArrayList<>();
        for (JsonNode x : obj) {
            ObjectNode key = JsonNodeFactory.instance.objectNode();
            if (x.isObject()) {
                for (String k : s.listMapKeys) {
                    JsonNode v = x.get(k);
                    if (v != null) {
                        key.set(k, v);
                    }
                }
            }
            keys.add(key);
        }
        for (int i : nonUnique(keys)) {
            errs.add(
                    FieldError.duplicate(
                            path + "[" + i + "]", new GoValues.Raw(GoFmt.sharpV(keys.get(i)))));
        }
    }

    /** validateListSet: the indices where a value appears the second time. */
    private static List<Integer> nonUnique(List<JsonNode> items) {
        List<Integer> out = new ArrayList<>();
        if (items.size() <= 1) {
            return out;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            int times = seen.merge(identity(items.get(i)), 1, Integer::sum);
            if (times == 2) {
                out.add(i);
            }
        }
        return out;
    }

    /** A string equal for values Go's comparison (scalars) or json.Marshal (compounds) equates. */
    static String identity(JsonNode x) {
        if (x.isObject() || x.isArray()) {
            StringBuilder b = new StringBuilder("c:");
            canonical(x, b);
            return b.toString();
        }
        if (x.isNumber()) {
            return GoFmt.isInt64(x) ? "i:" + x.longValue() : "f:" + x.doubleValue();
        }
        if (x.isString()) {
            return "s:" + x.stringValue();
        }
        return "o:" + x;
    }

    private static void canonical(JsonNode x, StringBuilder b) {
        if (x.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : x.properties()) {
                sorted.put(e.getKey(), e.getValue());
            }
            b.append('{');
            for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
                b.append(GoValues.quote(e.getKey())).append(':');
                canonical(e.getValue(), b);
                b.append(',');
            }
            b.append('}');
        } else if (x.isArray()) {
            b.append('[');
            for (JsonNode v : x) {
                canonical(v, b);
                b.append(',');
            }
            b.append(']');
        } else if (x.isNumber()) {
            b.append(
                    GoFmt.isInt64(x)
                            ? String.valueOf(x.longValue())
                            : GoFmt.goFloat(x.doubleValue()));
        } else {
            b.append(x);
        }
    }
}
