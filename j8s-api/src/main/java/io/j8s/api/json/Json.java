package io.j8s.api.json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLAnchorReplayingFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The shared JSON and YAML codecs of j8s and small tree helpers.
 *
 * <p>{@link #mapper()} writes compact JSON with ISO-8601 dates and, when binding to typed (fabric8)
 * classes, ignores properties it does not know: unknown fields are reported separately by {@link
 * UnknownFields}, as Kubernetes' strict decoding does. Both mappers are immutable and thread safe.
 *
 * <p>Both read within bounds, so that a request body cannot make decoding do unbounded work: at
 * most {@link #MAX_DEPTH} nested arrays and objects, numbers of at most 1,000 digits, and (YAML) at
 * most {@link #MAX_YAML_TOKENS} tokens after aliases are expanded (docs/architecture.md, Limits).
 */
public final class Json {

    /**
     * The deepest nesting of arrays and objects read or written (Jackson's default, made explicit):
     * the patch code keeps patched objects within it, so every stored object can be read back.
     */
    public static final int MAX_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH;

    /**
     * The most tokens one YAML stream may produce. YAML aliases are expanded as Kubernetes' decoder
     * expands them, so this is what bounds a "billion laughs" document (a few anchors referring to
     * each other); a 1.5 MiB object has far fewer tokens.
     */
    public static final long MAX_YAML_TOKENS = 1_000_000;

    private static final StreamReadConstraints READ_LIMITS =
            StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(StreamReadConstraints.DEFAULT_MAX_NUM_LEN)
                    .build();

    private static final JsonMapper MAPPER =
            JsonMapper.builder(
                            tools.jackson.core.json.JsonFactory.builder()
                                    .streamReadConstraints(READ_LIMITS)
                                    .build())
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .build();

    // The anchor-replaying factory expands aliases (the plain one reads "*a" as the string "a").
    private static final YAMLMapper YAML =
            YAMLMapper.builder(
                            YAMLAnchorReplayingFactory.builder()
                                    .streamReadConstraints(
                                            READ_LIMITS
                                                    .rebuild()
                                                    .maxTokenCount(MAX_YAML_TOKENS)
                                                    .build())
                                    .build())
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .build();

    private Json() {}

    /** The shared JSON mapper. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** The shared YAML mapper. */
    public static YAMLMapper yamlMapper() {
        return YAML;
    }

    public static JsonNodeFactory nodes() {
        return MAPPER.getNodeFactory();
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /**
     * Parses one JSON value.
     *
     * @throws JacksonException when the text is not JSON
     */
    public static JsonNode parse(String json) {
        return MAPPER.readTree(json);
    }

    public static JsonNode parse(byte[] json) {
        return MAPPER.readTree(json);
    }

    /**
     * Parses a JSON object.
     *
     * @throws IllegalArgumentException when the text is JSON but not an object
     */
    public static ObjectNode parseObject(String json) {
        JsonNode node = parse(json);
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, got " + node.getNodeType());
        }
        return (ObjectNode) node;
    }

    public static ObjectNode parseObject(byte[] json) {
        return parseObject(new String(json, StandardCharsets.UTF_8));
    }

    /** Compact JSON text. */
    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    public static byte[] writeBytes(Object value) {
        return MAPPER.writeValueAsBytes(value);
    }

    /** The tree of a typed value (e.g. a fabric8 object). */
    public static ObjectNode toObjectNode(Object value) {
        JsonNode node = MAPPER.valueToTree(value);
        if (!node.isObject()) {
            throw new IllegalArgumentException("not an object: " + value);
        }
        return (ObjectNode) node;
    }

    /**
     * Binds a tree to a typed class (unknown properties are kept by fabric8 in {@code
     * additionalProperties}).
     *
     * @throws JacksonException when a value has the wrong type (a string where a number belongs)
     */
    public static <T> T convert(JsonNode node, Class<T> type) {
        return MAPPER.treeToValue(node, type);
    }

    /**
     * Reads every document of a YAML stream ({@code ---} separated); empty documents are skipped.
     * JSON is YAML, so this reads JSON too.
     */
    public static List<JsonNode> readYamlDocuments(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNextValue()) {
                JsonNode doc = it.nextValue();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    public static List<JsonNode> readYamlDocuments(InputStream in) {
        try {
            return readYamlDocuments(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The only document of a YAML text, as an object. */
    public static ObjectNode readYamlObject(String yaml) {
        List<JsonNode> docs = readYamlDocuments(yaml);
        if (docs.size() != 1 || !docs.get(0).isObject()) {
            throw new IllegalArgumentException(
                    "expected one YAML object, got " + docs.size() + " documents");
        }
        return (ObjectNode) docs.get(0);
    }

    // ---- tree helpers ----

    /** The node at a dotted path ({@code spec.template.spec}), or null when any step is absent. */
    public static JsonNode at(JsonNode root, String dottedPath) {
        JsonNode node = root;
        for (String step : dottedPath.split("\\.")) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.get(step);
        }
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    /** The object at a dotted path, or null when it is absent or not an object. */
    public static ObjectNode objectAt(JsonNode root, String dottedPath) {
        JsonNode node = at(root, dottedPath);
        return node != null && node.isObject() ? (ObjectNode) node : null;
    }

    /** The array at a dotted path, or null when it is absent or not an array. */
    public static ArrayNode arrayAt(JsonNode root, String dottedPath) {
        JsonNode node = at(root, dottedPath);
        return node != null && node.isArray() ? (ArrayNode) node : null;
    }

    /** The elements of the array at a path; empty when absent. */
    public static List<JsonNode> elements(JsonNode root, String dottedPath) {
        ArrayNode array = arrayAt(root, dottedPath);
        List<JsonNode> out = new ArrayList<>();
        if (array != null) {
            array.forEach(out::add);
        }
        return out;
    }

    /** The string at a path, or {@code ""} when absent or not a string. */
    public static String text(JsonNode root, String dottedPath) {
        JsonNode node = at(root, dottedPath);
        return node != null && node.isString() ? node.stringValue() : "";
    }

    /** The field as a string, or {@code ""} when absent or not a string. */
    public static String str(JsonNode node, String field) {
        if (node == null) {
            return "";
        }
        JsonNode v = node.get(field);
        return v != null && v.isString() ? v.stringValue() : "";
    }

    /** The integer at a path, or {@code dflt} when absent or not an integer. */
    public static long longAt(JsonNode root, String dottedPath, long dflt) {
        JsonNode node = at(root, dottedPath);
        return node != null && node.isIntegralNumber() ? node.longValue() : dflt;
    }

    public static boolean boolAt(JsonNode root, String dottedPath, boolean dflt) {
        JsonNode node = at(root, dottedPath);
        return node != null && node.isBoolean() ? node.booleanValue() : dflt;
    }

    /** True when the path holds a non-null value. */
    public static boolean has(JsonNode root, String dottedPath) {
        return at(root, dottedPath) != null;
    }

    /** The object at {@code field} of {@code parent}, created (or replacing a null) when absent. */
    public static ObjectNode child(ObjectNode parent, String field) {
        JsonNode node = parent.get(field);
        if (node instanceof ObjectNode existing) {
            return existing;
        }
        return parent.putObject(field);
    }

    /** The object at a dotted path, creating the objects on the way. */
    public static ObjectNode ensureObject(ObjectNode root, String dottedPath) {
        ObjectNode node = root;
        for (String step : dottedPath.split("\\.")) {
            node = child(node, step);
        }
        return node;
    }

    /** Sets a string field when absent, null or {@code ""} (Go's zero value). */
    public static void defaultString(ObjectNode node, String field, String value) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || (v.isString() && v.stringValue().isEmpty())) {
            node.put(field, value);
        }
    }

    /**
     * Sets an integer field when absent or null. Small values are stored as {@code int} nodes, as
     * the parser makes them, so that trees compare equal after a round trip.
     */
    public static void defaultInt(ObjectNode node, String field, long value) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
                node.put(field, (int) value);
            } else {
                node.put(field, value);
            }
        }
    }

    /** A string-to-string map at a path ({@code metadata.labels}); empty when absent. */
    public static Map<String, String> stringMap(JsonNode root, String dottedPath) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode node = at(root, dottedPath);
        if (node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                JsonNode v = e.getValue();
                out.put(
                        e.getKey(),
                        v.isString() ? v.stringValue() : v.isNull() ? "" : v.toString());
            }
        }
        return out;
    }

    /** A string list at a path; non-string elements are rendered as JSON. */
    public static List<String> stringList(JsonNode root, String dottedPath) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : elements(root, dottedPath)) {
            out.add(n.isString() ? n.stringValue() : n.toString());
        }
        return out;
    }

    /** Parses an RFC 3339 timestamp; null when absent or unparseable. */
    public static Instant instant(JsonNode root, String dottedPath) {
        String s = text(root, dottedPath);
        if (s.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /**
     * Equality of two JSON trees as Kubernetes would see the decoded objects: numbers compare by
     * value ({@code 1} equals {@code 1.0} and an int node equals a long node), objects ignore
     * property order. Use it to detect a no-op update or patch.
     */
    public static boolean semanticEquals(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<String, JsonNode> e : a.properties()) {
                if (!semanticEquals(e.getValue(), b.get(e.getKey()))) {
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
                if (!semanticEquals(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** {@code metadata.name}, or {@code ""}. */
    public static String name(JsonNode object) {
        return text(object, "metadata.name");
    }

    /** {@code metadata.namespace}, or {@code ""}. */
    public static String namespace(JsonNode object) {
        return text(object, "metadata.namespace");
    }
}
