package io.j8s.api.table;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds {@code meta.k8s.io/v1} Table bodies from a kind's columns and cells: the list answer of
 * {@code kubectl get} and each event of {@code kubectl get -w}. Stateless.
 */
public final class Tables {

    /** What {@code rows[].object} holds ({@code includeObject=None|Metadata|Object}). */
    public enum IncludeObject {
        NONE,
        METADATA,
        OBJECT;

        /** The query parameter's value; {@code Metadata} when absent or unknown. */
        public static IncludeObject fromParameter(String value) {
            if (value == null) {
                return METADATA;
            }
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "none" -> NONE;
                case "object" -> OBJECT;
                default -> METADATA;
            };
        }
    }

    private Tables() {}

    /**
     * A Table of {@code objects}.
     *
     * @param noHeaders true for watch events after the first: {@code columnDefinitions} is null
     * @param resourceVersion the list's resourceVersion, or null
     */
    public static ObjectNode table(
            ResourceType type,
            List<? extends JsonNode> objects,
            Instant now,
            IncludeObject include,
            boolean noHeaders,
            String resourceVersion) {
        ObjectNode table = Json.object();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode meta = table.putObject("metadata");
        if (resourceVersion != null) {
            meta.put("resourceVersion", resourceVersion);
        }
        if (noHeaders) {
            table.putNull("columnDefinitions");
        } else {
            ArrayNode cols = table.putArray("columnDefinitions");
            for (TableColumn c : type.strategy().tableColumns()) {
                ObjectNode col = cols.addObject();
                col.put("name", c.name());
                col.put("type", c.type());
                col.put("format", c.format());
                col.put("description", c.description());
                col.put("priority", c.priority());
            }
        }
        ArrayNode rows = table.putArray("rows");
        for (JsonNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Object cell : type.strategy().tableCells((ObjectNode) object, now)) {
                cells.add(cellNode(cell));
            }
            switch (include) {
                case OBJECT -> row.set("object", object.deepCopy());
                case METADATA -> row.set("object", partialObjectMetadata(object));
                case NONE -> {}
            }
        }
        return table;
    }

    private static final byte[] PARTIAL_METADATA_HEAD =
            "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * {@link #partialObjectMetadata(JsonNode)} of an encoded object, encoded, without decoding it:
     * the bytes of its {@code metadata} value are copied as they are (metadata informers get every
     * change of every object this way, docs/api-semantics.md, "Tables").
     *
     * @param object the UTF-8 JSON of one object
     */
    public static byte[] partialObjectMetadata(byte[] object) {
        int start = -1;
        int end = -1;
        try (tools.jackson.core.JsonParser parser = Json.mapper().createParser(object)) {
            if (parser.nextToken() != tools.jackson.core.JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            while (parser.nextToken() == tools.jackson.core.JsonToken.PROPERTY_NAME) {
                boolean metadata = "metadata".equals(parser.currentName());
                tools.jackson.core.JsonToken value = parser.nextToken();
                if (metadata && value == tools.jackson.core.JsonToken.START_OBJECT) {
                    start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    end = (int) parser.currentLocation().getByteOffset();
                    break;
                }
                parser.skipChildren();
            }
        }
        java.io.ByteArrayOutputStream out =
                new java.io.ByteArrayOutputStream(
                        PARTIAL_METADATA_HEAD.length + Math.max(end - start, 2) + 1);
        out.writeBytes(PARTIAL_METADATA_HEAD);
        if (start < 0) {
            out.write('{');
            out.write('}');
        } else {
            out.write(object, start, end - start);
        }
        out.write('}');
        return out.toByteArray();
    }

    /** {@code {"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{...}}}. */
    public static ObjectNode partialObjectMetadata(JsonNode object) {
        ObjectNode pom = Json.object();
        pom.put("kind", "PartialObjectMetadata");
        pom.put("apiVersion", "meta.k8s.io/v1");
        JsonNode meta = object.get("metadata");
        pom.set("metadata", meta != null && meta.isObject() ? meta.deepCopy() : Json.object());
        return pom;
    }

    private static JsonNode cellNode(Object cell) {
        if (cell == null) {
            return Json.nodes().nullNode();
        }
        if (cell instanceof Long l) {
            return Json.nodes().numberNode(l);
        }
        if (cell instanceof Integer i) {
            return Json.nodes().numberNode(i);
        }
        if (cell instanceof Boolean b) {
            return Json.nodes().booleanNode(b);
        }
        return Json.nodes().stringNode(cell.toString());
    }
}
