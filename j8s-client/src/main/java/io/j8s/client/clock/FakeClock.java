package io.j8s.client.clock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link Clock} and {@link DelayScheduler} whose time only moves when a test calls {@link
 * #advance} (client-go's {@code clock/testing.FakeClock}). Scheduled tasks (one-shot and periodic)
 * run on the thread that advances the time, in due order, each with the clock at its due time;
 * threads in {@link #sleep} wake when the time passes their deadline. For tests; thread-safe.
 */
public final class FakeClock extends Clock implements DelayScheduler {

    private final class Task implements Timer {
        final long dueNanos;
        final long seq;
        final Runnable run;
        boolean ran;
        boolean cancelled;

        Task(long dueNanos, long seq, Runnable run) {
            this.dueNanos = dueNanos;
            this.seq = seq;
            this.run = run;
        }

        long dueNanos() {
            return dueNanos;
        }

        long seq() {
            return seq;
        }

        @Override
        public void cancel() {
            synchronized (FakeClock.this) {
                if (!ran) {
                    cancelled = true;
                    tasks.remove(this);
                }
            }
        }

        @Override
        public boolean isDone() {
            synchronized (FakeClock.this) {
                return ran || cancelled;
            }
        }
    }

    private final Instant origin;
    private final List<Task> tasks = new ArrayList<>();
    private long nowNanos;
    private long seq;
    private int sleepers;

    /** A fake clock at {@code 2024-01-01T00:00:00Z}. */
    public FakeClock() {
        this(Instant.parse("2024-01-01T00:00:00Z"));
    }

    public FakeClock(Instant start) {
        this.origin = Objects.requireNonNull(start, "start");
    }

    @Override
    public synchronized Timer schedule(Duration delay, Runnable task) {
        Task t =
                new Task(
                        nowNanos + Math.max(0, delay.toNanos()),
                        seq++,
                        Objects.requireNonNull(task, "task"));
        tasks.add(t);
        return t;
    }

    @Override
    public synchronized long nanoTime() {
        return nowNanos;
    }

    /** Blocks until another thread has {@link #advance advanced} the time by {@code duration}. */
    @Override
    public void sleep(Duration duration) throws InterruptedException {
        CountDownLatch woken = new CountDownLatch(1);
        synchronized (this) {
            sleepers++;
            schedule(duration, woken::countDown);
        }
        try {
            woken.await();
        } finally {
            synchronized (this) {
                sleepers--;
            }
        }
    }

    /** How many threads are blocked in {@link #sleep} (client-go's {@code HasWaiters}). */
    public synchronized int sleepers() {
        return sleepers;
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
                next =
                        tasks.stream()
                                .filter(t -> t.dueNanos <= target)
                                .min(
                                        Comparator.comparingLong(Task::dueNanos)
                                                .thenComparingLong(Task::seq))
                                .orElse(null);
                if (next == null) {
                    nowNanos = target;
                    return;
                }
                tasks.remove(next);
                next.ran = true;
                nowNanos = Math.max(nowNanos, next.dueNanos);
            }
            next.run.run();
        }
    }

    /** Tasks scheduled and not yet due (a periodic task counts once, for its next run). */
    public synchronized int pending() {
        return tasks.size();
    }

    /** How long from now each pending task waits, soonest first. */
    public synchronized List<Duration> pendingDelays() {
        return tasks.stream().map(t -> Duration.ofNanos(t.dueNanos - nowNanos)).sorted().toList();
    }

    @Override
    public synchronized Instant instant() {
        return origin.plusNanos(nowNanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("a FakeClock is always in UTC");
    }
}
