package io.j8s.controllers.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link DelayScheduler} whose time only moves when a test calls {@link #advance}. */
public final class ManualDelayScheduler implements DelayScheduler {

  private record Task(long dueNanos, long seq, Runnable run) {}

  private final List<Task> tasks = new ArrayList<>();
  private long nowNanos;
  private long seq;

  @Override
  public synchronized void schedule(Duration delay, Runnable task) {
    tasks.add(new Task(nowNanos + Math.max(0, delay.toNanos()), seq++, task));
  }

  /** Moves time forward and runs every task that became due, in due order. */
  public void advance(Duration by) {
    long target;
    synchronized (this) {
      target = nowNanos + by.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.stream()
            .filter(t -> t.dueNanos <= target)
            .min(Comparator.comparingLong(Task::dueNanos).thenComparingLong(Task::seq))
            .orElse(null);
        if (next == null) {
          nowNanos = target;
          return;
        }
        tasks.remove(next);
        nowNanos = Math.max(nowNanos, next.dueNanos);
      }
      next.run.run();
    }
  }

  public synchronized int pending() {
    return tasks.size();
  }
}
