package io.j8s.store.support;

import io.j8s.store.StoreException;
import io.j8s.store.Watch;
import io.j8s.store.WatchEvent;
import io.j8s.store.WatchListener;
import io.j8s.store.WatchOverflowException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery end of one watch, shared by the backends: a bounded buffer of events that producers
 * fill without ever blocking, drained into the {@link WatchListener} by tasks on a store-owned
 * executor.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #offer} and {@link #fail} never block and never call the listener on the caller's
 *       thread; they may be called from any thread.
 *   <li>Listener calls for one watch never overlap and keep the order of {@link #offer} calls.
 *   <li>When the buffered events would exceed {@code capacity}, the buffer is dropped and the watch
 *       ends with a {@link WatchOverflowException}: events are never dropped silently.
 *   <li>{@link WatchListener#onError} is called at most once and is the last call; after {@link
 *       #close()} returns no new listener call starts.
 *   <li>An optional {@link ReplaySource} runs first, on the delivery executor, and may deliver any
 *       number of events before the buffered live events (this is how a backend replays history and
 *       then switches to live events without a gap).
 * </ul>
 *
 * <p>Not part of the {@code Store} API: it is public only so that both backends can share it.
 */
public final class BufferedWatch implements Watch {
    private static final Logger log = LoggerFactory.getLogger(BufferedWatch.class);

    /** Listener calls carry at most this many events, so one call never holds a thread for long. */
    static final int MAX_EVENTS_PER_CALL = 1_000;

    /** Calls made by one drain task before it yields its thread to other watches. */
    private static final int CALLS_PER_TASK = 16;

    /** Replays history into a watch before its live events; runs on the delivery executor. */
    @FunctionalInterface
    public interface ReplaySource {
        /**
         * Delivers history through {@code sink}, in revision order.
         *
         * @throws StoreException to end the watch with that error
         */
        void replay(ReplaySink sink);
    }

    /** Where a {@link ReplaySource} puts its events. */
    @FunctionalInterface
    public interface ReplaySink {
        /**
         * Hands {@code events} (non-empty, revision order) to the listener.
         *
         * @return false when the watch has ended or was closed: the replay should stop
         */
        boolean deliver(List<WatchEvent> events);
    }

    private final String description;
    private final int capacity;
    private final Executor executor;
    private final WatchListener listener;
    private final Runnable onEnd;

    private final Object lock = new Object();
    // All fields below are guarded by lock.
    private final ArrayDeque<WatchEvent> buffer = new ArrayDeque<>();
    private ReplaySource replay;
    private StoreException terminal;
    private boolean errorDelivered;
    private boolean closed;
    private boolean scheduled;
    private boolean ended;

    /**
     * @param description names the watch in logs and errors (e.g. its prefix)
     * @param capacity the most events buffered for a listener that has not taken them yet
     * @param executor runs the listener calls; shared with other watches
     * @param listener the caller's listener
     * @param replay history to deliver before live events, or null
     * @param onEnd called once when the watch ends (error delivered or closed), e.g. to unregister
     *     it from its producer
     */
    public BufferedWatch(
            String description,
            int capacity,
            Executor executor,
            WatchListener listener,
            ReplaySource replay,
            Runnable onEnd) {
        if (capacity < 1) {
            throw new IllegalArgumentException(
                    "watch buffer capacity must be positive but was " + capacity);
        }
        this.description = Objects.requireNonNull(description, "description");
        this.capacity = capacity;
        this.executor = Objects.requireNonNull(executor, "executor");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.replay = replay;
        this.onEnd = Objects.requireNonNull(onEnd, "onEnd");
        if (replay != null) {
            synchronized (lock) {
                schedule();
            }
        }
    }

    /**
     * Queues events for the listener. Never blocks. Ends the watch with a {@link
     * WatchOverflowException} when the buffer would exceed its capacity.
     *
     * @param events revision-ordered events that match this watch; may be empty
     */
    public void offer(List<WatchEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        synchronized (lock) {
            if (closed || terminal != null) {
                return;
            }
            if (buffer.size() + events.size() > capacity) {
                buffer.clear();
                terminal =
                        new WatchOverflowException(
                                "watch "
                                        + description
                                        + " fell more than "
                                        + capacity
                                        + " events behind and was ended; re-list and watch again");
                log.atWarn()
                        .addKeyValue("watch", description)
                        .addKeyValue("capacity", capacity)
                        .log("watch buffer overflowed; ending the watch");
            } else {
                buffer.addAll(events);
            }
            schedule();
        }
    }

    /** Ends the watch with {@code error}, dropping buffered events. No-op when already ended. */
    public void fail(StoreException error) {
        Objects.requireNonNull(error, "error");
        synchronized (lock) {
            if (closed || terminal != null) {
                return;
            }
            buffer.clear();
            terminal = error;
            schedule();
        }
    }

    /** Whether the watch has ended or is about to end (error pending, delivered, or closed). */
    public boolean isDone() {
        synchronized (lock) {
            return closed || terminal != null;
        }
    }

    /** Events waiting for the listener (for metrics and tests). */
    public int buffered() {
        synchronized (lock) {
            return buffer.size();
        }
    }

    @Override
    public void close() {
        boolean firstEnd;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            buffer.clear();
            replay = null;
            firstEnd = markEnded();
        }
        if (firstEnd) {
            onEnd.run();
        }
    }

    @Override
    public String toString() {
        return "BufferedWatch[" + description + "]";
    }

    // guarded by lock
    private void schedule() {
        if (scheduled) {
            return;
        }
        scheduled = true;
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The store is shutting down its delivery threads: nobody is left to deliver to.
            scheduled = false;
            closed = true;
            buffer.clear();
            log.atDebug()
                    .addKeyValue("watch", description)
                    .log("delivery executor rejected the watch; closing it");
        }
    }

    // guarded by lock
    private boolean markEnded() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }

    private void drain() {
        ReplaySource pendingReplay;
        synchronized (lock) {
            pendingReplay = replay;
            replay = null;
        }
        if (pendingReplay != null) {
            runReplay(pendingReplay);
        }
        for (int calls = 0; calls < CALLS_PER_TASK; calls++) {
            List<WatchEvent> batch = null;
            StoreException error = null;
            synchronized (lock) {
                if (closed || errorDelivered) {
                    scheduled = false;
                    return;
                }
                if (terminal != null) {
                    error = terminal;
                    errorDelivered = true;
                } else if (!buffer.isEmpty()) {
                    int n = Math.min(buffer.size(), MAX_EVENTS_PER_CALL);
                    batch = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        batch.add(buffer.poll());
                    }
                } else {
                    scheduled = false;
                    return;
                }
            }
            if (error != null) {
                deliverError(error);
                return;
            }
            callOnEvents(batch);
        }
        // Yield the shared thread to other watches; keep "scheduled" so producers do not
        // double-submit.
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (lock) {
                scheduled = false;
                closed = true;
                buffer.clear();
            }
        }
    }

    private void runReplay(ReplaySource source) {
        try {
            source.replay(
                    events -> {
                        synchronized (lock) {
                            if (closed || terminal != null) {
                                return false;
                            }
                        }
                        if (!events.isEmpty()) {
                            callOnEvents(events);
                        }
                        synchronized (lock) {
                            return !closed && terminal == null;
                        }
                    });
        } catch (StoreException e) {
            synchronized (lock) {
                if (!closed && terminal == null) {
                    buffer.clear();
                    terminal = e;
                }
            }
        } catch (RuntimeException e) {
            synchronized (lock) {
                if (!closed && terminal == null) {
                    buffer.clear();
                    terminal =
                            new StoreException(
                                    "replaying history for watch " + description + " failed", e);
                }
            }
        }
    }

    private void callOnEvents(List<WatchEvent> events) {
        try {
            listener.onEvents(List.copyOf(events));
        } catch (RuntimeException e) {
            // A listener that throws cannot be trusted to have seen the events: end the watch so
            // the
            // caller re-lists instead of silently missing changes.
            log.atError()
                    .addKeyValue("watch", description)
                    .setCause(e)
                    .log("watch listener threw; ending the watch");
            synchronized (lock) {
                if (!closed && terminal == null) {
                    buffer.clear();
                    terminal =
                            new StoreException("watch listener for " + description + " threw", e);
                }
            }
        }
    }

    private void deliverError(StoreException error) {
        try {
            listener.onError(error);
        } catch (RuntimeException e) {
            log.atError()
                    .addKeyValue("watch", description)
                    .setCause(e)
                    .log("watch listener threw from onError");
        }
        boolean firstEnd;
        synchronized (lock) {
            scheduled = false;
            firstEnd = markEnded();
        }
        if (firstEnd) {
            onEnd.run();
        }
    }
}
