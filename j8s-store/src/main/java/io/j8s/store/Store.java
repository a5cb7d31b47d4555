package io.j8s.store;

import java.util.List;
import java.util.Optional;

/**
 * A flat, ordered key space with one global, monotonically increasing revision: the etcd data model
 * that the API server persists every object in.
 *
 * <p>Keys are strings such as {@code /registry/pods/default/web-1}; values are opaque bytes (the
 * API server stores JSON). Every write bumps the store's revision by one and returns it; the key's
 * {@link KeyValue#modRevision()} becomes that revision. Revisions never go backwards, also across
 * restarts.
 *
 * <p>Backends: {@code io.j8s.store.sqlite.SqliteStore} (embedded, the default) and {@code
 * io.j8s.store.etcd.EtcdStore} (a real etcd; its keys must begin with {@code /registry/}). Both
 * pass {@code StoreContractTest}.
 *
 * <p>Implementations are thread safe. Reads and writes block the calling thread until the backend
 * answered (for writes: until the write is durable); they never call back into the caller. Watch
 * listeners are called on a store-owned thread, never on the writer's thread.
 */
public interface Store extends AutoCloseable {

    /** The value of {@code key} at the latest revision, or empty when the key does not exist. */
    Optional<KeyValue> get(String key);

    /**
     * The value of {@code key} as it was at {@code revision} ({@code 0} means latest).
     *
     * @throws CompactedException when {@code revision} is below the compacted revision
     * @throws FutureRevisionException when {@code revision} is above the current revision
     */
    Optional<KeyValue> get(String key, long revision);

    /**
     * Keys starting with {@code prefix}, in key order.
     *
     * @param limit at most this many key-values ({@code 0} means no limit)
     * @param continueAfter start strictly after this key (null: from the start of the prefix)
     * @param revision read at this revision ({@code 0} means latest); pass the revision of the
     *     first page to later pages to get a consistent snapshot
     * @throws CompactedException when {@code revision} is below the compacted revision
     * @throws FutureRevisionException when {@code revision} is above the current revision
     */
    RangeResult range(String prefix, int limit, String continueAfter, long revision);

    /** The number of keys starting with {@code prefix} at the latest revision. */
    long count(String prefix);

    /**
     * Creates {@code key}.
     *
     * @return the revision of this write (the key's create and mod revision)
     * @throws AlreadyExistsException when the key exists
     */
    long create(String key, byte[] value);

    /**
     * Replaces the value of {@code key} if its mod revision is still {@code expectedModRevision}.
     *
     * @return the revision of this write
     * @throws ConflictException when the key's mod revision differs
     * @throws NotFoundException when the key does not exist
     */
    long update(String key, byte[] value, long expectedModRevision);

    /**
     * Deletes {@code key}, if its mod revision is {@code expectedModRevision} (or unconditionally
     * when that is {@link #ANY_REVISION}).
     *
     * @return the revision of this write
     * @throws ConflictException when the key's mod revision differs
     * @throws NotFoundException when the key does not exist
     */
    long delete(String key, long expectedModRevision);

    /**
     * Applies all {@code ops} atomically in one revision, or none of them. Watchers see one event
     * per op, all carrying that revision, in op order.
     *
     * <p>A txn has 1 to 128 ops (etcd's default limit) and touches each key at most once. Its keys
     * and values may take at most about 1.5 MiB (etcd's default {@code --max-request-bytes}, see
     * {@code TxnOps.MAX_REQUEST_BYTES}); a larger one fails with {@link ValueTooLargeException}, in
     * every backend and for {@link #create} and {@link #update} as well.
     *
     * @return the revision of this write
     * @throws AlreadyExistsException, ConflictException or NotFoundException from the first op
     *     whose precondition failed (nothing is written then)
     * @throws IllegalArgumentException for an empty txn, more than 128 ops, or a key touched twice
     * @throws ValueTooLargeException when the keys and values are too large to store
     */
    long txn(List<TxnOp> ops);

    /**
     * Streams every change to keys starting with {@code prefix} with a revision greater than {@code
     * afterRevision}, in revision order, to {@code listener}.
     *
     * <p>Never blocks writers: a watcher that cannot keep up is ended with {@link
     * WatchListener#onError} (a {@link WatchOverflowException}) rather than dropping events, so the
     * caller re-lists. Every watch ends with exactly one {@code onError} call unless the caller
     * closes it first.
     *
     * <p>{@code afterRevision} must be at least {@link #compactedRevision()}; it may be above the
     * current revision (the watch then waits for that revision).
     *
     * @throws CompactedException when {@code afterRevision} is below the compacted revision (also
     *     possible later, via {@code onError})
     */
    Watch watch(String prefix, long afterRevision, WatchListener listener);

    /**
     * Discards history at revisions below {@code revision}: reads at a lower revision and watches
     * from a lower {@code afterRevision} fail with {@link CompactedException}; reads at {@code
     * revision} itself still work. A revision at or below {@link #compactedRevision()} is a no-op.
     * Blocks until done.
     *
     * @throws FutureRevisionException when {@code revision} is above the current revision
     */
    void compact(long revision);

    /** The revision of the latest write. */
    long currentRevision();

    /** Revisions below this one are no longer available (0 when nothing was compacted). */
    long compactedRevision();

    /** Releases the backend; watches end with a {@link StoreClosedException}. */
    @Override
    void close();

    /** Passed to {@link #delete} to delete whatever the current revision is. */
    long ANY_REVISION = -1;
}
