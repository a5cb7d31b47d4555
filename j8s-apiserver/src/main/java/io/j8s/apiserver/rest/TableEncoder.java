package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.table.TableColumn;
import io.j8s.apiserver.cache.CachedObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders objects as {@code meta.k8s.io} Tables, the server-side printing {@code kubectl get}
 * needs (KUBECTL.md §4): the kind's columns and cells, and per row the object as
 * PartialObjectMetadata (default), the full object, or nothing ({@code includeObject}).
 */
public final class TableEncoder {

    /** {@code includeObject}. */
    public enum IncludeObject {
        NONE, METADATA, OBJECT;

        public static IncludeObject parse(String value) {
            if (value == null || value.isEmpty() || value.equals("Metadata")) {
                return METADATA;
            }
            if (value.equals("Object")) {
                return OBJECT;
            }
            if (value.equals("None")) {
                return NONE;
            }
            throw ApiException.badRequest("includeObject must be one of None, Metadata, Object; got \"" + value
                    + "\"");
        }
    }

    private final Map<ResourceType, ArrayNode> columns = new ConcurrentHashMap<>();

    /** The column definitions of {@code type}'s Table. */
    public ArrayNode columnDefinitions(ResourceType type) {
        return columns.computeIfAbsent(type, t -> {
            ArrayNode defs = Json.array();
            for (TableColumn column : t.strategy().tableColumns()) {
                ObjectNode def = defs.addObject();
                def.put("name", column.name());
                def.put("type", column.type());
                def.put("format", column.format());
                def.put("description", column.description());
                def.put("priority", column.priority());
            }
            return defs;
        }).deepCopy();
    }

    /**
     * A whole Table.
     *
     * @param withColumns false to send {@code columnDefinitions: null} (later watch events)
     */
    public ObjectNode table(ResourceType type, List<CachedObject> items, String apiVersion, String resourceVersion,
            String continueToken, IncludeObject include, boolean withColumns, Instant now) {
        ObjectNode table = Json.object();
        table.put("kind", "Table");
        table.put("apiVersion", apiVersion);
        ObjectNode metadata = table.putObject("metadata");
        if (resourceVersion != null) {
            metadata.put("resourceVersion", resourceVersion);
        }
        if (continueToken != null) {
            metadata.put("continue", continueToken);
        }
        if (withColumns) {
            table.set("columnDefinitions", columnDefinitions(type));
        } else {
            table.putNull("columnDefinitions");
        }
        ArrayNode rows = table.putArray("rows");
        for (CachedObject item : items) {
            rows.add(row(type, item.tree(), include, now));
        }
        return table;
    }

    /** One row of {@code object}. */
    public ObjectNode row(ResourceType type, ObjectNode object, IncludeObject include, Instant now) {
        ObjectNode row = Json.object();
        ArrayNode cells = row.putArray("cells");
        for (Object cell : type.strategy().tableCells(object, now)) {
            cells.add(Json.mapper().valueToTree(cell));
        }
        switch (include) {
            case OBJECT -> row.set("object", object);
            case METADATA -> row.set("object", partialMetadata(object));
            case NONE -> { }
        }
        return row;
    }

    /** The object's metadata as a {@code PartialObjectMetadata}. */
    public static ObjectNode partialMetadata(ObjectNode object) {
        ObjectNode partial = Json.object();
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        JsonNode metadata = object.get("metadata");
        partial.set("metadata", metadata == null ? Json.object() : metadata);
        return partial;
    }
}
