package io.j8s.controllers.replicaset;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kubernetes' {@code UIDTrackingControllerExpectations}: after a controller asks for N creations or
 * for specific deletions, it does not act on the same key again until its cache has observed them
 * (or {@link #TIMEOUT} passed), so a lagging cache never causes over-creation or double deletion.
 *
 * <p>Thread-safe; per key the work queue serializes syncs while event handlers observe.
 */
public final class Expectations {

    /**
     * Expectations older than this are considered fulfilled (a lost watch event must not wedge a
     * key).
     */
    public static final Duration TIMEOUT = Duration.ofMinutes(5);

    private static final class Entry {
        int adds;
        final Set<String> deletes = new HashSet<>();
        Instant setAt;
    }

    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public Expectations(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Whether the controller may act on {@code key}: nothing pending, or the pending wait expired.
     */
    public boolean satisfied(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return true;
        }
        synchronized (e) {
            if (e.adds <= 0 && e.deletes.isEmpty()) {
                return true;
            }
            return e.setAt.plus(TIMEOUT).isBefore(clock.instant());
        }
    }

    public void expectCreations(String key, int count) {
        Entry e = new Entry();
        e.adds = count;
        e.setAt = clock.instant();
        entries.put(key, e);
    }

    /** Expects the deletion of the Pods with these {@code namespace/name} keys. */
    public void expectDeletions(String key, Set<String> podKeys) {
        Entry e = new Entry();
        e.deletes.addAll(podKeys);
        e.setAt = clock.instant();
        entries.put(key, e);
    }

    public void creationObserved(String key) {
        Entry e = entries.get(key);
        if (e != null) {
            synchronized (e) {
                e.adds--;
            }
        }
    }

    /** A Pod's deletion was seen (or its deletion request failed): counted once per Pod. */
    public void deletionObserved(String key, String podKey) {
        Entry e = entries.get(key);
        if (e != null) {
            synchronized (e) {
                e.deletes.remove(podKey);
            }
        }
    }

    public void delete(String key) {
        entries.remove(key);
    }

    /** Pending creations (tests, diagnostics). */
    int pendingCreations(String key) {
        Entry e = entries.get(key);
        return e == null ? 0 : Math.max(0, e.adds);
    }
}
