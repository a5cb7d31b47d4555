package io.j8s.api.patch;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Patch (RFC 6902): {@code add}, {@code remove}, {@code replace}, {@code move}, {@code copy},
 * {@code test}, JSON pointers with {@code ~0}/{@code ~1} escapes and the {@code -} (append)
 * index. Errors are worded like the json-patch library Kubernetes uses.
 */
public final class JsonPatch {

    private JsonPatch() {}

    /**
     * Applies the operations in order to a copy of {@code original}.
     *
     * @throws PatchException 400 when the patch is not a list of operations, 422 when an
     *     operation does not apply
     */
    public static ObjectNode apply(ObjectNode original, JsonNode patch) {
        if (patch == null || !patch.isArray()) {
            throw PatchException.badRequest("json: cannot unmarshal " + kindOf(patch) + " into Go value of type jsonpatch.Patch");
        }
        JsonNode doc = original.deepCopy();
        for (JsonNode op : patch) {
            if (!op.isObject()) {
                throw PatchException.badRequest("json: cannot unmarshal " + kindOf(op) + " into Go value of type jsonpatch.Operation");
            }
            doc = applyOne(doc, op);
        }
        if (!doc.isObject()) {
            throw PatchException.unprocessable("the patched document is not a JSON object");
        }
        return (ObjectNode) doc;
    }

    private static String kindOf(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        if (n.isObject()) {
            return "object";
        }
        if (n.isArray()) {
            return "array";
        }
        if (n.isString()) {
            return "string";
        }
        if (n.isNumber()) {
            return "number";
        }
        return "bool";
    }

    private static JsonNode applyOne(JsonNode doc, JsonNode op) {
        String kind = op.path("op").isString() ? op.get("op").stringValue() : "unknown";
        String path = pathOf(op, "path");
        switch (kind) {
            case "add" -> {
                return add(doc, path, value(op), "add");
            }
            case "remove" -> {
                return remove(doc, path, "remove");
            }
            case "replace" -> {
                JsonNode current = get(doc, path);
                if (current == null) {
                    throw PatchException.unprocessable("replace operation does not apply: doc is missing key: " + path + ": missing value");
                }
                if (path.isEmpty()) {
                    return value(op).deepCopy();
                }
                JsonNode next = remove(doc, path, "replace");
                return add(next, path, value(op), "replace");
            }
            case "move" -> {
                String from = pathOf(op, "from");
                JsonNode v = get(doc, from);
                if (v == null) {
                    throw PatchException.unprocessable("move operation does not apply: doc is missing from path: " + from + ": missing value");
                }
                if (path.startsWith(from + "/")) {
                    throw PatchException.unprocessable("move operation does not apply: from path " + from + " is a prefix of path " + path);
                }
                JsonNode next = remove(doc, from, "move");
                return add(next, path, v, "move");
            }
            case "copy" -> {
                String from = pathOf(op, "from");
                JsonNode v = get(doc, from);
                if (v == null) {
                    throw PatchException.unprocessable("copy operation does not apply: doc is missing from path: \"" + from + "\": missing value");
                }
                return add(doc, path, v.deepCopy(), "copy");
            }
            case "test" -> {
                JsonNode v = get(doc, path);
                JsonNode expected = op.get("value");
                boolean ok = v == null ? expected == null || expected.isNull() : expected != null && equalsJson(v, expected);
                if (!ok) {
                    throw PatchException.unprocessable("testing value " + path + " failed: test failed");
                }
                return doc;
            }
            default -> throw PatchException.unprocessable("Unexpected kind: " + kind);
        }
    }

    private static String pathOf(JsonNode op, String field) {
        JsonNode p = op.get(field);
        if (p == null || !p.isString()) {
            throw PatchException.unprocessable("operation missing " + field + " field: missing value");
        }
        String s = p.stringValue();
        if (!s.isEmpty() && !s.startsWith("/")) {
            throw PatchException.unprocessable("JSON pointer must be empty or start with a \"/\": " + s);
        }
        return s;
    }

    private static JsonNode value(JsonNode op) {
        JsonNode v = op.get("value");
        if (v == null) {
            throw PatchException.unprocessable("operation missing value field: missing value");
        }
        return v;
    }

    /** The tokens of a JSON pointer, unescaped. */
    static List<String> tokens(String pointer) {
        List<String> out = new ArrayList<>();
        if (pointer.isEmpty()) {
            return out;
        }
        for (String t : pointer.substring(1).split("/", -1)) {
            out.add(t.replace("~1", "/").replace("~0", "~"));
        }
        return out;
    }

    /** The value at a pointer, or null when absent. */
    static JsonNode get(JsonNode doc, String pointer) {
        JsonNode node = doc;
        for (String t : tokens(pointer)) {
            if (node == null) {
                return null;
            }
            if (node.isObject()) {
                node = node.get(t);
            } else if (node.isArray()) {
                int i = index(t, node.size(), false);
                node = i >= 0 && i < node.size() ? node.get(i) : null;
            } else {
                return null;
            }
        }
        return node;
    }

    private static int index(String token, int size, boolean allowEnd) {
        if (token.equals("-")) {
            return allowEnd ? size : -1;
        }
        if (!token.matches("0|[1-9][0-9]*")) {
            return -1;
        }
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static JsonNode add(JsonNode doc, String pointer, JsonNode value, String opName) {
        List<String> tokens = tokens(pointer);
        if (tokens.isEmpty()) {
            return value.deepCopy();
        }
        JsonNode parent = get(doc, parentPointer(pointer));
        String last = tokens.get(tokens.size() - 1);
        if (parent == null || !(parent.isObject() || parent.isArray())) {
            throw PatchException.unprocessable(opName + " operation does not apply: doc is missing path: \"" + pointer + "\": missing value");
        }
        if (parent.isObject()) {
            ((ObjectNode) parent).set(last, value.deepCopy());
        } else {
            ArrayNode array = (ArrayNode) parent;
            int i = index(last, array.size(), true);
            if (i < 0 || i > array.size()) {
                throw PatchException.unprocessable("Unable to access invalid index: " + last + ": invalid index referenced");
            }
            array.insert(i, value.deepCopy());
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String pointer, String opName) {
        List<String> tokens = tokens(pointer);
        if (tokens.isEmpty()) {
            throw PatchException.unprocessable(opName + " operation does not apply: cannot remove the whole document");
        }
        JsonNode parent = get(doc, parentPointer(pointer));
        String last = tokens.get(tokens.size() - 1);
        if (parent != null && parent.isObject() && parent.has(last)) {
            ((ObjectNode) parent).remove(last);
            return doc;
        }
        if (parent != null && parent.isArray()) {
            int i = index(last, parent.size(), false);
            if (i >= 0 && i < parent.size()) {
                ((ArrayNode) parent).remove(i);
                return doc;
            }
            throw PatchException.unprocessable("Unable to access invalid index: " + last + ": invalid index referenced");
        }
        throw PatchException.unprocessable(opName + " operation does not apply: doc is missing path: \"" + pointer + "\": missing value");
    }

    private static String parentPointer(String pointer) {
        return pointer.substring(0, pointer.lastIndexOf('/'));
    }

    /** JSON equality with numbers compared by value (1 equals 1.0). */
    static boolean equalsJson(JsonNode a, JsonNode b) {
        return io.j8s.api.json.Json.semanticEquals(a, b);
    }
}
