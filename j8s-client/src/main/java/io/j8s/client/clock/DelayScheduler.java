package io.j8s.client.clock;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The timers of the client runtime: runs a task after a delay, reads a monotonic time and sleeps.
 * The work queue uses it for {@code addAfter}, the proxy's sync runner for its intervals, the
 * reconcile loop while it waits for its caches; tests substitute a {@link FakeClock} so that no
 * test sleeps to wait for time to pass.
 */
public interface DelayScheduler {

  /** Runs {@code task} once after {@code delay} (as soon as possible when the delay is not positive). */
  void schedule(Duration delay, Runnable task);

  /** A monotonic time in nanoseconds, only meaningful as a difference (as {@link System#nanoTime()}). */
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
    return (delay, task) -> executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
  }
}
