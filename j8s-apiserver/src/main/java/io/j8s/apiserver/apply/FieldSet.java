package io.j8s.apiserver.apply;

import io.j8s.api.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A set of field paths as a tree, as structured-merge-diff's {@code fieldpath.Set}: a node is a
 * member when its path itself is in the set ({@code "."} in the {@code FieldsV1} encoding), and has
 * children for longer paths. Mutable while built, then used as a value.
 */
final class FieldSet {
    private boolean member;
    private final TreeMap<PathElement, FieldSet> children = new TreeMap<>();

    boolean isEmpty() {
        if (member) {
            return false;
        }
        for (FieldSet child : children.values()) {
            if (!child.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    void insert(List<PathElement> path) {
        FieldSet node = this;
        for (PathElement pe : path) {
            node = node.children.computeIfAbsent(pe, k -> new FieldSet());
        }
        node.member = true;
    }

    /** The node at {@code path}, or null. */
    FieldSet at(List<PathElement> path) {
        FieldSet node = this;
        for (PathElement pe : path) {
            node = node.children.get(pe);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    FieldSet child(PathElement pe) {
        return children.get(pe);
    }

    boolean isMember() {
        return member;
    }

    boolean hasChildren() {
        return !children.isEmpty();
    }

    boolean has(List<PathElement> path) {
        FieldSet node = at(path);
        return node != null && node.member;
    }

    FieldSet copy() {
        FieldSet out = new FieldSet();
        out.member = member;
        children.forEach((k, v) -> out.children.put(k, v.copy()));
        return out;
    }

    FieldSet union(FieldSet other) {
        FieldSet out = copy();
        out.addAll(other);
        return out;
    }

    private void addAll(FieldSet other) {
        member |= other.member;
        other.children.forEach(
                (k, v) -> children.computeIfAbsent(k, x -> new FieldSet()).addAll(v));
    }

    FieldSet difference(FieldSet other) {
        FieldSet out = new FieldSet();
        out.member = member && (other == null || !other.member);
        children.forEach(
                (k, v) -> {
                    FieldSet d = v.difference(other == null ? null : other.children.get(k));
                    if (!d.isEmpty()) {
                        out.children.put(k, d);
                    }
                });
        return out;
    }

    FieldSet intersection(FieldSet other) {
        FieldSet out = new FieldSet();
        if (other == null) {
            return out;
        }
        out.member = member && other.member;
        children.forEach(
                (k, v) -> {
                    FieldSet o = other.children.get(k);
                    if (o != null) {
                        FieldSet i = v.intersection(o);
                        if (!i.isEmpty()) {
                            out.children.put(k, i);
                        }
                    }
                });
        return out;
    }

    /** A copy without the empty nodes (never members, no members below). */
    FieldSet normalized() {
        return difference(null);
    }

    /** The member paths in order. */
    List<List<PathElement>> paths() {
        List<List<PathElement>> out = new ArrayList<>();
        collect(new ArrayList<>(), out);
        return out;
    }

    private void collect(List<PathElement> prefix, List<List<PathElement>> out) {
        if (member) {
            out.add(List.copyOf(prefix));
        }
        for (Map.Entry<PathElement, FieldSet> e : children.entrySet()) {
            prefix.add(e.getKey());
            e.getValue().collect(prefix, out);
            prefix.remove(prefix.size() - 1);
        }
    }

    /** {@code .spec.containers[name="a"].image}, as structured-merge-diff prints a path. */
    static String display(List<PathElement> path) {
        StringBuilder out = new StringBuilder();
        for (PathElement pe : path) {
            out.append(pe.display());
        }
        return out.toString();
    }

    /** The {@code FieldsV1} encoding. */
    ObjectNode toJson() {
        ObjectNode out = Json.object();
        for (Map.Entry<PathElement, FieldSet> e : children.entrySet()) {
            FieldSet child = e.getValue();
            if (child.isEmpty()) {
                continue;
            }
            ObjectNode node = Json.object();
            if (child.member && child.hasNonEmptyChildren()) {
                node.putObject(".");
            }
            node.setAll(child.toJson());
            out.set(e.getKey().serialized(), node);
        }
        return out;
    }

    private boolean hasNonEmptyChildren() {
        for (FieldSet c : children.values()) {
            if (!c.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Decodes {@code FieldsV1}.
     *
     * @throws IllegalArgumentException when it is not a valid encoding
     */
    static FieldSet fromJson(JsonNode json) {
        FieldSet out = new FieldSet();
        out.read(json, 0);
        return out;
    }

    private void read(JsonNode json, int depth) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a field set node must be an object");
        }
        if (depth > Typed.MAX_DEPTH) {
            throw new IllegalArgumentException("the field set is nested too deeply");
        }
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            if (e.getKey().equals(".")) {
                member = true;
                continue;
            }
            FieldSet child =
                    children.computeIfAbsent(PathElement.parse(e.getKey()), k -> new FieldSet());
            if (e.getValue().isEmpty()) {
                child.member = true;
            } else {
                child.read(e.getValue(), depth + 1);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet other
                && normalized().toJson().equals(other.normalized().toJson())
                && normalized().member == other.normalized().member;
    }

    @Override
    public int hashCode() {
        return normalized().toJson().hashCode();
    }

    @Override
    public String toString() {
        return Json.write(toJson());
    }
}
