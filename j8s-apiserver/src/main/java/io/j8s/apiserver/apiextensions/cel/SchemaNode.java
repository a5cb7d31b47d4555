package io.j8s.apiserver.apiextensions.cel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One node of a structural openAPIV3Schema, reduced to what CEL typing, value conversion and the
 * rule walk need. Built once per CRD version; immutable afterwards.
 */
final class SchemaNode {

    /** Deeper schemas are refused: a CRD's schema is never this deep in practice. */
    static final int MAX_DEPTH = 64;

    final JsonNode schema;

    /** The schema's {@code type}, or "" when it has none (int-or-string, preserve-unknown). */
    final String type;

    final boolean intOrString;
    final boolean preserveUnknown;
    final boolean embeddedResource;
    final boolean nullable;
    final String format;
    final Map<String, SchemaNode> properties;

    /** The schema of a map's values ({@code additionalProperties} as a schema), or null. */
    final SchemaNode additionalProperties;

    final SchemaNode items;

    /** The keys of an {@code x-kubernetes-list-type: map} list, or null for any other list. */
    final List<String> listMapKeys;

    /** {@code x-kubernetes-map-type} is unset, granular or atomic: old values correlate by key. */
    final boolean mapCorrelatable;

    final int depth;

    private SchemaNode(JsonNode schema, int depth) {
        this.schema = schema;
        this.depth = depth;
        this.type = text(schema, "type");
        this.intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
        this.preserveUnknown = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        this.embeddedResource = schema.path("x-kubernetes-embedded-resource").asBoolean(false);
        this.nullable = schema.path("nullable").asBoolean(false);
        this.format = text(schema, "format");
        Map<String, SchemaNode> props = new LinkedHashMap<>();
        JsonNode p = schema.get("properties");
        if (p != null && p.isObject()) {
            for (Map.Entry<String, JsonNode> e : p.properties()) {
                if (e.getValue().isObject()) {
                    props.put(e.getKey(), parse(e.getValue(), depth + 1));
                }
            }
        }
        this.properties = Collections.unmodifiableMap(props);
        JsonNode ap = schema.get("additionalProperties");
        this.additionalProperties = ap != null && ap.isObject() ? parse(ap, depth + 1) : null;
        JsonNode it = schema.get("items");
        this.items = it != null && it.isObject() ? parse(it, depth + 1) : null;
        if ("map".equals(text(schema, "x-kubernetes-list-type"))) {
            List<String> keys = new ArrayList<>();
            for (JsonNode k : schema.path("x-kubernetes-list-map-keys")) {
                keys.add(k.asString(""));
            }
            this.listMapKeys = List.copyOf(keys);
        } else {
            this.listMapKeys = null;
        }
        String mapType = text(schema, "x-kubernetes-map-type");
        this.mapCorrelatable =
                mapType.isEmpty() || mapType.equals("granular") || mapType.equals("atomic");
    }

    static SchemaNode parse(JsonNode schema, int depth) {
        if (depth > MAX_DEPTH) {
            throw new SchemaTooDeepException();
        }
        return new SchemaNode(schema, depth);
    }

    /** The schema is deeper than {@link #MAX_DEPTH}. */
    static final class SchemaTooDeepException extends RuntimeException {
        SchemaTooDeepException() {
            super("schema is nested more than " + MAX_DEPTH + " levels deep", null, false, false);
        }
    }

    /** The node's {@code x-kubernetes-validations}, or an empty node. */
    JsonNode validations() {
        JsonNode v = schema.get("x-kubernetes-validations");
        return v != null && v.isArray() ? v : tools.jackson.databind.node.MissingNode.getInstance();
    }

    /** Dynamic in CEL: int-or-string, or preserve-unknown without declared fields. */
    boolean isDynamic() {
        if (intOrString) {
            return true;
        }
        return preserveUnknown
                && properties.isEmpty()
                && additionalProperties == null
                && items == null
                && (type.isEmpty() || type.equals("object"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isString() ? v.asString() : "";
    }
}
