package io.j8s.store;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link WatchListener} that records what it receives, for tests (also of other modules). Counts
 * overlapping calls and calls after the error, which the watch contract forbids.
 */
public final class RecordingListener implements WatchListener {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final List<WatchEvent> events = new ArrayList<>(); // guarded by this
    private final AtomicReference<StoreException> error = new AtomicReference<>();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger violations = new AtomicInteger();

    @Override
    public void onEvents(List<WatchEvent> batch) {
        enter();
        try {
            if (batch.isEmpty() || error.get() != null) {
                violations.incrementAndGet();
            }
            synchronized (this) {
                events.addAll(batch);
            }
        } finally {
            active.decrementAndGet();
        }
    }

    @Override
    public void onError(StoreException e) {
        enter();
        try {
            if (!error.compareAndSet(null, e)) {
                violations.incrementAndGet();
            }
        } finally {
            active.decrementAndGet();
        }
    }

    public synchronized List<WatchEvent> events() {
        return List.copyOf(events);
    }

    public synchronized int size() {
        return events.size();
    }

    public StoreException error() {
        return error.get();
    }

    /** Calls that broke the listener contract: overlapping, empty, or after onError. */
    public int violations() {
        return violations.get();
    }

    /** Waits until at least {@code n} events arrived; returns all events so far. */
    public List<WatchEvent> awaitEvents(int n) {
        await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> size() >= n || error() != null);
        if (size() < n) {
            throw new AssertionError(
                    "watch ended with " + error() + " after " + size() + " of " + n + " events",
                    error());
        }
        return events();
    }

    public StoreException awaitError() {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(10)).until(() -> error() != null);
        return error();
    }

    private void enter() {
        if (active.incrementAndGet() != 1) {
            violations.incrementAndGet();
        }
    }
}
