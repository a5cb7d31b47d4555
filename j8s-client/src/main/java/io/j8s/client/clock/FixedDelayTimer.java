package io.j8s.client.clock;

import java.time.Duration;
import java.util.Objects;

/**
 * {@link DelayScheduler#scheduleWithFixedDelay} from one-shot timers: each run schedules the next.
 */
final class FixedDelayTimer implements DelayScheduler.Timer {

    private final DelayScheduler scheduler;
    private final Duration period;
    private final Runnable task;
    private DelayScheduler.Timer next;
    private boolean cancelled;
    private boolean failed;

    private FixedDelayTimer(DelayScheduler scheduler, Duration period, Runnable task) {
        this.scheduler = scheduler;
        this.period = period;
        this.task = Objects.requireNonNull(task, "task");
    }

    static Duration checkPeriod(Duration period) {
        if (period == null || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException(
                    "a fixed-delay period must be positive, got " + period);
        }
        return period;
    }

    static FixedDelayTimer start(
            DelayScheduler scheduler, Duration initialDelay, Duration period, Runnable task) {
        Objects.requireNonNull(initialDelay, "initialDelay");
        FixedDelayTimer timer = new FixedDelayTimer(scheduler, checkPeriod(period), task);
        timer.scheduleNext(initialDelay);
        return timer;
    }

    private synchronized void scheduleNext(Duration delay) {
        if (!cancelled) {
            next = scheduler.schedule(delay, this::run);
        }
    }

    private void run() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
        }
        boolean ok = false;
        try {
            task.run();
            ok = true;
        } finally {
            if (ok) {
                scheduleNext(period);
            } else {
                synchronized (this) {
                    failed = true;
                }
            }
        }
    }

    @Override
    public synchronized void cancel() {
        cancelled = true;
        if (next != null) {
            next.cancel();
        }
    }

    @Override
    public synchronized boolean isDone() {
        return cancelled || failed;
    }
}
