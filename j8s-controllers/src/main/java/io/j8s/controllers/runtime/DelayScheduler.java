package io.j8s.controllers.runtime;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay. The work queue uses it for {@code addAfter}; tests substitute a manual
 * scheduler so that no test sleeps to wait for a back-off.
 */
public interface DelayScheduler {

  /** Runs {@code task} once after {@code delay} (immediately when the delay is not positive). */
  void schedule(Duration delay, Runnable task);

  /** A scheduler backed by {@code executor}; the caller owns the executor's life cycle. */
  static DelayScheduler of(ScheduledExecutorService executor) {
    return (delay, task) -> executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
  }
}
