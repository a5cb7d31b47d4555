package io.j8s.client.clock;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timers of the client runtime: runs a task after a delay or repeatedly, reads a monotonic time
 * and sleeps. The work queue uses it for {@code addAfter}, the proxy's sync runner for its
 * intervals, the reconcile loop while it waits for its caches, the node's Pod workers for back-off
 * restarts, retries and the periodic volume sync; tests substitute a {@link FakeClock} (a {@link
 * java.time.Clock} too, for "now") so that no test sleeps to wait for time to pass.
 */
public interface DelayScheduler {

    /** A scheduled task. */
    interface Timer {
        /** Cancels the task unless it has run (a one-shot task); a run in progress completes. */
        void cancel();

        /**
         * Whether the task has run (a one-shot task), was cancelled, or (a periodic one) stopped on
         * a failed run.
         */
        boolean isDone();
    }

    /**
     * Runs {@code task} once after {@code delay} (as soon as possible when the delay is not
     * positive).
     */
    Timer schedule(Duration delay, Runnable task);

    /**
     * Runs {@code task} every {@code period} until cancelled, the first time after one period, the
     * next one period after the previous run ends (as {@link
     * ScheduledExecutorService#scheduleWithFixedDelay}). A run that throws ends the repetition.
     */
    default Timer scheduleWithFixedDelay(Duration period, Runnable task) {
        return scheduleWithFixedDelay(period, period, task);
    }

    /**
     * As {@link #scheduleWithFixedDelay(Duration, Runnable)}, the first run after {@code
     * initialDelay} (at once when it is not positive).
     */
    default Timer scheduleWithFixedDelay(Duration initialDelay, Duration period, Runnable task) {
        return FixedDelayTimer.start(this, initialDelay, period, task);
    }

    /**
     * A monotonic time in nanoseconds, only meaningful as a difference (as {@link
     * System#nanoTime()}).
     */
    default long nanoTime() {
        return System.nanoTime();
    }

    /** Blocks the calling thread for {@code duration} of this scheduler's time. */
    default void sleep(Duration duration) throws InterruptedException {
        long nanos = duration.toNanos();
        if (nanos > 0) {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    }

    /** A scheduler backed by {@code executor}; the caller owns the executor's life cycle. */
    static DelayScheduler of(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return new DelayScheduler() {
            @Override
            public Timer schedule(Duration delay, Runnable task) {
                return timer(
                        executor.schedule(
                                task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS));
            }

            @Override
            public Timer scheduleWithFixedDelay(
                    Duration initialDelay, Duration period, Runnable task) {
                long nanos = FixedDelayTimer.checkPeriod(period).toNanos();
                return timer(
                        executor.scheduleWithFixedDelay(
                                task,
                                Math.max(0, initialDelay.toNanos()),
                                nanos,
                                TimeUnit.NANOSECONDS));
            }

            private Timer timer(ScheduledFuture<?> future) {
                return new Timer() {
                    @Override
                    public void cancel() {
                        future.cancel(false);
                    }

                    @Override
                    public boolean isDone() {
                        return future.isDone();
                    }
                };
            }
        };
    }
}
