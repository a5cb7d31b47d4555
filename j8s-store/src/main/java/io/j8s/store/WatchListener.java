package io.j8s.store;

import java.util.List;

/**
 * Receives a watch's events. Calls for one watch never overlap and come in revision order. A
 * listener must not block for long: it runs on a store thread shared with other watches.
 */
public interface WatchListener {
    /** The next events, in revision order; never empty. */
    void onEvents(List<WatchEvent> events);

    /**
     * The watch has ended and no more events follow: {@link CompactedException}, {@link
     * WatchOverflowException}, {@link StoreClosedException} or a backend failure.
     */
    void onError(StoreException error);
}
