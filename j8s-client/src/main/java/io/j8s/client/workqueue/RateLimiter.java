package io.j8s.client.workqueue;

import java.time.Duration;

/**
 * Decides how long an item waits before it is retried (client-go's {@code workqueue.RateLimiter}).
 *
 * <p>Implementations are thread-safe.
 *
 * @param <T> the item type
 */
public interface RateLimiter<T> {

    /**
     * Records one more failure of {@code item} and returns how long it must wait before the retry.
     */
    Duration when(T item);

    /**
     * Forgets the failure history of {@code item}: the next {@link #when} starts from the base
     * delay.
     */
    void forget(T item);

    /** How many times {@code item} has failed since it was last forgotten. */
    int numRequeues(T item);
}
