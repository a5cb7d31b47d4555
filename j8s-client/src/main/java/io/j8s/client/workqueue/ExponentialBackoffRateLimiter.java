package io.j8s.client.workqueue;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per-item exponential back-off: {@code base * 2^failures}, capped at {@code max} (client-go's
 * {@code ItemExponentialFailureRateLimiter}; controllers use 5 ms doubling).
 *
 * <p>Thread-safe.
 *
 * @param <T> the item type
 */
public final class ExponentialBackoffRateLimiter<T> implements RateLimiter<T> {

    private final Duration base;
    private final Duration max;
    private final ConcurrentMap<T, Integer> failures = new ConcurrentHashMap<>();

    public ExponentialBackoffRateLimiter(Duration base, Duration max) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("base delay must be positive but was " + base);
        }
        if (max.compareTo(base) < 0) {
            throw new IllegalArgumentException(
                    "max delay " + max + " is below the base delay " + base);
        }
        this.base = base;
        this.max = max;
    }

    /** The controllers' default: 5 ms doubling, capped at 1000 s (as client-go). */
    public static <T> ExponentialBackoffRateLimiter<T> controllerDefault() {
        return new ExponentialBackoffRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1000));
    }

    @Override
    public Duration when(T item) {
        int exponent = failures.merge(item, 1, Integer::sum) - 1;
        if (exponent >= 62) {
            return max;
        }
        long baseNanos = base.toNanos();
        long factor = 1L << exponent;
        if (baseNanos > Long.MAX_VALUE / factor) {
            return max;
        }
        Duration backoff = Duration.ofNanos(baseNanos * factor);
        return backoff.compareTo(max) > 0 ? max : backoff;
    }

    @Override
    public void forget(T item) {
        failures.remove(item);
    }

    @Override
    public int numRequeues(T item) {
        return failures.getOrDefault(item, 0);
    }
}
