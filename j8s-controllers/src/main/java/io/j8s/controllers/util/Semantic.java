package io.j8s.controllers.util;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Semantic equality and deep copies of API objects.
 *
 * <p>Two values are semantically equal when their JSON forms are equal once nulls, empty maps and
 * empty lists are dropped — apimachinery's {@code equality.Semantic.DeepEqual}, where an empty map
 * equals a nil one. Empty strings and zero numbers are kept: {@code name: ""} is not an absent
 * name.
 */
public final class Semantic {

    /** Thread-safe and never reconfigured after construction. */
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Semantic() {}

    public static boolean equal(Object a, Object b) {
        return canonical(a).equals(canonical(b));
    }

    /**
     * The canonical form of {@code value}: its JSON tree with keys sorted and nulls, empty maps and
     * empty lists removed (recursively). Two semantically equal values have equal canonical forms.
     */
    public static Object canonical(Object value) {
        if (value == null) {
            return Map.of();
        }
        Object tree = SERIALIZATION.convertValue(value, Object.class);
        Object normalized = normalize(tree);
        return normalized == null ? Map.of() : normalized;
    }

    private static Object normalize(Object node) {
        if (node instanceof Map<?, ?> map) {
            TreeMap<String, Object> out = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                Object v = normalize(e.getValue());
                if (v != null) {
                    out.put(String.valueOf(e.getKey()), v);
                }
            }
            return out.isEmpty() ? null : out;
        }
        if (node instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                Object v = normalize(item);
                out.add(v == null ? Map.of() : v);
            }
            return out.isEmpty() ? null : out;
        }
        if (node instanceof Number n) {
            // 1 and 1L and 1.0 from different sources must compare equal
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
                return (long) d;
            }
            return d;
        }
        return node;
    }

    /** A deep copy through the object's JSON form; use it before editing an object from a cache. */
    public static <T> T copy(T value) {
        return SERIALIZATION.clone(value);
    }

    /** Compact JSON with keys sorted: a stable text form of {@link #canonical(Object)}. */
    public static String canonicalJson(Object value) {
        return SERIALIZATION.asJson(canonical(value));
    }
}
