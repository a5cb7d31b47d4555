package io.j8s.node.pod;

import java.time.Duration;
import java.time.Instant;

/**
 * The kubelet's container restart back-off ({@code flowcontrol.Backoff} as used by {@code
 * kuberuntime}): after a container ends, it is restarted at once the first time; while it keeps
 * ending, each restart waits {@code initial}, then twice as long, up to {@code max}, counted from
 * when the container finished. An entry untouched for more than {@code 2 × max} (the container ran
 * that long) starts over. Defaults: 10 s, 5 min, so a container that ran 10 min is restarted at
 * once again. Pure; the per-container {@link State} is an immutable value.
 */
public final class CrashLoopBackOff {

    /** Back-off state of one container: the current delay and when it was last updated. */
    public record State(Duration delay, Instant lastUpdate) {}

    private final Duration initial;
    private final Duration max;

    public CrashLoopBackOff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "back-off needs 0 < initial <= max, was initial=" + initial + " max=" + max);
        }
        this.initial = initial;
        this.max = max;
    }

    public static CrashLoopBackOff kubeletDefaults() {
        return new CrashLoopBackOff(Duration.ofSeconds(10), Duration.ofMinutes(5));
    }

    /**
     * Whether a container that finished at {@code finishedAt} must still wait at {@code now}
     * (kubelet: {@code IsInBackOffSince}).
     */
    public boolean inBackOff(State state, Instant finishedAt, Instant now) {
        if (state == null || expired(state, finishedAt)) {
            return false;
        }
        return Duration.between(finishedAt, now).compareTo(state.delay()) < 0;
    }

    /** When the wait of a container that finished at {@code finishedAt} ends. */
    public Instant retryAt(State state, Instant finishedAt) {
        return finishedAt.plus(state.delay());
    }

    /**
     * The state after a restart of a container that finished at {@code finishedAt} ({@code Next}).
     */
    public State next(State state, Instant finishedAt) {
        if (state == null || expired(state, finishedAt)) {
            return new State(initial, finishedAt);
        }
        Duration doubled = state.delay().multipliedBy(2);
        return new State(doubled.compareTo(max) > 0 ? max : doubled, finishedAt);
    }

    private boolean expired(State state, Instant eventTime) {
        return Duration.between(state.lastUpdate(), eventTime).compareTo(max.multipliedBy(2)) > 0;
    }
}
