package io.j8s.store;

import java.util.List;

/**
 * One page of a {@link Store#range} read.
 *
 * @param kvs key-values in key order
 * @param revision the revision the page was read at
 * @param more whether keys remain after the last one returned
 */
public record RangeResult(List<KeyValue> kvs, long revision, boolean more) {
    public RangeResult {
        kvs = List.copyOf(kvs);
    }
}
