package io.j8s.store;

import java.util.Objects;

/**
 * One key at one revision. {@code value} is never mutated by the store; callers must not mutate it
 * either.
 *
 * @param createRevision the revision that created the key (in its current life)
 * @param modRevision the revision of the last write to the key (for a deletion: the deletion's)
 * @param value the stored bytes (empty for a deleted key)
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return "KeyValue["
                + key
                + ", create="
                + createRevision
                + ", mod="
                + modRevision
                + ", "
                + value.length
                + " bytes]";
    }
}
