package io.j8s.apiserver.cache;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns stored bytes into {@link CachedObject}s. The store holds objects without {@code
 * metadata.resourceVersion} (the revision is only known once the write commits); it is added here,
 * once per write, from the key's mod revision.
 */
public final class ObjectCodec {
    private ObjectCodec() {}

    /** Decodes a stored value, setting {@code resourceVersion} to {@code revision}. */
    public static CachedObject decode(
            ResourceType type, String key, byte[] stored, long createRevision, long revision) {
        ObjectNode tree = Json.parseObject(stored);
        return fromTree(type, key, tree, createRevision, revision);
    }

    /** Builds a cached object from a tree (which is modified: its resourceVersion is set). */
    public static CachedObject fromTree(
            ResourceType type, String key, ObjectNode tree, long createRevision, long revision) {
        forServing(type, tree);
        ObjectNode metadata = metadata(tree);
        metadata.put("resourceVersion", Long.toString(revision));
        String namespace = metadata.path("namespace").asString("");
        String name = metadata.path("name").asString("");
        Map<String, String> labels = stringMap(metadata.get("labels"));
        Map<String, String> fields = Map.copyOf(type.strategy().selectableFields(tree));
        return new CachedObject(
                type,
                key,
                namespace,
                name,
                Json.writeBytes(tree),
                createRevision,
                revision,
                labels,
                fields);
    }

    /** Completes a stored object for clients: the kind's {@code KindStrategy.prepareForServing}. */
    public static ObjectNode forServing(ResourceType type, ObjectNode tree) {
        type.strategy().prepareForServing(tree);
        return tree;
    }

    /** The {@code metadata} object of {@code tree}, created when absent. */
    public static ObjectNode metadata(ObjectNode tree) {
        JsonNode metadata = tree.get("metadata");
        if (metadata instanceof ObjectNode m) {
            return m;
        }
        return tree.putObject("metadata");
    }

    /** A string-to-string map node as an immutable map (empty for null/missing). */
    public static Map<String, String> stringMap(JsonNode node) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            return Map.of();
        }
        Map<String, String> map = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            map.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asString());
        }
        return Map.copyOf(map);
    }

    /** The value to store: the object without its resourceVersion (the revision says it). */
    public static byte[] encodeForStore(ObjectNode tree) {
        ObjectNode copy = tree.deepCopy();
        JsonNode metadata = copy.get("metadata");
        if (metadata instanceof ObjectNode m) {
            m.remove("resourceVersion");
        }
        return Json.writeBytes(copy);
    }
}
