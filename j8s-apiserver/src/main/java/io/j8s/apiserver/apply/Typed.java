package io.j8s.apiserver.apply;

import io.j8s.api.json.Json;
import io.j8s.apiserver.errors.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The walks of structured-merge-diff over a value and its {@link ApplyType}: the field set a value
 * sets ({@code ToFieldSet}), merging an applied configuration into the live object ({@code Merge}),
 * the fields added, changed and removed between two values ({@code Compare}), and the removal of
 * fields a manager no longer applies ({@code prune}). Every walk is bounded in depth and in the
 * number of values it visits (a 422 beyond), see docs/server-side-apply.md.
 */
final class Typed {
    /** The deepest value the walks descend into. */
    static final int MAX_DEPTH = 100;

    /** The most values one walk visits. */
    static final int MAX_VALUES = 2_000_000;

    private Typed() {}

    /** What changed between two values. */
    record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {
        Comparison() {
            this(new FieldSet(), new FieldSet(), new FieldSet());
        }
    }

    /** Counts the values a walk visits, and fails it beyond {@link #MAX_VALUES}. */
    static final class Budget {
        private long left = MAX_VALUES;

        void spend(int depth) {
            if (depth > MAX_DEPTH) {
                throw ApiException.unprocessable(
                        "the object is nested more than " + MAX_DEPTH + " levels deep");
            }
            if (--left < 0) {
                throw ApiException.unprocessable(
                        "the object has more than " + MAX_VALUES + " values to merge");
            }
        }
    }

    private static final ApplyType.MapType DEDUCED_MAP =
            new ApplyType.MapType(f -> null, ApplyType.DEDUCED, false, false);
    private static final ApplyType.ListType DEDUCED_LIST =
            new ApplyType.ListType(
                    ApplyType.DEDUCED, ApplyType.ListKind.ATOMIC, List.of(), Map.of());

    /** The type that applies to {@code value}: a leaf when the value does not fit the type. */
    static ApplyType resolve(ApplyType type, JsonNode value) {
        if (value == null || value.isNull()) {
            return type instanceof ApplyType.Deduced ? ApplyType.SCALAR : type;
        }
        if (type instanceof ApplyType.Deduced) {
            if (value.isObject()) {
                return DEDUCED_MAP;
            }
            return value.isArray() ? DEDUCED_LIST : ApplyType.SCALAR;
        }
        if (type instanceof ApplyType.MapType && !value.isObject()) {
            return ApplyType.SCALAR;
        }
        if (type instanceof ApplyType.ListType && !value.isArray()) {
            return ApplyType.SCALAR;
        }
        return type;
    }

    private static boolean granularMap(ApplyType t) {
        return t instanceof ApplyType.MapType m && !m.atomic();
    }

    private static boolean granularList(ApplyType t) {
        return t instanceof ApplyType.ListType l && l.kind() != ApplyType.ListKind.ATOMIC;
    }

    /** The path element of a list item: its key fields, its value, or its index. */
    static PathElement itemElement(ApplyType.ListType t, int index, JsonNode item) {
        switch (t.kind()) {
            case MAP -> {
                if (item == null || !item.isObject()) {
                    return PathElement.index(index);
                }
                Map<String, JsonNode> key = new LinkedHashMap<>();
                for (String k : t.keys()) {
                    JsonNode v = item.get(k);
                    if (v == null || v.isNull()) {
                        v = t.keyDefaults().get(k);
                    }
                    if (v != null) {
                        key.put(k, v);
                    }
                }
                return PathElement.key(key);
            }
            case SET -> {
                return PathElement.value(item);
            }
            default -> {
                return PathElement.index(index);
            }
        }
    }

    // ---------------------------------------------------------------- field sets

    /** The fields {@code value} sets, as structured-merge-diff's {@code ToFieldSet}. */
    static FieldSet toFieldSet(JsonNode value, ApplyType type) {
        FieldSet out = new FieldSet();
        toFieldSet(value, type, new ArrayList<>(), out, 0, new Budget());
        return out;
    }

    private static void toFieldSet(
            JsonNode value,
            ApplyType type,
            List<PathElement> path,
            FieldSet out,
            int depth,
            Budget budget) {
        budget.spend(depth);
        ApplyType t = resolve(type, value);
        if (t instanceof ApplyType.MapType m) {
            if (m.atomic()) {
                out.insert(path);
                return;
            }
            for (Map.Entry<String, JsonNode> e : value.properties()) {
                path.add(PathElement.field(e.getKey()));
                toFieldSet(e.getValue(), m.field(e.getKey()), path, out, depth + 1, budget);
                if (!m.isNamed(e.getKey())) {
                    out.insert(path);
                }
                path.remove(path.size() - 1);
            }
        } else if (t instanceof ApplyType.ListType l) {
            if (l.kind() == ApplyType.ListKind.ATOMIC) {
                out.insert(path);
                return;
            }
            Set<PathElement> seen = new HashSet<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                PathElement pe = itemElement(l, i, item);
                if (!seen.add(pe)) {
                    throw duplicate(l, pe);
                }
                path.add(pe);
                toFieldSet(item, l.items(), path, out, depth + 1, budget);
                out.insert(path);
                path.remove(path.size() - 1);
            }
        } else {
            out.insert(path);
        }
    }

    // ---------------------------------------------------------------- merge

    /**
     * {@code config} merged into {@code live} (both unchanged), as structured-merge-diff's Merge.
     */
    static JsonNode merge(JsonNode live, JsonNode config, ApplyType type) {
        return merge(live, config, type, 0, new Budget());
    }

    private static JsonNode merge(
            JsonNode lhs, JsonNode rhs, ApplyType type, int depth, Budget budget) {
        budget.spend(depth);
        if (rhs == null) {
            return lhs == null ? null : lhs.deepCopy();
        }
        if (lhs == null) {
            return rhs.deepCopy();
        }
        ApplyType t = resolve(type, rhs);
        if (granularMap(t) && lhs.isObject()) {
            if (lhs.isEmpty() && rhs.isEmpty()) {
                return rhs.deepCopy();
            }
            ApplyType.MapType m = (ApplyType.MapType) t;
            ObjectNode out = io.j8s.api.json.Json.object();
            for (Map.Entry<String, JsonNode> e : lhs.properties()) {
                JsonNode r = rhs.get(e.getKey());
                out.set(
                        e.getKey(),
                        r == null
                                ? e.getValue().deepCopy()
                                : merge(e.getValue(), r, m.field(e.getKey()), depth + 1, budget));
            }
            for (Map.Entry<String, JsonNode> e : rhs.properties()) {
                if (!lhs.has(e.getKey())) {
                    out.set(e.getKey(), e.getValue().deepCopy());
                }
            }
            return out;
        }
        if (granularList(t) && lhs.isArray()) {
            if (lhs.isEmpty() && rhs.isEmpty()) {
                return rhs.deepCopy();
            }
            return mergeList(
                    (ApplyType.ListType) t, (ArrayNode) lhs, (ArrayNode) rhs, depth, budget);
        }
        return rhs.deepCopy();
    }

    private static ArrayNode mergeList(
            ApplyType.ListType t, ArrayNode lhs, ArrayNode rhs, int depth, Budget budget) {
        Map<PathElement, JsonNode> left = index(t, lhs, false);
        Map<PathElement, JsonNode> right = index(t, rhs, true);
        List<PathElement> lOrder = new ArrayList<>(left.keySet());
        List<PathElement> rOrder = new ArrayList<>(right.keySet());
        Iterator<PathElement> shared =
                rOrder.stream().filter(left::containsKey).toList().iterator();
        PathElement nextShared = shared.hasNext() ? shared.next() : null;
        Set<PathElement> done = new HashSet<>();
        ArrayNode out = io.j8s.api.json.Json.array();
        int li = 0;
        int ri = 0;
        // The order of structured-merge-diff: the applied items in their order, items only in
        // the live list where they were.
        while (li < lOrder.size() || ri < rOrder.size()) {
            if (li < lOrder.size() && done.contains(lOrder.get(li))) {
                li++;
                continue;
            }
            if (li < lOrder.size() && ri < rOrder.size()) {
                PathElement pe = lOrder.get(li);
                if (pe.equals(rOrder.get(ri))) {
                    out.add(merge(left.get(pe), right.get(pe), t.items(), depth + 1, budget));
                    done.add(pe);
                    li++;
                    ri++;
                    nextShared = shared.hasNext() ? shared.next() : null;
                    continue;
                }
                if (right.containsKey(pe) && nextShared != null && !nextShared.equals(pe)) {
                    li++;
                    continue;
                }
            }
            if (li < lOrder.size()) {
                PathElement pe = lOrder.get(li);
                if (!right.containsKey(pe)) {
                    out.add(left.get(pe).deepCopy());
                    done.add(pe);
                    li++;
                    continue;
                }
            }
            if (ri < rOrder.size()) {
                PathElement pe = rOrder.get(ri);
                out.add(merge(left.get(pe), right.get(pe), t.items(), depth + 1, budget));
                done.add(pe);
                ri++;
                if (nextShared != null && nextShared.equals(pe)) {
                    nextShared = shared.hasNext() ? shared.next() : null;
                }
            } else {
                li++;
            }
        }
        return out;
    }

    /**
     * The items of a list by path element; a duplicate in an applied configuration is a 422 (the
     * live object's first item of a key wins).
     */
    private static Map<PathElement, JsonNode> index(
            ApplyType.ListType t, ArrayNode list, boolean strict) {
        Map<PathElement, JsonNode> out = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            PathElement pe = itemElement(t, i, list.get(i));
            if (out.containsKey(pe)) {
                if (strict) {
                    throw duplicate(t, pe);
                }
                continue;
            }
            out.put(pe, list.get(i));
        }
        return out;
    }

    private static ApiException duplicate(ApplyType.ListType t, PathElement pe) {
        return ApiException.unprocessable(
                "the applied configuration has duplicate entries for key "
                        + pe.display()
                        + " in a list whose items are keyed by "
                        + (t.keys().isEmpty() ? "their value" : String.join(", ", t.keys())));
    }

    // ---------------------------------------------------------------- compare

    /** What changed from {@code lhs} to {@code rhs}, as structured-merge-diff's Compare. */
    static Comparison compare(JsonNode lhs, JsonNode rhs, ApplyType type) {
        Comparison c = new Comparison();
        compare(lhs, rhs, type, new ArrayList<>(), c, 0, new Budget());
        return c;
    }

    private static void compare(
            JsonNode lhs,
            JsonNode rhs,
            ApplyType type,
            List<PathElement> path,
            Comparison c,
            int depth,
            Budget budget) {
        budget.spend(depth);
        if (lhs == null && rhs == null) {
            return;
        }
        ApplyType t = resolve(type, rhs != null ? rhs : lhs);
        boolean leaf = true;
        if (granularMap(t) && fits(lhs, true) && fits(rhs, true)) {
            if (!(isEmpty(lhs) && isEmpty(rhs))) {
                leaf = false;
                ApplyType.MapType m = (ApplyType.MapType) t;
                Set<String> keys = new LinkedHashSet<>();
                if (lhs != null) {
                    lhs.propertyNames().forEach(keys::add);
                }
                if (rhs != null) {
                    rhs.propertyNames().forEach(keys::add);
                }
                for (String k : keys) {
                    path.add(PathElement.field(k));
                    compare(
                            lhs == null ? null : lhs.get(k),
                            rhs == null ? null : rhs.get(k),
                            m.field(k),
                            path,
                            c,
                            depth + 1,
                            budget);
                    path.remove(path.size() - 1);
                }
            }
        } else if (granularList(t) && fits(lhs, false) && fits(rhs, false)) {
            if (!(isEmpty(lhs) && isEmpty(rhs))) {
                leaf = false;
                ApplyType.ListType l = (ApplyType.ListType) t;
                Map<PathElement, JsonNode> left =
                        lhs == null ? Map.of() : index(l, (ArrayNode) lhs, false);
                Map<PathElement, JsonNode> right =
                        rhs == null ? Map.of() : index(l, (ArrayNode) rhs, false);
                Set<PathElement> keys = new LinkedHashSet<>(left.keySet());
                keys.addAll(right.keySet());
                for (PathElement pe : keys) {
                    path.add(pe);
                    compare(left.get(pe), right.get(pe), l.items(), path, c, depth + 1, budget);
                    path.remove(path.size() - 1);
                }
            }
        }
        if (leaf) {
            if (lhs == null) {
                c.added().insert(path);
            } else if (rhs == null) {
                c.removed().insert(path);
            } else if (!Json.semanticEquals(lhs, rhs)) {
                c.modified().insert(path);
            }
        } else if (!path.isEmpty()) {
            if (lhs == null) {
                c.added().insert(path);
            } else if (rhs == null) {
                c.removed().insert(path);
            }
        }
    }

    private static boolean fits(JsonNode v, boolean object) {
        return v == null || v.isNull() || (object ? v.isObject() : v.isArray());
    }

    private static boolean isEmpty(JsonNode v) {
        return v == null || v.isNull() || v.isEmpty();
    }

    // ---------------------------------------------------------------- prune

    /**
     * Removes from {@code merged} what {@code last} (the manager's previous applied set) has and no
     * manager's set ({@code owned}) has, as structured-merge-diff's {@code prune} with {@code
     * EnsureNamedFieldsAreMembers}: a struct field with owned fields below counts as owned.
     */
    static void prune(JsonNode merged, ApplyType type, FieldSet last, FieldSet owned) {
        prune(merged, type, last, owned, 0, new Budget());
    }

    private static boolean holds(FieldSet node, boolean named) {
        return node != null && (node.isMember() || (named && node.hasChildren()));
    }

    private static void prune(
            JsonNode value, ApplyType type, FieldSet last, FieldSet owned, int depth, Budget b) {
        b.spend(depth);
        if (last == null || !last.hasChildren() || value == null) {
            return;
        }
        ApplyType t = resolve(type, value);
        if (granularMap(t)) {
            ApplyType.MapType m = (ApplyType.MapType) t;
            ObjectNode object = (ObjectNode) value;
            for (String k : new ArrayList<>(object.propertyNames())) {
                PathElement pe = PathElement.field(k);
                FieldSet l = last.child(pe);
                if (l == null) {
                    continue;
                }
                FieldSet o = owned == null ? null : owned.child(pe);
                boolean named = m.isNamed(k);
                if (holds(l, named) && !holds(o, named)) {
                    object.remove(k);
                } else {
                    prune(object.get(k), m.field(k), l, o, depth + 1, b);
                }
            }
        } else if (granularList(t)) {
            ApplyType.ListType lt = (ApplyType.ListType) t;
            ArrayNode array = (ArrayNode) value;
            Map<PathElement, Integer> seen = new HashMap<>();
            List<Integer> remove = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                PathElement pe = itemElement(lt, i, array.get(i));
                if (seen.putIfAbsent(pe, i) != null) {
                    continue;
                }
                FieldSet l = last.child(pe);
                if (l == null) {
                    continue;
                }
                FieldSet o = owned == null ? null : owned.child(pe);
                if (holds(l, false) && !holds(o, false)) {
                    remove.add(i);
                } else {
                    prune(array.get(i), lt.items(), l, o, depth + 1, b);
                }
            }
            for (int i = remove.size() - 1; i >= 0; i--) {
                array.remove((int) remove.get(i));
            }
        }
    }
}
