package io.j8s.controllers.runtime;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.StaleCacheException;
import io.j8s.client.workqueue.WorkQueue;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a {@link Reconciler} over the keys of a {@link WorkQueue} with a fixed number of worker
 * threads, after every cache it reads from has synced.
 *
 * <p>Error handling: success forgets the key's back-off (and honours a requested requeue); a {@link
 * TerminalException} (or an API answer 400/422, which a retry cannot change) drops the key; any
 * other error re-adds the key rate-limited until it has been retried {@code maxRetries} times,
 * after which it is dropped until the next event or resync brings it back.
 *
 * <p>Metrics (tag {@code controller}): {@code j8s_controller_sync_duration_seconds} (tag {@code
 * result}: success, error, terminal), {@code j8s_controller_retries_total}, {@code
 * j8s_controller_dropped_total}; the queue adds its own.
 *
 * <p>Every log line written while a key is reconciled carries the MDC entries {@code controller}
 * and {@code object} ({@code namespace/name}).
 */
public final class ReconcileLoop implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReconcileLoop.class);
    private static final Duration CACHE_SYNC_POLL = Duration.ofMillis(50);

    private final String name;
    private final WorkQueue<String> queue;
    private final Reconciler reconciler;
    private final int workers;
    private final int maxRetries;
    private final List<BooleanSupplier> cachesSynced;
    private final Timer successTimer;
    private final Timer errorTimer;
    private final Timer terminalTimer;
    private final Counter retries;
    private final Counter dropped;
    private final List<Thread> threads = new ArrayList<>();
    private Thread starter; // guarded by this
    private final List<Runnable> onSynced = new ArrayList<>();
    private volatile boolean stopped;

    /**
     * @param cachesSynced one predicate per informer the reconciler reads; workers start once all
     *     are true
     */
    public ReconcileLoop(
            String name,
            WorkQueue<String> queue,
            Reconciler reconciler,
            int workers,
            int maxRetries,
            List<BooleanSupplier> cachesSynced,
            MeterRegistry meterRegistry) {
        this.name = Objects.requireNonNull(name, "name");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1 but was " + workers);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException(
                    "maxRetries must not be negative but was " + maxRetries);
        }
        this.workers = workers;
        this.maxRetries = maxRetries;
        this.cachesSynced = List.copyOf(cachesSynced);
        this.successTimer = syncTimer(meterRegistry, "success");
        this.errorTimer = syncTimer(meterRegistry, "error");
        this.terminalTimer = syncTimer(meterRegistry, "terminal");
        this.retries =
                Counter.builder("j8s_controller_retries_total")
                        .tag("controller", name)
                        .description("Keys re-queued with back-off after a failed sync")
                        .register(meterRegistry);
        this.dropped =
                Counter.builder("j8s_controller_dropped_total")
                        .tag("controller", name)
                        .description("Keys dropped after a terminal error or too many retries")
                        .register(meterRegistry);
    }

    private Timer syncTimer(MeterRegistry registry, String result) {
        return Timer.builder("j8s_controller_sync_duration_seconds")
                .tag("controller", name)
                .tag("result", result)
                .description("Time to reconcile one key")
                .register(registry);
    }

    public String name() {
        return name;
    }

    public WorkQueue<String> queue() {
        return queue;
    }

    /**
     * Runs {@code action} once the caches have synced, before the workers start (e.g. to enqueue
     * every existing object once). Call before {@link #start()}.
     */
    public synchronized void whenSynced(Runnable action) {
        onSynced.add(Objects.requireNonNull(action, "action"));
    }

    /** Starts a thread that waits for the caches, then the workers. Returns at once. */
    public synchronized void start() {
        if (!threads.isEmpty()) {
            throw new IllegalStateException("controller " + name + " was already started");
        }
        starter = new Thread(this::waitForCachesThenWork, "j8s-" + name + "-start");
        starter.setDaemon(true);
        threads.add(starter);
        starter.start();
    }

    private void waitForCachesThenWork() {
        try {
            while (!stopped && !allSynced()) {
                queue.delayScheduler().sleep(CACHE_SYNC_POLL);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (stopped) {
            return;
        }
        log.info("Caches synced, starting {} worker(s) for controller {}", workers, name);
        synchronized (this) {
            for (Runnable action : onSynced) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    log.error("Start-up action of controller {} failed", name, e);
                }
            }
            for (int i = 0; i < workers; i++) {
                Thread worker = new Thread(this::runWorker, "j8s-" + name + "-worker-" + i);
                worker.setDaemon(true);
                threads.add(worker);
                worker.start();
            }
        }
    }

    private boolean allSynced() {
        for (BooleanSupplier synced : cachesSynced) {
            if (!synced.getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    private void runWorker() {
        try {
            while (processNextWorkItem()) {
                // keep going until the queue shuts down
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Takes one key, reconciles it and handles the outcome.
     *
     * @return false once the queue has shut down
     */
    boolean processNextWorkItem() throws InterruptedException {
        String key = queue.get();
        if (key == null) {
            return false;
        }
        MDC.put("controller", name);
        MDC.put("object", key);
        long start = System.nanoTime();
        try {
            Result result = reconciler.reconcile(key);
            successTimer.record(Duration.ofNanos(System.nanoTime() - start));
            queue.forget(key);
            result.requeueAfter().ifPresent(delay -> queue.addAfter(key, delay));
        } catch (Exception e) {
            handleError(key, e, start);
        } finally {
            MDC.remove("controller");
            MDC.remove("object");
            queue.done(key);
        }
        return true;
    }

    private void handleError(String key, Exception e, long start) {
        if (isTerminal(e)) {
            terminalTimer.record(Duration.ofNanos(System.nanoTime() - start));
            dropped.increment();
            queue.forget(key);
            log.error("Dropping {} from controller {}: {}", key, name, e.getMessage(), e);
            return;
        }
        errorTimer.record(Duration.ofNanos(System.nanoTime() - start));
        int requeues = queue.numRequeues(key);
        if (requeues < maxRetries) {
            retries.increment();
            if (isRace(e)) {
                // optimistic concurrency at work: the cache had not seen a newer write yet
                log.debug(
                        "Retrying {} in controller {} (retry {} of {}): {}",
                        key,
                        name,
                        requeues + 1,
                        maxRetries,
                        e.getMessage());
            } else {
                log.warn(
                        "Error syncing {} in controller {} (retry {} of {}): {}",
                        key,
                        name,
                        requeues + 1,
                        maxRetries,
                        e.toString());
            }
            queue.addRateLimited(key);
            return;
        }
        dropped.increment();
        queue.forget(key);
        log.error(
                "Dropping {} from controller {} after {} retries: {}",
                key,
                name,
                maxRetries,
                e.toString(),
                e);
    }

    /** A 409 Conflict or a cache behind our own writes: expected now and then, gone on retry. */
    static boolean isRace(Throwable e) {
        return e instanceof StaleCacheException
                || (e instanceof KubernetesClientException kce && kce.getCode() == 409);
    }

    static boolean isTerminal(Throwable e) {
        if (e instanceof TerminalException) {
            return true;
        }
        if (e instanceof KubernetesClientException kce) {
            int code = kce.getCode();
            return code == 400 || code == 422;
        }
        return false;
    }

    /** Shuts the queue down and waits briefly for the workers to finish their current key. */
    public void stop() {
        stopped = true;
        queue.shutDown();
        List<Thread> toJoin;
        synchronized (this) {
            toJoin = List.copyOf(threads);
            if (starter != null) {
                starter.interrupt(); // it may wait for the caches
            }
        }
        for (Thread t : toJoin) {
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                log.warn("Thread {} of controller {} did not stop within 10 s", t.getName(), name);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
