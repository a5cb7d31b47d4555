package io.j8s.apiserver.cache;

/**
 * Where the cache hands one watcher's events. Implementations queue and send asynchronously; they
 * must never block the caller (the cache's dispatch thread).
 */
public interface WatchSink {
    /**
     * Queues {@code delivery}. Returns false when the watcher cannot keep up; the cache then stops
     * the watch with {@link #terminate}.
     */
    boolean offer(Delivery delivery);

    /**
     * Ends the watch: no further offers follow. {@code status} is null for a normal end, or the
     * reason the client must re-list (e.g. a 410 after the cache was rebuilt).
     */
    void terminate(TerminationReason reason);

    /** Why a watch ended. */
    enum TerminationReason {
        /** The client went away or the timeout passed. */
        CLOSED,
        /** The watcher fell behind. */
        TOO_SLOW,
        /**
         * The cache lost continuity (store watch error) and re-listed: the client must re-list too.
         */
        RESYNC,
        /** The server is shutting down. */
        SHUTDOWN
    }
}
