package io.j8s.apiserver.cache;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * One object as the watch cache keeps it: the encoded JSON (with {@code metadata.resourceVersion}
 * already set) plus the few fields that selectors test, so that lists and watches never re-encode
 * or re-parse an object just to filter it. Immutable.
 */
public final class CachedObject {
    private final ResourceType type;
    private final String key;
    private final String namespace;
    private final String name;
    private final byte[] json;
    private final long createRevision;
    private final long modRevision;
    private final Map<String, String> labels;
    private final Map<String, String> fields;

    CachedObject(
            ResourceType type,
            String key,
            String namespace,
            String name,
            byte[] json,
            long createRevision,
            long modRevision,
            Map<String, String> labels,
            Map<String, String> fields) {
        this.type = type;
        this.key = key;
        this.namespace = namespace;
        this.name = name;
        this.json = json;
        this.createRevision = createRevision;
        this.modRevision = modRevision;
        this.labels = labels;
        this.fields = fields;
    }

    public ResourceType type() {
        return type;
    }

    public String key() {
        return key;
    }

    /** The namespace, or {@code ""} for cluster-scoped objects. */
    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** The object's JSON; callers must not modify the array. */
    public byte[] json() {
        return json;
    }

    public long createRevision() {
        return createRevision;
    }

    public long modRevision() {
        return modRevision;
    }

    public Map<String, String> labels() {
        return labels;
    }

    /** The values a field selector can test (see {@code KindStrategy.selectableFields}). */
    public Map<String, String> fields() {
        return fields;
    }

    /** A fresh, mutable tree of the object. */
    public ObjectNode tree() {
        return Json.parseObject(json);
    }

    @Override
    public String toString() {
        return type.plural()
                + " "
                + (namespace.isEmpty() ? name : namespace + "/" + name)
                + "@"
                + modRevision;
    }
}
