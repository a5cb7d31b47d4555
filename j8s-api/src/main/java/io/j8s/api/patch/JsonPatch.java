package io.j8s.api.patch;

import io.j8s.api.json.Json;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Patch (RFC 6902): {@code add}, {@code remove}, {@code replace}, {@code move}, {@code copy},
 * {@code test}, JSON pointers with {@code ~0}/{@code ~1} escapes and the {@code -} (append) index.
 * Errors are worded like the json-patch library Kubernetes uses.
 *
 * <p>The work a patch makes is bounded as in Kubernetes: at most {@link #MAX_OPERATIONS} operations
 * (413), and {@code copy} operations may add at most {@link #MAX_COPY_BYTES} of encoded JSON in
 * total (422), so a few operations copying a value into itself cannot double it forty times. No
 * operation may nest the document deeper than {@link Json#MAX_DEPTH} (422), so the result can still
 * be encoded and read back.
 */
public final class JsonPatch {

    /** Kubernetes' {@code maxJSONPatchOperations}. */
    public static final int MAX_OPERATIONS = 10_000;

    /**
     * Kubernetes' default {@code JSONPatchMaxCopyBytes} (the json-patch {@code
     * AccumulatedCopySizeLimit}).
     */
    public static final long MAX_COPY_BYTES = 3L * 1024 * 1024;

    private JsonPatch() {}

    /**
     * Applies the operations in order to a copy of {@code original}.
     *
     * @throws PatchException 400 when the patch is not a list of operations, 422 when an operation
     *     does not apply
     */
    public static ObjectNode apply(ObjectNode original, JsonNode patch) {
        if (patch == null || !patch.isArray()) {
            throw PatchException.badRequest(
                    "json: cannot unmarshal "
                            + kindOf(patch)
                            + " into Go value of type jsonpatch.Patch");
        }
        for (JsonNode op : patch) {
            if (!op.isObject()) {
                throw PatchException.badRequest(
                        "json: cannot unmarshal "
                                + kindOf(op)
                                + " into Go value of type jsonpatch.Operation");
            }
        }
        if (patch.size() > MAX_OPERATIONS) {
            throw new PatchException(
                    413,
                    "The allowed maximum operations in a JSON patch is "
                            + MAX_OPERATIONS
                            + ", got "
                            + patch.size());
        }
        JsonNode doc = original.deepCopy();
        Budget budget = new Budget(depth(doc));
        for (JsonNode op : patch) {
            doc = applyOne(doc, op, budget);
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

    /**
     * What the operations so far used: the encoded bytes copied, and an upper bound of the
     * document's nesting (so that a {@code move} need not measure the value it moves).
     */
    private static final class Budget {
        long copied;
        int depthBound;

        Budget(int depth) {
            this.depthBound = depth;
        }
    }

    private static JsonNode applyOne(JsonNode doc, JsonNode op, Budget budget) {
        String kind = op.path("op").isString() ? op.get("op").stringValue() : "unknown";
        String path = pathOf(op, "path");
        switch (kind) {
            case "add" -> {
                return add(doc, path, value(op), "add", true, budget, -1);
            }
            case "remove" -> {
                return remove(doc, path, "remove");
            }
            case "replace" -> {
                JsonNode current = get(doc, path);
                if (current == null) {
                    throw PatchException.unprocessable(
                            "replace operation does not apply: doc is missing key: "
                                    + path
                                    + ": missing value");
                }
                if (path.isEmpty()) {
                    budget.depthBound = depth(value(op));
                    return value(op).deepCopy();
                }
                JsonNode next = remove(doc, path, "replace");
                return add(next, path, value(op), "replace", true, budget, -1);
            }
            case "move" -> {
                String from = pathOf(op, "from");
                JsonNode v = get(doc, from);
                if (v == null) {
                    throw PatchException.unprocessable(
                            "move operation does not apply: doc is missing from path: "
                                    + from
                                    + ": missing value");
                }
                if (path.startsWith(from + "/")) {
                    throw PatchException.unprocessable(
                            "move operation does not apply: from path "
                                    + from
                                    + " is a prefix of path "
                                    + path);
                }
                JsonNode next = remove(doc, from, "move");
                // The removed value is detached: it moves without a copy.
                return add(next, path, v, "move", false, budget, tokens(from).size());
            }
            case "copy" -> {
                String from = pathOf(op, "from");
                JsonNode v = get(doc, from);
                if (v == null) {
                    throw PatchException.unprocessable(
                            "copy operation does not apply: doc is missing from path: \""
                                    + from
                                    + "\": missing value");
                }
                budget.copied += encodedSize(v);
                if (budget.copied > MAX_COPY_BYTES) {
                    throw PatchException.unprocessable(
                            "Unable to complete the copy, the accumulated size increase of"
                                    + " copy is "
                                    + budget.copied
                                    + ", exceeding the limit "
                                    + MAX_COPY_BYTES);
                }
                return add(doc, path, v, "copy", true, budget, -1);
            }
            case "test" -> {
                JsonNode v = get(doc, path);
                JsonNode expected = op.get("value");
                boolean ok =
                        v == null
                                ? expected == null || expected.isNull()
                                : expected != null && equalsJson(v, expected);
                if (!ok) {
                    throw PatchException.unprocessable(
                            "testing value " + path + " failed: test failed");
                }
                return doc;
            }
            default -> throw PatchException.unprocessable("Unexpected kind: " + kind);
        }
    }

    private static String pathOf(JsonNode op, String field) {
        JsonNode p = op.get(field);
        if (p == null || !p.isString()) {
            throw PatchException.unprocessable(
                    "operation missing " + field + " field: missing value");
        }
        String s = p.stringValue();
        if (!s.isEmpty() && !s.startsWith("/")) {
            throw PatchException.unprocessable(
                    "JSON pointer must be empty or start with a \"/\": " + s);
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

    /**
     * @param movedFrom for a move, how deep the value was ({@code from}'s token count): it then
     *     nests at most {@code depthBound - movedFrom} levels and need not be measured unless that
     *     bound could pass the limit; -1 for a value that is measured
     */
    private static JsonNode add(
            JsonNode doc,
            String pointer,
            JsonNode value,
            String opName,
            boolean copy,
            Budget budget,
            int movedFrom) {
        List<String> tokens = tokens(pointer);
        int nesting =
                movedFrom >= 0 && tokens.size() + budget.depthBound - movedFrom <= Json.MAX_DEPTH
                        ? tokens.size() + budget.depthBound - movedFrom
                        : tokens.size() + depth(value);
        if (nesting > Json.MAX_DEPTH) {
            throw PatchException.unprocessable(
                    opName
                            + " operation does not apply: the value at \""
                            + pointer
                            + "\" would nest the object deeper than "
                            + Json.MAX_DEPTH
                            + " levels");
        }
        budget.depthBound = Math.max(budget.depthBound, nesting);
        if (tokens.isEmpty()) {
            return copy ? value.deepCopy() : value;
        }
        JsonNode parent = get(doc, parentPointer(pointer));
        String last = tokens.get(tokens.size() - 1);
        if (parent == null || !(parent.isObject() || parent.isArray())) {
            throw PatchException.unprocessable(
                    opName
                            + " operation does not apply: doc is missing path: \""
                            + pointer
                            + "\": missing value");
        }
        if (parent.isObject()) {
            ((ObjectNode) parent).set(last, copy ? value.deepCopy() : value);
        } else {
            ArrayNode array = (ArrayNode) parent;
            int i = index(last, array.size(), true);
            if (i < 0 || i > array.size()) {
                throw PatchException.unprocessable(
                        "Unable to access invalid index: " + last + ": invalid index referenced");
            }
            array.insert(i, copy ? value.deepCopy() : value);
        }
        return doc;
    }

    private static JsonNode remove(JsonNode doc, String pointer, String opName) {
        List<String> tokens = tokens(pointer);
        if (tokens.isEmpty()) {
            throw PatchException.unprocessable(
                    opName + " operation does not apply: cannot remove the whole document");
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
            throw PatchException.unprocessable(
                    "Unable to access invalid index: " + last + ": invalid index referenced");
        }
        throw PatchException.unprocessable(
                opName
                        + " operation does not apply: doc is missing path: \""
                        + pointer
                        + "\": missing value");
    }

    /** The most arrays and objects nested in {@code node} (0 for a scalar), without recursion. */
    static int depth(JsonNode node) {
        int max = 0;
        Deque<JsonNode> nodes = new ArrayDeque<>();
        Deque<Integer> depths = new ArrayDeque<>();
        nodes.push(node);
        depths.push(1);
        while (!nodes.isEmpty()) {
            JsonNode n = nodes.pop();
            int d = depths.pop();
            if (n.isContainer()) {
                max = Math.max(max, d);
                for (JsonNode child : n) {
                    if (child.isContainer()) {
                        nodes.push(child);
                        depths.push(d + 1);
                    }
                }
            }
        }
        return max;
    }

    /** The length of the compact JSON encoding of {@code value}, as json-patch counts a copy. */
    private static long encodedSize(JsonNode value) {
        long[] count = {0};
        OutputStream counter =
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        count[0]++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        count[0] += len;
                    }
                };
        Json.mapper().writeValue(counter, value);
        return count[0];
    }

    private static String parentPointer(String pointer) {
        return pointer.substring(0, pointer.lastIndexOf('/'));
    }

    /** JSON equality with numbers compared by value (1 equals 1.0). */
    static boolean equalsJson(JsonNode a, JsonNode b) {
        return io.j8s.api.json.Json.semanticEquals(a, b);
    }
}
