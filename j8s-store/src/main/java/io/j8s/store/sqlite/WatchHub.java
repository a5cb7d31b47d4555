package io.j8s.store.sqlite;

import io.j8s.store.StoreException;
import io.j8s.store.Watch;
import io.j8s.store.WatchEvent;
import io.j8s.store.WatchListener;
import io.j8s.store.support.BufferedWatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Fans committed changes out to the store's watches, in process, right after each commit.
 *
 * <p>Why a watch sees no gap and no duplicate: registration and publication take the same lock. A
 * watch registered when revision {@code L} was the last one published gets (afterRevision, L] from
 * the history table (everything up to L is committed by then) and every later revision from {@link
 * #publish}, which only hands it events above {@code max(afterRevision, L)}.
 *
 * <p>Thread safety: all methods may be called from any thread; {@link #publish} is called by the
 * writer thread only and never blocks on a listener.
 */
final class WatchHub {
    /** Produces the history replay for a new watch: changes with revision in (after, upTo]. */
    @FunctionalInterface
    interface History {
        BufferedWatch.ReplaySource replay(String prefix, long afterRevision, long upToRevision);
    }

    private record Registration(String prefix, long deliverAfter, BufferedWatch watch) {}

    private final Executor executor;
    private final int capacity;
    private final History history;

    private final Object lock = new Object();
    // Guarded by lock. Replaced, never mutated, so publish can iterate it cheaply.
    private List<Registration> registrations = List.of();
    // Guarded by lock.
    private long lastPublished;
    // Guarded by lock: set once by endAll; later registrations are refused with it.
    private StoreException ended;

    WatchHub(Executor executor, int capacity, History history, long startRevision) {
        this.executor = executor;
        this.capacity = capacity;
        this.history = history;
        this.lastPublished = startRevision;
    }

    /**
     * @throws StoreException the error of {@link #endAll} when the hub was ended
     */
    Watch register(String prefix, long afterRevision, WatchListener listener) {
        synchronized (lock) {
            if (ended != null) {
                throw ended;
            }
            long upTo = lastPublished;
            BufferedWatch.ReplaySource replay =
                    afterRevision < upTo ? history.replay(prefix, afterRevision, upTo) : null;
            BufferedWatch[] self = new BufferedWatch[1];
            BufferedWatch watch =
                    new BufferedWatch(
                            "prefix=" + prefix + " after=" + afterRevision,
                            capacity,
                            executor,
                            listener,
                            replay,
                            () -> unregister(self[0]));
            self[0] = watch;
            List<Registration> next = new ArrayList<>(registrations);
            next.add(new Registration(prefix, Math.max(afterRevision, upTo), watch));
            registrations = List.copyOf(next);
            return watch;
        }
    }

    /** Whether any watch is registered (the writer skips building events when none is). */
    boolean isEmpty() {
        synchronized (lock) {
            return registrations.isEmpty();
        }
    }

    int size() {
        synchronized (lock) {
            return registrations.size();
        }
    }

    /**
     * Hands the events of a commit that reached {@code revision} to every matching watch. {@code
     * events} is only called when some watch is registered.
     */
    void publish(long revision, Supplier<List<WatchEvent>> events) {
        synchronized (lock) {
            try {
                if (!registrations.isEmpty()) {
                    List<WatchEvent> all = events.get();
                    for (Registration r : registrations) {
                        r.watch().offer(matching(all, r));
                    }
                }
            } catch (RuntimeException e) {
                // These watches would miss the commit: end them so their callers re-list.
                StoreException error =
                        e instanceof StoreException se
                                ? se
                                : new StoreException("building watch events failed", e);
                for (Registration r : registrations) {
                    r.watch().fail(error);
                }
            } finally {
                lastPublished = revision;
            }
        }
    }

    /** Ends every watch with {@code error} (e.g. the store closed) and refuses new ones. */
    void endAll(StoreException error) {
        List<Registration> current;
        synchronized (lock) {
            ended = error;
            current = registrations;
        }
        for (Registration r : current) {
            r.watch().fail(error);
        }
    }

    private void unregister(BufferedWatch watch) {
        synchronized (lock) {
            List<Registration> next = new ArrayList<>(registrations.size());
            for (Registration r : registrations) {
                if (r.watch() != watch) {
                    next.add(r);
                }
            }
            registrations = List.copyOf(next);
        }
    }

    private static List<WatchEvent> matching(List<WatchEvent> all, Registration r) {
        List<WatchEvent> out = null;
        for (WatchEvent e : all) {
            // Java's startsWith on strings equals a byte prefix test on their UTF-8 forms.
            if (e.revision() > r.deliverAfter() && e.kv().key().startsWith(r.prefix())) {
                if (out == null) {
                    out = new ArrayList<>();
                }
                out.add(e);
            }
        }
        return out == null ? List.of() : out;
    }
}
