package io.j8s.apiserver.apiextensions.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * One node of a parsed {@code openAPIV3Schema}: the JSON read once into fields, the pattern
 * compiled once. Immutable after {@link #parse}.
 */
final class SchemaNode {

    /**
     * How deep a schema may nest (properties, items, additionalProperties, allOf/anyOf/oneOf/not
     * each count one level). Deeper schemas are rejected instead of risking the stack.
     */
    static final int MAX_DEPTH = 128;

    final String type; // null when unset
    final boolean nullable;
    final String format;
    final String pattern; // the source as written (messages show it)
    final Pattern compiledPattern;
    final Long maxLength;
    final Long minLength;
    final Double maximum;
    final boolean exclusiveMaximum;
    final Double minimum;
    final boolean exclusiveMinimum;
    final Double multipleOf;
    final Long maxItems;
    final Long minItems;
    final boolean uniqueItems;
    final Long maxProperties;
    final Long minProperties;
    final List<String> required;
    final List<JsonNode> enumValues; // null when unset
    final JsonNode defaultValue; // null when unset
    final Map<String, SchemaNode> properties;

    /** additionalProperties given as a schema. */
    final SchemaNode additionalPropertiesSchema;

    /** additionalProperties given at all (true, false or a schema). */
    final boolean hasAdditionalProperties;

    /** additionalProperties: false. */
    final boolean additionalPropertiesForbidden;

    final SchemaNode items;
    final List<SchemaNode> allOf;
    final List<SchemaNode> anyOf;
    final List<SchemaNode> oneOf;
    final SchemaNode not;
    final boolean preserveUnknownFields;
    final boolean embeddedResource;
    final boolean intOrString;
    final String listType;
    final List<String> listMapKeys;
    final String mapType;

    private SchemaNode(JsonNode n, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(
                    "the schema is nested more than " + MAX_DEPTH + " levels deep");
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("a schema must be a JSON object");
        }
        type = text(n, "type");
        nullable = bool(n, "nullable");
        format = effectiveFormat(text(n, "format"), type, intOrStringOf(n));
        pattern = text(n, "pattern");
        if (pattern != null && !pattern.isEmpty()) {
            try {
                compiledPattern = GoRegex.compile(pattern);
            } catch (GoRegex.SyntaxException e) {
                throw new IllegalArgumentException(
                        "pattern "
                                + pattern
                                + " is not a valid regular expression: "
                                + e.getMessage());
            }
        } else {
            compiledPattern = null;
        }
        maxLength = integer(n, "maxLength");
        minLength = integer(n, "minLength");
        maximum = number(n, "maximum");
        exclusiveMaximum = bool(n, "exclusiveMaximum");
        minimum = number(n, "minimum");
        exclusiveMinimum = bool(n, "exclusiveMinimum");
        multipleOf = number(n, "multipleOf");
        maxItems = integer(n, "maxItems");
        minItems = integer(n, "minItems");
        uniqueItems = bool(n, "uniqueItems");
        maxProperties = integer(n, "maxProperties");
        minProperties = integer(n, "minProperties");
        required = strings(n.get("required"));
        JsonNode e = n.get("enum");
        if (e != null && e.isArray()) {
            List<JsonNode> values = new ArrayList<>();
            e.forEach(values::add);
            enumValues = Collections.unmodifiableList(values);
        } else {
            enumValues = null;
        }
        JsonNode d = n.get("default");
        defaultValue = d == null || d.isMissingNode() ? null : d;
        Map<String, SchemaNode> props = new LinkedHashMap<>();
        JsonNode p = n.get("properties");
        if (p != null && p.isObject()) {
            for (Map.Entry<String, JsonNode> entry : p.properties()) {
                props.put(entry.getKey(), new SchemaNode(entry.getValue(), depth + 1));
            }
        }
        properties = Collections.unmodifiableMap(props);
        JsonNode ap = n.get("additionalProperties");
        hasAdditionalProperties = ap != null && !ap.isNull() && !ap.isMissingNode();
        additionalPropertiesForbidden = ap != null && ap.isBoolean() && !ap.booleanValue();
        additionalPropertiesSchema =
                ap != null && ap.isObject() ? new SchemaNode(ap, depth + 1) : null;
        JsonNode it = n.get("items");
        items = it != null && it.isObject() ? new SchemaNode(it, depth + 1) : null;
        allOf = list(n.get("allOf"), depth);
        anyOf = list(n.get("anyOf"), depth);
        oneOf = list(n.get("oneOf"), depth);
        JsonNode nt = n.get("not");
        not = nt != null && nt.isObject() ? new SchemaNode(nt, depth + 1) : null;
        preserveUnknownFields = bool(n, "x-kubernetes-preserve-unknown-fields");
        embeddedResource = bool(n, "x-kubernetes-embedded-resource");
        intOrString = bool(n, "x-kubernetes-int-or-string");
        listType = text(n, "x-kubernetes-list-type");
        listMapKeys = strings(n.get("x-kubernetes-list-map-keys"));
        mapType = text(n, "x-kubernetes-map-type");
    }

    private static boolean intOrStringOf(JsonNode n) {
        return bool(n, "x-kubernetes-int-or-string");
    }

    /**
     * The format Kubernetes keeps ({@code StripUnsupportedFormatsPostProcess}): integer formats
     * int32/int64, number formats float/double, the supported string formats for strings (and
     * untyped or int-or-string nodes); null for every other format.
     */
    static String effectiveFormat(String format, String type, boolean intOrString) {
        if (format == null || format.isEmpty()) {
            return null;
        }
        String t = intOrString ? "" : type == null ? "" : type;
        return switch (t) {
            case "", "string" ->
                    Formats.SUPPORTED.contains(format.replace("-", "")) ? format : null;
            case "integer" -> format.equals("int32") || format.equals("int64") ? format : null;
            case "number" -> format.equals("float") || format.equals("double") ? format : null;
            default -> null;
        };
    }

    static SchemaNode parse(JsonNode n) {
        return new SchemaNode(n, 0);
    }

    /** The node's schema for a child property (properties, else additionalProperties schema). */
    SchemaNode child(String key) {
        SchemaNode p = properties.get(key);
        return p != null ? p : additionalPropertiesSchema;
    }

    private static List<SchemaNode> list(JsonNode a, int depth) {
        if (a == null || !a.isArray()) {
            return List.of();
        }
        List<SchemaNode> out = new ArrayList<>();
        for (JsonNode x : a) {
            out.add(new SchemaNode(x, depth + 1));
        }
        return Collections.unmodifiableList(out);
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isString() ? v.stringValue() : null;
    }

    static boolean bool(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isBoolean() && v.booleanValue();
    }

    private static Long integer(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.longValue() : null;
    }

    private static Double number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isNumber() ? v.doubleValue() : null;
    }

    static List<String> strings(JsonNode a) {
        if (a == null || !a.isArray()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode x : a) {
            if (x.isString()) {
                out.add(x.stringValue());
            }
        }
        return Collections.unmodifiableList(out);
    }
}
