package io.j8s.apiserver.apiextensions.schema;

import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.GoValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * apiextensions' {@code pkg/apiserver/schema/listtype/validation.go}: items of an {@code
 * x-kubernetes-list-type: set} list are unique, and so are the key tuples of a {@code map} list;
 * each repeat is a {@code Duplicate value} error at its index.
 */
final class ListTypes {

    private ListTypes() {}

    static void validate(String path, JsonNode x, SchemaNode s, List<FieldError> errs, int depth) {
        if (s == null || x == null || depth > 4 * SchemaNode.MAX_DEPTH) {
            return;
        }
        if (x.isObject()) {
            for (Map.Entry<String, JsonNode> e : x.properties()) {
                SchemaNode p = s.properties.get(e.getKey());
                if (p != null) {
                    validate(
                            EmbeddedResources.child(path, e.getKey()),
                            e.getValue(),
                            p,
                            errs,
                            depth + 1);
                } else if (s.additionalPropertiesSchema != null) {
                    validate(
                            path + "[" + e.getKey() + "]",
                            e.getValue(),
                            s.additionalPropertiesSchema,
                            errs,
                            depth + 1);
                }
            }
        } else if (x.isArray()) {
            if ("set".equals(s.listType)) {
                List<JsonNode> seen = new ArrayList<>();
                for (int i = 0; i < x.size(); i++) {
                    JsonNode v = x.get(i);
                    if (seen.stream().anyMatch(o -> GoFmt.jsonEquals(o, v))) {
                        errs.add(FieldError.duplicate(path + "[" + i + "]", GoFmt.badValue(v)));
                    } else {
                        seen.add(v);
                    }
                }
            } else if ("map".equals(s.listType) && !s.listMapKeys.isEmpty()) {
                List<ObjectNode> seen = new ArrayList<>();
                for (int i = 0; i < x.size(); i++) {
                    JsonNode v = x.get(i);
                    if (!v.isObject()) {
                        continue;
                    }
                    ObjectNode keys = JsonNodeFactory.instance.objectNode();
                    for (String k : s.listMapKeys) {
                        JsonNode kv = v.get(k);
                        if (kv != null) {
                            keys.set(k, kv);
                        }
                    }
                    if (seen.stream().anyMatch(o -> GoFmt.jsonEquals(o, keys))) {
                        errs.add(
                                FieldError.duplicate(
                                        path + "[" + i + "]",
                                        new GoValues.Raw(GoFmt.sharpV(keys))));
                    } else {
                        seen.add(keys);
                    }
                }
            }
            if (s.items != null) {
                for (int i = 0; i < x.size(); i++) {
                    validate(path + "[" + i + "]", x.get(i), s.items, errs, depth + 1);
                }
            }
        }
    }
}
