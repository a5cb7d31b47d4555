package io.j8s.node.testing;

import io.j8s.node.pod.PodTimers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Pod-worker timers and a clock that the test moves by hand: {@link #advance} moves {@link
 * #clock()} and runs, on the calling thread, every task that has come due (in due order; periodic
 * ones are scheduled again). Nothing waits for wall-clock time. Thread safe.
 */
public final class ManualTimers implements PodTimers {

  private final ManualClock clock;
  private final List<Entry> entries = new ArrayList<>();

  public ManualTimers(Instant start) {
    this.clock = new ManualClock(start);
  }

  /** The clock these timers follow (give it to the workers, runtimes and back-off). */
  public Clock clock() {
    return clock;
  }

  @Override
  public synchronized Timer schedule(Runnable task, Duration delay) {
    Entry e = new Entry(task, clock.instant().plus(delay), null);
    entries.add(e);
    return e;
  }

  @Override
  public synchronized Timer scheduleWithFixedDelay(Runnable task, Duration period) {
    Entry e = new Entry(task, clock.instant().plus(period), period);
    entries.add(e);
    return e;
  }

  /** How long from now each pending task waits, soonest first. */
  public synchronized List<Duration> pendingDelays() {
    Instant now = clock.instant();
    return entries.stream().filter(e -> !e.isDone()).map(e -> Duration.between(now, e.due)).sorted().toList();
  }

  /** Moves the clock by {@code d}, running each task that comes due at its due time. */
  public void advance(Duration d) {
    Instant end = clock.instant().plus(d);
    while (true) {
      Entry next;
      synchronized (this) {
        entries.removeIf(Entry::isDone);
        next = entries.stream().filter(e -> !e.due.isAfter(end)).min(Comparator.comparing(e -> e.due)).orElse(null);
        if (next == null) {
          clock.set(end);
          return;
        }
        if (next.due.isAfter(clock.instant())) {
          clock.set(next.due);
        }
        if (next.period != null) {
          next.due = next.due.plus(next.period);
        } else {
          next.ran = true;
        }
      }
      next.task.run();
    }
  }

  private static final class Entry implements Timer {
    final Runnable task;
    final Duration period;
    volatile Instant due;
    volatile boolean ran;
    volatile boolean cancelled;

    Entry(Runnable task, Instant due, Duration period) {
      this.task = task;
      this.due = due;
      this.period = period;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    @Override
    public boolean isDone() {
      return ran || cancelled;
    }
  }

  private static final class ManualClock extends Clock {
    private volatile Instant now;

    ManualClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("a UTC clock");
    }
  }
}
