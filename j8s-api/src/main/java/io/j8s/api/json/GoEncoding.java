package io.j8s.api.json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What Kubernetes' decode into Go types and encode back does to an object, on JSON trees: a field
 * tagged {@code omitempty} disappears when it holds its Go zero value (an empty list or map, an
 * empty string, 0, false for a value field; only null for a pointer), {@code null} decodes to the
 * zero value, and {@link #semanticEqual} compares as {@code apiequality.Semantic.DeepEqual}, for
 * which a nil and an empty list or map are equal. So a body a client sent with empty collections
 * ({@code "matchExpressions": []}, {@code "annotations": {}}) is stored, compared and served as
 * Kubernetes would.
 *
 * <p>Which fields are {@code omitempty}, and which are pointers, is a property of the Go types that
 * neither the fabric8 model (every list and map is {@code NON_EMPTY} there, {@code
 * PodSpec.containers} included, and every number is boxed) nor the OpenAPI document carries. It is
 * read from {@code go-fields.tsv}, a table of every JSON field of the Go structs reachable from the
 * kinds j8s serves, generated from Kubernetes' {@code types.go} by {@code
 * j8s-api/src/build/go_fields.py}; see docs/architecture.md. Fields the table does not know
 * (unknown fields, kinds it does not list) are left as they are. Thread safe.
 */
public final class GoEncoding {

    /** The shape of a Go field's type, as far as encoding/json is concerned. */
    enum Shape {
        /** string, number, bool (and []byte): omitempty drops "", 0, false. */
        SCALAR,
        /** a pointer to a scalar: omitempty drops nil only, so a 0 or "" it points to stays. */
        PTR,
        /**
         * a type with its own JSON encoding (Time, Quantity, IntOrString): never empty for
         * omitempty.
         */
        OPAQUE,
        PTROPAQUE,
        /** a struct value: encoded even when omitempty, {@code {}} at least. */
        STRUCT,
        PTRSTRUCT,
        SLICE,
        MAP,
        /** an embedded struct whose fields are the enclosing struct's. */
        INLINE
    }

    record Field(
            String name,
            Shape shape,
            Shape elementShape,
            String type,
            boolean omitEmpty,
            boolean omitZero) {}

    private static final Map<String, String> KINDS = new HashMap<>();
    private static final Map<String, Map<String, Field>> STRUCTS = new HashMap<>();

    static {
        Map<String, List<Field>> raw = new LinkedHashMap<>();
        try (InputStream in = GoEncoding.class.getResourceAsStream("go-fields.tsv")) {
            if (in == null) {
                throw new IllegalStateException("go-fields.tsv is missing from the classpath");
            }
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t", -1);
                if (cols[0].equals("kind")) {
                    KINDS.put(cols[1], cols[2]);
                    continue;
                }
                Shape shape = Shape.valueOf(cols[2].toUpperCase());
                Shape elementShape = null;
                String type = cols[3];
                if (shape == Shape.SLICE || shape == Shape.MAP) {
                    int colon = type.indexOf(':');
                    elementShape =
                            Shape.valueOf(
                                    (colon < 0 ? type : type.substring(0, colon)).toUpperCase());
                    type = colon < 0 ? "" : type.substring(colon + 1);
                }
                List<String> tags = List.of(cols[4].split(","));
                raw.computeIfAbsent(cols[0], k -> new ArrayList<>())
                        .add(
                                new Field(
                                        cols[1],
                                        shape,
                                        elementShape,
                                        type,
                                        tags.contains("omitempty"),
                                        tags.contains("omitzero")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String struct : raw.keySet()) {
            Map<String, Field> fields = new HashMap<>();
            flatten(struct, raw, fields, new HashSet<>());
            STRUCTS.put(struct, Map.copyOf(fields));
        }
    }

    private static void flatten(
            String struct,
            Map<String, List<Field>> raw,
            Map<String, Field> into,
            Set<String> visiting) {
        if (!visiting.add(struct)) {
            return;
        }
        for (Field f : raw.getOrDefault(struct, List.of())) {
            if (f.shape() == Shape.INLINE) {
                flatten(f.type(), raw, into, visiting);
            } else {
                into.putIfAbsent(f.name(), f);
            }
        }
    }

    private GoEncoding() {}

    /** Whether the table knows the kind ({@code apiVersion} as in {@code apps/v1}). */
    public static boolean knows(String apiVersion, String kind) {
        return KINDS.containsKey(apiVersion + "/" + kind);
    }

    /**
     * Rewrites {@code object} in place as Go would encode it after decoding it into the kind's
     * type: nulls go, and so does every {@code omitempty} field holding its zero value. Non-{@code
     * omitempty} fields stay as they are (an empty {@code containers: []} remains).
     */
    public static void normalize(String apiVersion, String kind, ObjectNode object) {
        String root = KINDS.get(apiVersion + "/" + kind);
        if (root != null) {
            struct(root, object);
        }
    }

    private static void struct(String type, ObjectNode node) {
        Map<String, Field> fields = STRUCTS.get(type);
        if (fields == null) {
            return;
        }
        List<String> drop = null;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode value = e.getValue();
            Field f = fields.get(e.getKey());
            if (f == null) {
                continue;
            }
            if (value.isNull() || !value(f, value)) {
                if (drop == null) {
                    drop = new ArrayList<>();
                }
                drop.add(e.getKey());
            }
        }
        if (drop != null) {
            node.remove(drop);
        }
    }

    /** Normalizes a field's value; false when Go would not encode the field. */
    private static boolean value(Field f, JsonNode value) {
        switch (f.shape()) {
            case SCALAR -> {
                return !(f.omitEmpty() || f.omitZero()) || !isZeroScalar(value);
            }
            case STRUCT, PTRSTRUCT -> {
                if (value instanceof ObjectNode o) {
                    struct(f.type(), o);
                    // encoding/json's omitempty never drops a struct; omitzero drops a zero one.
                    return !(f.shape() == Shape.STRUCT && f.omitZero() && o.isEmpty());
                }
                return true;
            }
            case SLICE -> {
                if (value instanceof ArrayNode a) {
                    if (a.isEmpty()) {
                        return !(f.omitEmpty() || f.omitZero());
                    }
                    if (f.elementShape() == Shape.STRUCT || f.elementShape() == Shape.PTRSTRUCT) {
                        for (JsonNode element : a) {
                            if (element instanceof ObjectNode o) {
                                struct(f.type(), o);
                            }
                        }
                    }
                }
                return true;
            }
            case MAP -> {
                if (value instanceof ObjectNode o) {
                    if (o.isEmpty()) {
                        return !(f.omitEmpty() || f.omitZero());
                    }
                    if (f.elementShape() == Shape.STRUCT || f.elementShape() == Shape.PTRSTRUCT) {
                        for (JsonNode element : o) {
                            if (element instanceof ObjectNode s) {
                                struct(f.type(), s);
                            }
                        }
                    }
                }
                return true;
            }
            default -> {
                return true;
            }
        }
    }

    private static boolean isZeroScalar(JsonNode value) {
        if (value.isString()) {
            return value.asString().isEmpty();
        }
        if (value.isNumber()) {
            return value.decimalValue().signum() == 0;
        }
        if (value.isBoolean()) {
            return !value.booleanValue();
        }
        return false;
    }

    /**
     * {@code apiequality.Semantic.DeepEqual} on JSON: a missing field, {@code null}, an empty list
     * and an empty object (or one holding only such values) are all equal; numbers compare by
     * value; everything else as JSON. Use it on normalized objects, where the zero scalars Go would
     * not tell from a missing field are gone.
     */
    public static boolean semanticEqual(JsonNode a, JsonNode b) {
        boolean aEmpty = isNilOrEmpty(a);
        boolean bEmpty = isNilOrEmpty(b);
        if (aEmpty || bEmpty) {
            return aEmpty && bEmpty;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                if (!semanticEqual(e.getValue(), b.get(e.getKey()))) {
                    return false;
                }
            }
            for (Map.Entry<String, JsonNode> e : b.properties()) {
                if (!a.has(e.getKey()) && !isNilOrEmpty(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!semanticEqual(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Null, missing, an empty list, or an object with nothing but such values (a zero struct). */
    private static boolean isNilOrEmpty(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return true;
        }
        if (node.isArray()) {
            return node.isEmpty();
        }
        if (node.isObject()) {
            for (JsonNode value : node) {
                if (!isNilOrEmpty(value)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
