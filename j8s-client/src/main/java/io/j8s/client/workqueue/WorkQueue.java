package io.j8s.client.workqueue;

import io.j8s.client.clock.DelayScheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A rate-limited, delaying work queue with client-go's {@code workqueue} contract.
 *
 * <ul>
 *   <li>An item is queued at most once however often it is added while it waits (the "dirty" set).
 *   <li>An item is never handed to two workers at once: while it is being processed (between {@link
 *       #get} and {@link #done}) a new {@link #add} only marks it dirty, and {@link #done} puts it
 *       back in the queue. Every {@link #get} must be followed by exactly one {@link #done}.
 *   <li>{@link #addRateLimited} waits the {@link RateLimiter}'s per-item back-off first; {@link
 *       #forget} resets it (call it after a successful sync).
 *   <li>{@link #addAfter} waits a fixed delay; if the item is already waiting, the earlier time
 *       wins.
 *   <li>After {@link #shutDown}, adds are ignored and {@link #get} returns {@code null} once the
 *       queue is empty, so workers drain what is queued and stop.
 * </ul>
 *
 * <p>Thread-safe; {@link #get} blocks. All fields below are guarded by {@link #lock}.
 *
 * @param <T> the item type (controllers use {@code namespace/name} keys)
 */
public final class WorkQueue<T> {

    private final String name;
    private final RateLimiter<T> rateLimiter;
    private final DelayScheduler delayScheduler;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private final Set<T> dirty = new HashSet<>();
    private final Set<T> processing = new HashSet<>();

    /**
     * Items waiting for {@link #addAfter}, with the scheduler's nanoTime at which they become
     * ready.
     */
    private final Map<T, Long> waitingUntil = new HashMap<>();

    private boolean shuttingDown;
    private volatile Runnable readyListener = () -> {};

    private final Counter adds;
    private final Counter retries;

    /**
     * @param name used in metric tags and thread names
     * @param meterRegistry receives {@code j8s_workqueue_depth}, {@code j8s_workqueue_adds_total}
     *     and {@code j8s_workqueue_retries_total}, tagged {@code name}
     */
    public WorkQueue(
            String name,
            RateLimiter<T> rateLimiter,
            DelayScheduler delayScheduler,
            MeterRegistry meterRegistry) {
        this.name = Objects.requireNonNull(name, "name");
        this.rateLimiter = Objects.requireNonNull(rateLimiter, "rateLimiter");
        this.delayScheduler = Objects.requireNonNull(delayScheduler, "delayScheduler");
        Gauge.builder("j8s_workqueue_depth", this, WorkQueue::length)
                .tag("name", name)
                .description("Items waiting in the work queue")
                .register(meterRegistry);
        this.adds =
                Counter.builder("j8s_workqueue_adds_total")
                        .tag("name", name)
                        .description("Items added to the work queue")
                        .register(meterRegistry);
        this.retries =
                Counter.builder("j8s_workqueue_retries_total")
                        .tag("name", name)
                        .description("Rate-limited re-adds (retries)")
                        .register(meterRegistry);
    }

    public String name() {
        return name;
    }

    /**
     * The timers of this queue (its owner waits with them too, so that one fake clock drives both
     * in tests).
     */
    public DelayScheduler delayScheduler() {
        return delayScheduler;
    }

    /** Queues {@code item} unless it is already queued; ignored after shut-down. */
    public void add(T item) {
        Objects.requireNonNull(item, "item");
        lock.lock();
        try {
            if (shuttingDown) {
                return;
            }
            if (!dirty.add(item)) {
                return;
            }
            adds.increment();
            if (processing.contains(item)) {
                return; // done(item) will queue it again
            }
            queue.addLast(item);
            changed.signal();
        } finally {
            lock.unlock();
        }
        readyListener.run();
    }

    /**
     * Queues {@code item} after {@code delay}; if it already waits for an earlier time, that stays.
     */
    public void addAfter(T item, Duration delay) {
        Objects.requireNonNull(item, "item");
        if (delay.isZero() || delay.isNegative()) {
            add(item);
            return;
        }
        long readyAt = delayScheduler.nanoTime() + delay.toNanos();
        lock.lock();
        try {
            if (shuttingDown) {
                return;
            }
            Long existing = waitingUntil.get(item);
            if (existing != null && existing - readyAt <= 0) {
                return;
            }
            waitingUntil.put(item, readyAt);
        } finally {
            lock.unlock();
        }
        delayScheduler.schedule(delay, () -> fireWaiting(item, readyAt));
    }

    private void fireWaiting(T item, long readyAt) {
        lock.lock();
        try {
            Long current = waitingUntil.get(item);
            if (current == null || current != readyAt) {
                return; // superseded by an earlier addAfter
            }
            waitingUntil.remove(item);
        } finally {
            lock.unlock();
        }
        add(item);
    }

    /** Queues {@code item} after its rate limiter's back-off. */
    public void addRateLimited(T item) {
        retries.increment();
        addAfter(item, rateLimiter.when(item));
    }

    /** Resets the back-off of {@code item}; call it when the item was processed successfully. */
    public void forget(T item) {
        rateLimiter.forget(item);
    }

    /**
     * How often {@code item} was re-added with {@link #addRateLimited} since it was last forgotten.
     */
    public int numRequeues(T item) {
        return rateLimiter.numRequeues(item);
    }

    /**
     * Takes the next item, blocking while the queue is empty. Returns {@code null} when the queue
     * has been shut down and is empty. The caller must call {@link #done} with the item.
     */
    public T get() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty() && !shuttingDown) {
                changed.await();
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    /** Like {@link #get} but gives up after {@code timeout}, returning {@code null}. */
    public T poll(Duration timeout) throws InterruptedException {
        long remaining = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (queue.isEmpty() && !shuttingDown) {
                if (remaining <= 0) {
                    return null;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    private T take() {
        T item = queue.pollFirst();
        if (item == null) {
            return null;
        }
        processing.add(item);
        dirty.remove(item);
        return item;
    }

    /** Marks {@code item} as processed; if it was added meanwhile it is queued again. */
    public void done(T item) {
        boolean requeued;
        lock.lock();
        try {
            processing.remove(item);
            requeued = dirty.contains(item);
            if (requeued) {
                queue.addLast(item);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (requeued) {
            readyListener.run();
        }
    }

    /**
     * Takes the next item without blocking, or returns {@code null} when none is ready. Like {@link
     * #get}, the caller must call {@link #done} with the item.
     */
    public T tryGet() {
        lock.lock();
        try {
            return take();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets what runs, on the adding thread and outside the queue's lock, each time an item becomes
     * ready for {@link #get} (an {@link ExecutorWorker} starts draining on it). Must return
     * quickly.
     */
    public void onReady(Runnable listener) {
        this.readyListener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Stops accepting items; workers get {@code null} from {@link #get} once the queue is empty.
     */
    public void shutDown() {
        lock.lock();
        try {
            shuttingDown = true;
            waitingUntil.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Shuts down and waits up to {@code timeout} until no item is being processed.
     *
     * @return whether processing finished in time
     */
    public boolean shutDownWithDrain(Duration timeout) throws InterruptedException {
        shutDown();
        long remaining = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (!processing.isEmpty()) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = changed.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public boolean isShuttingDown() {
        lock.lock();
        try {
            return shuttingDown;
        } finally {
            lock.unlock();
        }
    }

    /** Items queued and not yet handed to a worker. */
    public int length() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code item} is currently held by a worker (for tests and diagnostics). */
    public boolean isProcessing(T item) {
        lock.lock();
        try {
            return processing.contains(item);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "WorkQueue[" + name + ", length=" + length() + "]";
    }
}
