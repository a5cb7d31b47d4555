package io.j8s.node.pod;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The timers of the Pod workers: back-off restarts, retries, the periodic volume sync. An
 * interface so that tests drive them with a hand-moved clock instead of waiting for wall-clock time
 * (together with the {@link java.time.Clock} of {@link PodWorkerContext}, which gives "now").
 * Production uses {@link #of(ScheduledExecutorService)}.
 *
 * <p>(The client runtime module of issue 15 brings a shared clock and timer abstraction; until the
 * node uses it, this is the node's own.)
 */
public interface PodTimers {

  /** A scheduled task. */
  interface Timer {
    /** Cancels the task unless it has run; a running task completes. */
    void cancel();

    /** Whether the task has run (once), or was cancelled. */
    boolean isDone();
  }

  /** Runs {@code task} once after {@code delay}. */
  Timer schedule(Runnable task, Duration delay);

  /** Runs {@code task} every {@code period}, the first time after one period. */
  Timer scheduleWithFixedDelay(Runnable task, Duration period);

  /** Timers on {@code scheduler}'s threads. */
  static PodTimers of(ScheduledExecutorService scheduler) {
    return new PodTimers() {
      @Override
      public Timer schedule(Runnable task, Duration delay) {
        return wrap(scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS));
      }

      @Override
      public Timer scheduleWithFixedDelay(Runnable task, Duration period) {
        long nanos = period.toNanos();
        return wrap(scheduler.scheduleWithFixedDelay(task, nanos, nanos, TimeUnit.NANOSECONDS));
      }

      private Timer wrap(ScheduledFuture<?> f) {
        return new Timer() {
          @Override
          public void cancel() {
            f.cancel(false);
          }

          @Override
          public boolean isDone() {
            return f.isDone();
          }
        };
      }
    };
  }
}
