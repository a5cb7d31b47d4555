package io.j8s.client.workqueue;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes the items of a {@link WorkQueue} on an executor shared with others instead of on
 * threads of its own: node agents run many queues (several per node, many nodes per process), so
 * none of them may hold a thread while it is empty. One drain task at a time takes items one by one
 * while the queue has some; it is started when an item becomes ready. The queue's contract holds:
 * an item is never processed twice at once, and one added while it is processed is processed again
 * afterwards.
 *
 * <p>Retries: {@code process} returns whether the item is done; false or an exception re-adds it
 * with the queue's rate limiter until it has been retried {@code maxRetries} times, after which it
 * is dropped (logged) until it is added again. Success forgets the item's back-off. Thread-safe.
 *
 * @param <T> the item type
 */
public final class ExecutorWorker<T> {

    private static final Logger log = LoggerFactory.getLogger(ExecutorWorker.class);

    private final WorkQueue<T> queue;
    private final Executor executor;
    private final int maxRetries;
    private final Predicate<T> process;
    private boolean draining; // guarded by this

    /**
     * Attaches to {@code queue} (which must not be shared with another worker or get() caller).
     *
     * @param process handles one item; returns false to have it retried with back-off
     */
    public ExecutorWorker(
            WorkQueue<T> queue, Executor executor, int maxRetries, Predicate<T> process) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.process = Objects.requireNonNull(process, "process");
        if (maxRetries < 0) {
            throw new IllegalArgumentException(
                    "maxRetries must not be negative but was " + maxRetries);
        }
        this.maxRetries = maxRetries;
        queue.onReady(this::kick);
        if (queue.length() > 0) {
            kick();
        }
    }

    public WorkQueue<T> queue() {
        return queue;
    }

    /**
     * Starts a drain unless one runs; an executor that refuses (it is shutting down) leaves items
     * queued.
     */
    private void kick() {
        synchronized (this) {
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                draining = false;
            }
        }
    }

    private void drain() {
        while (true) {
            T item;
            synchronized (this) {
                // under this lock: an item made ready after the check below kicks a new drain
                item = queue.tryGet();
                if (item == null) {
                    draining = false;
                    return;
                }
            }
            try {
                handle(item);
            } catch (
                    RuntimeException
                            e) { // a retry the scheduler refused (shutting down): the drain goes on
                log.atWarn()
                        .addKeyValue("queue", queue.name())
                        .addKeyValue("item", item)
                        .log("{}: could not retry {}: {}", queue.name(), item, e.toString());
            } finally {
                queue.done(item);
            }
        }
    }

    private void handle(T item) {
        boolean ok;
        Exception failure = null;
        try {
            ok = process.test(item);
        } catch (RuntimeException e) {
            ok = false;
            failure = e;
        }
        if (ok) {
            queue.forget(item);
            return;
        }
        int requeues = queue.numRequeues(item);
        if (requeues < maxRetries) {
            if (failure != null) {
                log.atWarn()
                        .addKeyValue("queue", queue.name())
                        .addKeyValue("item", item)
                        .log(
                                "{}: processing {} failed (retry {} of {}): {}",
                                queue.name(),
                                item,
                                requeues + 1,
                                maxRetries,
                                failure.toString());
            }
            queue.addRateLimited(item);
            return;
        }
        queue.forget(item);
        log.atError()
                .addKeyValue("queue", queue.name())
                .addKeyValue("item", item)
                .setCause(failure)
                .log("{}: dropping {} after {} retries", queue.name(), item, maxRetries);
    }
}
