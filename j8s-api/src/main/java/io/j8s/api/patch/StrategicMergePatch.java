package io.j8s.api.patch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Strategic merge patch, as apimachinery's {@code strategicpatch.StrategicMergePatch} applies it on
 * the server: maps merge recursively and {@code null} deletes; lists with a merge strategy merge
 * element by element on their merge key (primitive lists as sets), other lists are replaced; the
 * directives {@code $patch: replace|delete} (in maps and list elements), {@code $retainKeys},
 * {@code $setElementOrder/<list>} and {@code $deleteFromPrimitiveList/<list>} are honoured. Merged
 * lists keep the order Kubernetes gives them: {@code $setElementOrder} first, then the patch's
 * order, then the live object's order.
 *
 * <p>Stateless; never modifies its arguments.
 */
public final class StrategicMergePatch {

    static final String DIRECTIVE = "$patch";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String SET_ELEMENT_ORDER = "$setElementOrder/";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StrategicMergePatch() {}

    /**
     * Applies {@code patch} to a copy of {@code original} using the kind's merge metadata.
     *
     * @throws PatchException 400 for a malformed patch (not an object, unknown {@code $patch}, bad
     *     {@code $retainKeys}), 422 when it does not fit the object (a list element without its
     *     merge key, content outside {@code $retainKeys})
     */
    public static ObjectNode apply(ObjectNode original, JsonNode patch, PatchMeta schema) {
        if (patch == null || !patch.isObject()) {
            throw PatchException.badRequest(
                    "json: cannot unmarshal "
                            + (patch == null
                                    ? "null"
                                    : patch.getNodeType()
                                            .toString()
                                            .toLowerCase(java.util.Locale.ROOT))
                            + " into Go value of type map[string]interface {}");
        }
        return mergeMap(original.deepCopy(), (ObjectNode) patch.deepCopy(), schema);
    }

    // ------------------------------------------------------------------ maps

    private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, PatchMeta schema) {
        JsonNode directive = patch.get(DIRECTIVE);
        if (directive != null) {
            String d = directive.isString() ? directive.stringValue() : directive.toString();
            if (d.equals("replace")) {
                patch.remove(DIRECTIVE);
                return (ObjectNode) mergeNew(patch, schema);
            }
            if (d.equals("delete")) {
                return NODES.objectNode();
            }
            throw PatchException.badRequest(
                    "unknown patch type: " + d + " in map: " + goMap(patch));
        }
        if (original == null) {
            original = NODES.objectNode();
        }
        applyRetainKeys(original, patch);
        applySetElementOrder(original, patch, schema);

        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(patch.properties());
        for (Map.Entry<String, JsonNode> e : entries) {
            String k = e.getKey();
            JsonNode v = e.getValue();
            boolean deleteList = false;
            if (k.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            if (k.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                k = k.substring(DELETE_FROM_PRIMITIVE_LIST.length());
                deleteList = true;
            }
            if (v.isNull()) {
                original.remove(k);
                continue;
            }
            PatchMeta.Field field = schema.field(k);
            JsonNode current = original.get(k);
            if (current == null || !sameType(current, v)) {
                // As apimachinery: take the patch value without nulls and directives; a map
                // carrying a $patch directive is dropped altogether (removeDirectives).
                if (!deleteList) {
                    JsonNode value = clean(v);
                    if (value == null) {
                        original.remove(k);
                    } else {
                        original.set(k, value);
                    }
                }
                continue;
            }
            if (current.isObject()) {
                original.set(k, mergeMap((ObjectNode) current, (ObjectNode) v, field.type()));
            } else if (current.isArray()) {
                original.set(k, mergeList((ArrayNode) current, (ArrayNode) v, field, deleteList));
            } else {
                original.set(k, v);
            }
        }
        return original;
    }

    /** Kubernetes compares Go types: maps, lists, strings, numbers, booleans. */
    private static boolean sameType(JsonNode a, JsonNode b) {
        return (a.isObject() && b.isObject())
                || (a.isArray() && b.isArray())
                || (a.isString() && b.isString())
                || (a.isNumber() && b.isNumber())
                || (a.isBoolean() && b.isBoolean());
    }

    private static JsonNode mergeNew(JsonNode v, PatchMeta schema) {
        if (v.isObject()) {
            return mergeMap(NODES.objectNode(), (ObjectNode) v, schema);
        }
        return clean(v);
    }

    /**
     * A patch value taken as is: nulls dropped ({@code discardNullValuesFromPatch}), maps holding a
     * {@code $patch} directive removed ({@code removeDirectives}), other directive keys dropped (a
     * typed decode ignores them). Returns null when the value itself is removed.
     */
    private static JsonNode clean(JsonNode v) {
        if (v.isObject()) {
            if (v.has(DIRECTIVE)) {
                return null;
            }
            ObjectNode out = NODES.objectNode();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (e.getValue().isNull() || isDirectiveKey(e.getKey())) {
                    continue;
                }
                JsonNode c = clean(e.getValue());
                if (c != null) {
                    out.set(e.getKey(), c);
                }
            }
            return out;
        }
        if (v.isArray()) {
            ArrayNode out = NODES.arrayNode();
            for (JsonNode el : v) {
                JsonNode c = el.isNull() ? el : clean(el);
                if (c != null) {
                    out.add(c);
                }
            }
            return out;
        }
        return v;
    }

    private static boolean isDirectiveKey(String k) {
        return k.equals(DIRECTIVE)
                || k.equals(RETAIN_KEYS)
                || k.startsWith(SET_ELEMENT_ORDER)
                || k.startsWith(DELETE_FROM_PRIMITIVE_LIST);
    }

    /** {@code $retainKeys}: drop original keys not listed; patch keys must be listed. */
    private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode retain = patch.remove(RETAIN_KEYS);
        if (retain == null) {
            return;
        }
        if (!retain.isArray()) {
            throw PatchException.badRequest("invalid patch format of retainKeys");
        }
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (JsonNode k : retain) {
            keys.add(k.isString() ? k.stringValue() : k.toString());
        }
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String k = e.getKey();
            if (e.getValue().isNull()
                    || k.startsWith(DELETE_FROM_PRIMITIVE_LIST)
                    || k.startsWith(SET_ELEMENT_ORDER)
                    || k.equals(DIRECTIVE)) {
                continue;
            }
            if (!keys.contains(k)) {
                throw PatchException.unprocessable(
                        "doesn't match retainKeys list: " + k + " is not in " + keys);
            }
        }
        original.retain(keys);
    }

    /**
     * {@code mergePatchIntoOriginal}: merge each list that has an order directive, in that order.
     */
    private static void applySetElementOrder(
            ObjectNode original, ObjectNode patch, PatchMeta schema) {
        List<String> directives = new ArrayList<>();
        for (String k : patch.propertyNames()) {
            if (k.startsWith(SET_ELEMENT_ORDER)) {
                directives.add(k);
            }
        }
        for (String directive : directives) {
            JsonNode order = patch.get(directive);
            if (!order.isArray()) {
                throw PatchException.badRequest("invalid patch format of setElementOrder list");
            }
            String key = directive.substring(SET_ELEMENT_ORDER.length());
            PatchMeta.Field field = schema.field(key);
            JsonNode originalList = original.get(key);
            JsonNode patchList = patch.get(key);
            boolean hasOriginal = originalList != null && originalList.isArray();
            boolean hasPatch = patchList != null && patchList.isArray();
            ArrayNode merged;
            if (hasOriginal && hasPatch) {
                merged = mergeList((ArrayNode) originalList, (ArrayNode) patchList, field, false);
            } else if (hasOriginal) {
                merged = (ArrayNode) originalList;
            } else if (hasPatch) {
                merged = (ArrayNode) clean(patchList);
            } else {
                patch.remove(directive);
                continue;
            }
            String mergeKey = field.mergeKey();
            List<JsonNode> patchItems = new ArrayList<>();
            List<JsonNode> serverOnly = new ArrayList<>();
            List<JsonNode> orderItems = elements((ArrayNode) order);
            Positions inOrder = new Positions(orderItems, mergeKey);
            for (JsonNode item : merged) {
                (inOrder.of(item) >= 0 ? patchItems : serverOnly).add(item);
            }
            List<JsonNode> serverOrder =
                    hasOriginal ? elements((ArrayNode) originalList) : List.of();
            original.set(
                    key,
                    toArray(
                            normalizeElementOrder(
                                    patchItems, serverOnly, orderItems, serverOrder, mergeKey)));
            patch.remove(key);
            patch.remove(directive);
        }
    }

    // ------------------------------------------------------------------ lists

    private static ArrayNode mergeList(
            ArrayNode original, ArrayNode patch, PatchMeta.Field field, boolean deleteList) {
        if (!field.merge()) {
            return (ArrayNode) clean(patch);
        }
        if (original.isEmpty() && patch.isEmpty()) {
            return original;
        }
        boolean maps = elementsAreMaps(original, patch);
        List<JsonNode> serverOrder = elements(original);
        List<JsonNode> patchOrder = elements(patch);
        List<JsonNode> merged;
        final String fieldKey = field.mergeKey();
        String mergeKey = fieldKey;
        if (!maps) {
            if (deleteList) {
                List<JsonNode> out = new ArrayList<>();
                Positions deleted = new Positions(patchOrder, "");
                for (JsonNode o : serverOrder) {
                    if (deleted.of(o) < 0) {
                        out.add(o);
                    }
                }
                return toArray(out);
            }
            merged = new ArrayList<>();
            Positions seen = new Positions(List.of(), "");
            for (JsonNode n : concat(serverOrder, patchOrder)) {
                if (seen.of(n) < 0) {
                    seen.add(n, merged.size());
                    merged.add(n);
                }
            }
            mergeKey = "";
        } else {
            if (mergeKey.isEmpty()) {
                throw PatchException.unprocessable("cannot merge lists without merge key");
            }
            // $patch: delete / replace elements
            List<JsonNode> plain = new ArrayList<>();
            Positions deletes = new Positions(List.of(), mergeKey);
            boolean replace = false;
            for (JsonNode p : patchOrder) {
                JsonNode d = p.get(DIRECTIVE);
                if (d == null) {
                    plain.add(p);
                    continue;
                }
                String directive = d.isString() ? d.stringValue() : d.toString();
                switch (directive) {
                    case "delete" -> {
                        JsonNode value = p.get(mergeKey);
                        if (value == null) {
                            throw PatchException.unprocessable(
                                    "map: "
                                            + goMap(p)
                                            + " does not contain declared merge key: "
                                            + mergeKey);
                        }
                        deletes.add(p, 0);
                    }
                    case "replace" -> replace = true;
                    case "merge" ->
                            throw PatchException.badRequest(
                                    "merging lists cannot yet be specified in the patch");
                    default ->
                            throw PatchException.badRequest(
                                    "unknown patch type: " + directive + " in map: " + goMap(p));
                }
            }
            // One pass for every deletion: a patch of many deletions costs the list once, not once
            // each.
            serverOrder.removeIf(o -> o.isObject() && deletes.of(o) >= 0);
            if (replace) {
                List<JsonNode> out = new ArrayList<>();
                for (JsonNode p : plain) {
                    out.add(mergeNew(p, field.type()));
                }
                return toArray(out);
            }
            patchOrder = plain;
            merged = new ArrayList<>(serverOrder);
            Positions inMerged = new Positions(merged, mergeKey);
            for (JsonNode p : plain) {
                JsonNode value = p.get(mergeKey);
                if (value == null || !p.isObject()) {
                    throw PatchException.unprocessable(
                            "map: "
                                    + goMap(p)
                                    + " does not contain declared merge key: "
                                    + mergeKey);
                }
                int at = inMerged.of(p);
                if (at >= 0) {
                    merged.set(
                            at,
                            mergeMap((ObjectNode) merged.get(at), (ObjectNode) p, field.type()));
                } else {
                    inMerged.add(p, merged.size());
                    merged.add(mergeNew(p, field.type()));
                }
            }
        }
        List<JsonNode> patchItems = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        Positions inPatch = new Positions(patchOrder, mergeKey);
        for (JsonNode item : merged) {
            (inPatch.of(item) >= 0 ? patchItems : serverOnly).add(item);
        }
        return toArray(
                normalizeElementOrder(patchItems, serverOnly, patchOrder, serverOrder, mergeKey));
    }

    private static boolean elementsAreMaps(ArrayNode original, ArrayNode patch) {
        Boolean maps = null;
        for (JsonNode n : concat(elements(original), elements(patch))) {
            boolean isMap = n.isObject();
            if (maps == null) {
                maps = isMap;
            } else if (maps != isMap) {
                throw PatchException.badRequest(
                        "list elements must all be of one type: found both objects and values");
            }
        }
        return maps != null && maps;
    }

    /**
     * {@code normalizeElementOrder}: patch items in the patch's (or {@code $setElementOrder}'s)
     * order, server-only items in the live order, interleaved by the live order.
     */
    private static List<JsonNode> normalizeElementOrder(
            List<JsonNode> patchItems,
            List<JsonNode> serverOnly,
            List<JsonNode> patchOrder,
            List<JsonNode> serverOrder,
            String mergeKey) {
        List<JsonNode> right = sortBy(patchItems, patchOrder, mergeKey);
        List<JsonNode> left = sortBy(serverOnly, serverOrder, mergeKey);
        List<JsonNode> out = new ArrayList<>();
        Positions inServer = new Positions(serverOrder, mergeKey);
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            if (i >= left.size()) {
                out.add(right.get(j++));
            } else if (j >= right.size()) {
                out.add(left.get(i++));
            } else {
                int li = inServer.of(left.get(i));
                int ri = inServer.of(right.get(j));
                if (li >= 0 && ri >= 0 && li < ri) {
                    out.add(left.get(i++));
                } else {
                    out.add(right.get(j++));
                }
            }
        }
        return out;
    }

    /** A stable sort by position in {@code order}; items not in it keep their place. */
    private static List<JsonNode> sortBy(
            List<JsonNode> items, List<JsonNode> order, String mergeKey) {
        Positions inOrder = new Positions(order, mergeKey);
        List<JsonNode> known = new ArrayList<>();
        List<Integer> knownAt = new ArrayList<>();
        for (JsonNode n : items) {
            int at = inOrder.of(n);
            if (at >= 0) {
                known.add(n);
                knownAt.add(at);
            }
        }
        Integer[] byPosition = new Integer[known.size()];
        for (int i = 0; i < byPosition.length; i++) {
            byPosition[i] = i;
        }
        java.util.Arrays.sort(
                byPosition, (a, b) -> Integer.compare(knownAt.get(a), knownAt.get(b)));
        List<JsonNode> out = new ArrayList<>();
        int k = 0;
        for (JsonNode n : items) {
            out.add(inOrder.of(n) >= 0 ? known.get(byPosition[k++]) : n);
        }
        return out;
    }

    /**
     * The first position of each item of a list: by its merge key's value for maps, by value
     * otherwise, with values compared as {@link JsonPatch#equalsJson} does (1 equals 1.0, objects
     * regardless of property order). A hash lookup, so that merging long lists costs their length,
     * not its square.
     */
    private static final class Positions {
        private final java.util.HashMap<String, Integer> first = new java.util.HashMap<>();
        private final String mergeKey;

        Positions(List<JsonNode> list, String mergeKey) {
            this.mergeKey = mergeKey;
            for (int i = 0; i < list.size(); i++) {
                add(list.get(i), i);
            }
        }

        void add(JsonNode item, int position) {
            String key = keyOf(item);
            if (key != null) {
                first.putIfAbsent(key, position);
            }
        }

        /** The first position of an item equal to {@code item} (by merge key), or -1. */
        int of(JsonNode item) {
            String key = keyOf(item);
            Integer at = key == null ? null : first.get(key);
            return at == null ? -1 : at;
        }

        private String keyOf(JsonNode item) {
            if (mergeKey.isEmpty()) {
                return canonical(item);
            }
            JsonNode value = item.isObject() ? item.get(mergeKey) : null;
            return value == null ? null : canonical(value);
        }
    }

    /**
     * A text equal for two values exactly when {@link JsonPatch#equalsJson} says they are equal.
     */
    static String canonical(JsonNode value) {
        if (value.isString()) {
            String text = value.stringValue();
            return "s" + text.length() + ":" + text;
        }
        if (value.isNumber()) {
            return "n" + value.decimalValue().stripTrailingZeros().toPlainString();
        }
        if (value.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            value.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
            StringBuilder b = new StringBuilder("{");
            sorted.forEach(
                    (k, v) ->
                            b.append(k.length())
                                    .append(':')
                                    .append(k)
                                    .append(canonical(v))
                                    .append(','));
            return b.append('}').toString();
        }
        if (value.isArray()) {
            StringBuilder b = new StringBuilder("[");
            value.forEach(v -> b.append(canonical(v)).append(','));
            return b.append(']').toString();
        }
        return value.isBoolean()
                ? (value.booleanValue() ? "t" : "f")
                : value.isNull() ? "z" : value.toString();
    }

    private static boolean equalsJson(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        return JsonPatch.equalsJson(a, b);
    }

    private static List<JsonNode> elements(ArrayNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
        List<JsonNode> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static ArrayNode toArray(List<JsonNode> items) {
        ArrayNode out = NODES.arrayNode();
        items.forEach(out::add);
        return out;
    }

    /** Go's {@code %v} of a map: {@code map[k:v k2:v2]}. */
    private static String goMap(JsonNode n) {
        if (!n.isObject()) {
            return n.isString() ? n.stringValue() : n.toString();
        }
        TreeMap<String, JsonNode> sorted = new TreeMap<>();
        n.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
        StringBuilder b = new StringBuilder("map[");
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
            if (!first) {
                b.append(' ');
            }
            first = false;
            b.append(e.getKey()).append(':').append(goMap(e.getValue()));
        }
        return b.append(']').toString();
    }
}
