package io.j8s.controllers.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a successful {@link Reconciler#reconcile}: done, or done for now and to be looked
 * at again after a delay (a deadline, a {@code minReadySeconds} wait, an expiring lease).
 */
public final class Result {

    private static final Result DONE = new Result(null);

    private final Duration requeueAfter;

    private Result(Duration requeueAfter) {
        this.requeueAfter = requeueAfter;
    }

    public static Result done() {
        return DONE;
    }

    public static Result requeueAfter(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException(
                    "requeue delay must not be negative but was " + delay);
        }
        return new Result(delay);
    }

    /** The earlier of two requeue requests (none wins over nothing). */
    public Result merge(Result other) {
        if (other.requeueAfter == null) {
            return this;
        }
        if (requeueAfter == null || other.requeueAfter.compareTo(requeueAfter) < 0) {
            return other;
        }
        return this;
    }

    public Optional<Duration> requeueAfter() {
        return Optional.ofNullable(requeueAfter);
    }

    @Override
    public String toString() {
        return requeueAfter == null ? "Result[done]" : "Result[requeueAfter=" + requeueAfter + "]";
    }
}
