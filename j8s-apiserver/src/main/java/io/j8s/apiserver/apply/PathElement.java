package io.j8s.apiserver.apply;

import io.j8s.api.json.Json;
import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One step of a field path, as structured-merge-diff's {@code fieldpath.PathElement}: a struct
 * field or map key ({@code f:name}), a list item by its key fields ({@code k:{"name":"a"}}), a set
 * item by its value ({@code v:"a"}), or a list item by position ({@code i:0}, never written for
 * Kubernetes' list types). {@code text} is the canonical form after the prefix (the key object's
 * fields sorted by name, compact JSON), so two equal elements have equal records.
 */
record PathElement(Kind kind, String text) implements Comparable<PathElement> {

    /** In structured-merge-diff's order: fields, keys, values, indexes. */
    enum Kind {
        FIELD("f:"),
        KEY("k:"),
        VALUE("v:"),
        INDEX("i:");

        final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }

    static PathElement field(String name) {
        return new PathElement(Kind.FIELD, name);
    }

    static PathElement value(JsonNode value) {
        return new PathElement(Kind.VALUE, canonical(value));
    }

    static PathElement index(int index) {
        return new PathElement(Kind.INDEX, Integer.toString(index));
    }

    /** A key element from the key fields' values (sorted by field name). */
    static PathElement key(Map<String, JsonNode> keyFields) {
        ObjectNode key = Json.object();
        keyFields.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> key.set(e.getKey(), canonicalNode(e.getValue())));
        return new PathElement(Kind.KEY, Json.write(key));
    }

    /** Parses {@code f:...}, {@code k:...}, {@code v:...} or {@code i:...}. */
    static PathElement parse(String serialized) {
        if (serialized.length() < 2 || serialized.charAt(1) != ':') {
            throw new IllegalArgumentException("unknown path element: " + serialized);
        }
        String rest = serialized.substring(2);
        return switch (serialized.charAt(0)) {
            case 'f' -> field(rest);
            case 'k' -> {
                JsonNode key = Json.parse(rest);
                if (!key.isObject()) {
                    throw new IllegalArgumentException("a key element is not an object: " + rest);
                }
                java.util.LinkedHashMap<String, JsonNode> fields = new java.util.LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : key.properties()) {
                    fields.put(e.getKey(), e.getValue());
                }
                yield key(fields);
            }
            case 'v' -> value(Json.parse(rest));
            case 'i' -> index(Integer.parseInt(rest));
            default -> throw new IllegalArgumentException("unknown path element: " + serialized);
        };
    }

    String serialized() {
        return kind.prefix + text;
    }

    /**
     * As structured-merge-diff prints a path element in a conflict: {@code .name}, {@code
     * [name="a",port=80]}, {@code [=value]}, {@code [0]}.
     */
    String display() {
        return switch (kind) {
            case FIELD -> "." + text;
            case INDEX -> "[" + text + "]";
            case VALUE -> "[=" + text + "]";
            case KEY -> {
                StringBuilder out = new StringBuilder("[");
                Iterator<Map.Entry<String, JsonNode>> it = Json.parse(text).properties().iterator();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    out.append(e.getKey()).append('=').append(Json.write(e.getValue()));
                    if (it.hasNext()) {
                        out.append(',');
                    }
                }
                yield out.append(']').toString();
            }
        };
    }

    @Override
    public int compareTo(PathElement o) {
        int byKind = kind.compareTo(o.kind);
        if (byKind != 0) {
            return byKind;
        }
        if (kind == Kind.INDEX) {
            return Integer.compare(Integer.parseInt(text), Integer.parseInt(o.text));
        }
        return text.compareTo(o.text);
    }

    /** Compact JSON with numbers in their shortest integral form when integral. */
    static String canonical(JsonNode value) {
        return Json.write(canonicalNode(value));
    }

    private static JsonNode canonicalNode(JsonNode value) {
        if (value != null && value.isNumber() && !value.isIntegralNumber()) {
            double d = value.asDouble();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Json.nodes().numberNode((long) d);
            }
        }
        if (value != null && value.isIntegralNumber()) {
            return Json.nodes().numberNode(value.asLong());
        }
        return value == null ? Json.nodes().nullNode() : value;
    }
}
