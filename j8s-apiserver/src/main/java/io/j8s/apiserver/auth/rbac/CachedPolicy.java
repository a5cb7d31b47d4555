package io.j8s.apiserver.auth.rbac;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.Delivery;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.cache.WatchRequest;
import io.j8s.apiserver.cache.WatchSink;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The RBAC objects of the watch cache as a {@link PolicySnapshot}, decoded again only after one of
 * them changed: a watch on each of the four kinds counts changes, and a decision that finds the
 * count moved rebuilds the snapshot first. Thread safe; decisions never wait for a rebuild by
 * another thread longer than that rebuild.
 */
public final class CachedPolicy implements Supplier<PolicySnapshot>, AutoCloseable {
    private final WatchCache cache;
    private final List<ResourceType> types;
    private final AtomicLong changes = new AtomicLong();
    private final Object lock = new Object();

    /** Guarded by {@link #lock}: the watches, re-opened after the cache ended them. */
    private final WatchCache.Registration[] registrations;

    /**
     * 1 while each watch is open; cleared by the cache's thread when it ends one (without {@link
     * #lock}).
     */
    private final AtomicIntegerArray watching;

    private volatile Versioned current;
    private volatile boolean closed;

    private record Versioned(long version, PolicySnapshot snapshot) {}

    /**
     * Reads ClusterRoles, Roles, ClusterRoleBindings and RoleBindings, in that order, from {@code
     * cache}.
     */
    public CachedPolicy(
            WatchCache cache,
            ResourceType clusterRoles,
            ResourceType roles,
            ResourceType clusterBindings,
            ResourceType roleBindings) {
        this.cache = cache;
        this.types = List.of(clusterRoles, roles, clusterBindings, roleBindings);
        this.registrations = new WatchCache.Registration[types.size()];
        this.watching = new AtomicIntegerArray(types.size());
    }

    @Override
    public PolicySnapshot get() {
        ensureWatching();
        long version = changes.get();
        Versioned v = current;
        if (v != null && v.version() == version) {
            return v.snapshot();
        }
        synchronized (lock) {
            v = current;
            version = changes.get();
            if (v != null && v.version() == version) {
                return v.snapshot();
            }
            // The version is read before listing: a change during the build leaves it stale, and
            // the
            // next decision rebuilds.
            PolicySnapshot snapshot =
                    PolicySnapshot.of(
                            trees(types.get(0)),
                            trees(types.get(1)),
                            trees(types.get(2)),
                            trees(types.get(3)));
            current = new Versioned(version, snapshot);
            return snapshot;
        }
    }

    private List<JsonNode> trees(ResourceType type) {
        return cache.list(type, null, o -> true).items().stream()
                .map(CachedObject::tree)
                .map(JsonNode.class::cast)
                .toList();
    }

    private void ensureWatching() {
        if (allWatching()) {
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            for (int i = 0; i < types.size(); i++) {
                if (watching.get(i) == 0) {
                    int index = i;
                    watching.set(i, 1);
                    changes.incrementAndGet();
                    registrations[i] =
                            cache.watch(
                                    new WatchRequest(
                                            types.get(i), null, o -> true, cache.revision(), false),
                                    new ChangeCounter(index));
                }
            }
        }
    }

    private boolean allWatching() {
        for (int i = 0; i < watching.length(); i++) {
            if (watching.get(i) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Counts changes; never slow, so the cache never ends it for falling behind. */
    private final class ChangeCounter implements WatchSink {
        private final int index;

        ChangeCounter(int index) {
            this.index = index;
        }

        @Override
        public boolean offer(Delivery delivery) {
            changes.incrementAndGet();
            return true;
        }

        @Override
        public void terminate(TerminationReason reason) {
            // Called under the cache's lock: only note it; the next decision re-opens the watch.
            watching.set(index, 0);
            changes.incrementAndGet();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            for (WatchCache.Registration registration : registrations) {
                if (registration != null) {
                    registration.close();
                }
            }
        }
    }
}
