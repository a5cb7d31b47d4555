package io.j8s.store;

import java.util.Objects;

/**
 * One change seen by a watch.
 *
 * @param kv for PUT the new key-value; for DELETE the key with the deletion's revision as {@code
 *     modRevision}, {@code createRevision} 0 and an empty value (as etcd reports it)
 * @param prevKv the key-value before this change (null for the PUT that created the key; always
 *     present for a DELETE and for a PUT that updated the key)
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {
    public enum Type {
        PUT,
        DELETE
    }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
        if (type == Type.DELETE) {
            Objects.requireNonNull(prevKv, "a DELETE event carries the previous value");
        }
    }

    public long revision() {
        return kv.modRevision();
    }

    public boolean isCreate() {
        return type == Type.PUT && kv.createRevision() == kv.modRevision();
    }
}
