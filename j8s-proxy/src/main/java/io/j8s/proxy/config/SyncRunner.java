package io.j8s.proxy.config;

import io.j8s.client.clock.DelayScheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sync function, coalescing bursts of requests, after kube-proxy's {@code
 * BoundedFrequencyRunner}: a {@link #request()} runs the function as soon as possible but never
 * sooner than {@code minInterval} after the previous run started, and any number of requests made
 * meanwhile cause one run only. Independently of requests, the function runs at least every {@code
 * maxInterval}.
 *
 * <p>Time comes from a {@link DelayScheduler}: by default a thread of its own (named after the
 * runner) that also runs the function; tests inject a {@link io.j8s.client.clock.FakeClock}, on
 * whose advancing thread the function then runs.
 *
 * <p>Thread-safe; {@link #request()} never blocks, so it may be called from event callbacks. The
 * function never runs concurrently with itself. An exception thrown by it is logged and does not
 * stop later runs.
 */
public final class SyncRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SyncRunner.class);

    private final String name;
    private final long minIntervalNanos;
    private final Duration maxInterval;
    private final Runnable fn;
    private final DelayScheduler scheduler;

    /** The scheduler's executor when the runner created it, else null. */
    private final ScheduledExecutorService ownExecutor;

    private final Object running = new Object();

    // Guarded by this.
    private boolean scheduled;
    private boolean started;
    private boolean closed;
    private boolean requestedBeforeStart;
    private long lastRunNanos;
    private boolean everRun;

    /**
     * A runner on a thread of its own.
     *
     * @param name the thread's name, also used in logs
     */
    public SyncRunner(String name, Duration minInterval, Duration maxInterval, Runnable fn) {
        this(name, minInterval, maxInterval, fn, null);
    }

    /**
     * A runner whose timers and runs are those of {@code scheduler} (null: a thread of its own).
     *
     * @param name used in logs (and as the thread's name)
     */
    public SyncRunner(
            String name,
            Duration minInterval,
            Duration maxInterval,
            Runnable fn,
            DelayScheduler scheduler) {
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "minInterval must not be negative, got " + minInterval);
        }
        if (maxInterval.isNegative() || maxInterval.isZero()) {
            throw new IllegalArgumentException("maxInterval must be positive, got " + maxInterval);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.minIntervalNanos = minInterval.toNanos();
        this.maxInterval = maxInterval;
        this.fn = Objects.requireNonNull(fn, "fn");
        if (scheduler == null) {
            this.ownExecutor =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, name);
                                t.setDaemon(true);
                                return t;
                            });
            this.scheduler = DelayScheduler.of(ownExecutor);
        } else {
            this.ownExecutor = null;
            this.scheduler = scheduler;
        }
    }

    /** Starts the periodic runs; requests made before are honoured now. */
    public synchronized void start() {
        if (closed || started) {
            return;
        }
        started = true;
        scheduler.schedule(maxInterval, this::periodic);
        if (requestedBeforeStart) {
            request();
        }
    }

    private void periodic() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        request();
        scheduler.schedule(maxInterval, this::periodic);
    }

    /** Asks for a run; see the class comment for when it happens. */
    public synchronized void request() {
        if (closed) {
            return;
        }
        if (!started) {
            requestedBeforeStart = true;
            return;
        }
        if (scheduled) {
            return;
        }
        scheduled = true;
        long delay =
                everRun ? Math.max(0, lastRunNanos + minIntervalNanos - scheduler.nanoTime()) : 0;
        scheduler.schedule(Duration.ofNanos(delay), this::runOnce);
    }

    private void runOnce() {
        synchronized (running) {
            synchronized (this) {
                scheduled = false;
                if (closed) {
                    return;
                }
                lastRunNanos = scheduler.nanoTime();
                everRun = true;
            }
            try {
                fn.run();
            } catch (RuntimeException | Error e) {
                log.atError().addKeyValue("runner", name).setCause(e).log("sync failed");
            }
        }
    }

    /** Stops: no new runs start; waits up to 10 s for a run in progress to finish. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (ownExecutor == null) {
            return;
        }
        ownExecutor.shutdownNow();
        try {
            if (!ownExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
                log.atWarn()
                        .addKeyValue("runner", name)
                        .log("sync still running after 10 s; leaving it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
