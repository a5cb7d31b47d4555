package io.j8s.apiserver.apiextensions;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The JSONPath subset of {@code additionalPrinterColumns}, {@code selectableFields} and the scale
 * subresource's paths: fields ({@code .spec.replicas}), indexes ({@code [0]}), wildcards ({@code
 * [*]}) and equality filters on a field ({@code [?(@.type=="Ready")]}), as kubectl's printers use
 * them. Immutable.
 */
final class SimpleJsonPath {
    private sealed interface Step permits Field, Index, All, Filter {}

    private record Field(String name) implements Step {}

    private record Index(int index) implements Step {}

    private record All() implements Step {}

    private record Filter(List<String> field, String value) implements Step {}

    private final String text;
    private final List<Step> steps;

    private SimpleJsonPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = steps;
    }

    /** Parses {@code path}, with or without kubectl's braces; null with a reason on error. */
    static SimpleJsonPath parse(String path) {
        String p = path.trim();
        if (p.startsWith("{") && p.endsWith("}")) {
            p = p.substring(1, p.length() - 1);
        }
        if (!p.startsWith(".")) {
            throw new IllegalArgumentException("must be a simple json path starting with .");
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '.') {
                int end = i + 1;
                while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
                    end++;
                }
                String name = p.substring(i + 1, end);
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("empty field name");
                }
                steps.add(new Field(name));
                i = end;
            } else if (c == '[') {
                int end = p.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed [");
                }
                String inner = p.substring(i + 1, end).trim();
                if (inner.equals("*")) {
                    steps.add(new All());
                } else if (inner.startsWith("?(@.") && inner.endsWith(")")) {
                    String cond = inner.substring(4, inner.length() - 1);
                    int eq = cond.indexOf("==");
                    if (eq < 0) {
                        throw new IllegalArgumentException("only == filters are supported");
                    }
                    String value = cond.substring(eq + 2).trim();
                    if (value.length() >= 2
                            && (value.startsWith("\"") && value.endsWith("\"")
                                    || value.startsWith("'") && value.endsWith("'"))) {
                        value = value.substring(1, value.length() - 1);
                    }
                    steps.add(
                            new Filter(List.of(cond.substring(0, eq).trim().split("\\.")), value));
                } else if (inner.startsWith("'") && inner.endsWith("'") && inner.length() >= 2) {
                    steps.add(new Field(inner.substring(1, inner.length() - 1)));
                } else {
                    try {
                        steps.add(new Index(Integer.parseInt(inner)));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("unsupported subscript [" + inner + "]");
                    }
                }
                i = end + 1;
            } else {
                throw new IllegalArgumentException("unexpected character '" + c + "'");
            }
        }
        return new SimpleJsonPath(path, List.copyOf(steps));
    }

    /** The dotted field path when the path has fields only ({@code spec.replicas}), else null. */
    List<String> fields() {
        List<String> out = new ArrayList<>();
        for (Step s : steps) {
            if (!(s instanceof Field f)) {
                return null;
            }
            out.add(f.name());
        }
        return out;
    }

    /** Every value the path selects in {@code root}. */
    List<JsonNode> find(JsonNode root) {
        List<JsonNode> current = List.of(root);
        for (Step step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                if (step instanceof Field f) {
                    JsonNode v = node.get(f.name());
                    if (v != null && !v.isNull()) {
                        next.add(v);
                    }
                } else if (step instanceof Index x) {
                    if (node.isArray()) {
                        int idx = x.index() < 0 ? node.size() + x.index() : x.index();
                        if (idx >= 0 && idx < node.size()) {
                            next.add(node.get(idx));
                        }
                    }
                } else if (step instanceof All) {
                    if (node.isArray() || node.isObject()) {
                        node.values().forEach(next::add);
                    }
                } else if (step instanceof Filter f && node.isArray()) {
                    for (JsonNode item : node) {
                        JsonNode v = item;
                        for (String part : f.field()) {
                            v = v.path(part);
                        }
                        if (v.isValueNode() && v.asString().equals(f.value())) {
                            next.add(item);
                        }
                    }
                }
            }
            current = next;
        }
        return current;
    }

    /** The first value the path selects, or null. */
    JsonNode first(JsonNode root) {
        List<JsonNode> found = find(root);
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public String toString() {
        return text;
    }
}
