package io.j8s.apiserver.cache;

/** One change as the cache applied it. Immutable, apart from a memoized derived object. */
public final class CacheEvent {
    private final EventType type;
    private final CachedObject object;
    private final CachedObject previous;
    private volatile CachedObject previousAtRevision;
    private volatile byte[] encoded;

    /**
     * @param type ADDED, MODIFIED or DELETED
     * @param object the new state; for DELETED the last state with the deletion's resourceVersion
     * @param previous the state before (null for ADDED)
     */
    public CacheEvent(EventType type, CachedObject object, CachedObject previous) {
        this.type = type;
        this.object = object;
        this.previous = previous;
    }

    public EventType type() {
        return type;
    }

    public CachedObject object() {
        return object;
    }

    public CachedObject previous() {
        return previous;
    }

    public long revision() {
        return object.modRevision();
    }

    /**
     * The previous state stamped with this event's revision: what a watcher receives as DELETED
     * when the object stops matching its selector (as the Kubernetes cacher does).
     */
    public CachedObject previousAtRevision() {
        CachedObject result = previousAtRevision;
        if (result == null) {
            result =
                    ObjectCodec.fromTree(
                            previous.type(),
                            previous.key(),
                            previous.tree(),
                            previous.createRevision(),
                            revision());
            previousAtRevision = result;
        }
        return result;
    }

    /**
     * The event as encoded for the wire, computed by the first watcher that needs it and shared by
     * all others: a change fanned out to a thousand watchers is encoded once.
     */
    public byte[] encoded(java.util.function.Function<CacheEvent, byte[]> encoder) {
        byte[] result = encoded;
        if (result == null) {
            result = encoder.apply(this);
            encoded = result;
        }
        return result;
    }
}
