package io.j8s.api.validation;

import java.util.Collection;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Renders values the way Go's {@code fmt} does in apimachinery messages: strings quoted as {@code
 * %q}, numbers and booleans bare ({@code %v}), absent values as {@code null}, string lists as
 * {@code []string{"a", "b"}}.
 */
public final class GoValues {

    private GoValues() {}

    /**
     * {@code strconv.Quote}: double quotes with Go escapes for quotes, backslashes and controls.
     */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case 0x07 -> b.append("\\a");
                case 0x0b -> b.append("\\v");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** A value shown verbatim (a Go struct rendered with {@code %#v}). */
    public record Raw(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** The rendering of a bad value in a {@code field.Error} message. */
    public static String render(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Raw raw) {
            return raw.text();
        }
        if (value instanceof JsonNode node) {
            return renderNode(node);
        }
        if (value instanceof String s) {
            return quote(s);
        }
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        if (value instanceof Collection<?> list) {
            StringBuilder b = new StringBuilder("[]string{");
            boolean first = true;
            for (Object o : list) {
                if (!first) {
                    b.append(", ");
                }
                first = false;
                b.append(o instanceof String s ? quote(s) : String.valueOf(o));
            }
            return b.append('}').toString();
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder b = new StringBuilder("map[string]string{");
            boolean first = true;
            java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
            for (Map.Entry<?, ?> e : sorted.entrySet()) {
                if (!first) {
                    b.append(", ");
                }
                first = false;
                b.append(quote(String.valueOf(e.getKey())))
                        .append(':')
                        .append(quote(String.valueOf(e.getValue())));
            }
            return b.append('}').toString();
        }
        return String.valueOf(value);
    }

    private static String renderNode(JsonNode node) {
        if (node.isNull() || node.isMissingNode()) {
            return "null";
        }
        if (node.isString()) {
            return quote(node.stringValue());
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.toString();
        }
        return node.toString();
    }
}
