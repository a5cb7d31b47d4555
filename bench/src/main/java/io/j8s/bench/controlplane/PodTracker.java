package io.j8s.bench.controlplane;

import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Latencies;
import io.j8s.bench.support.ListWatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Follows every Pod through one list-and-watch of {@code /api/v1/pods}: how many exist and are
 * Ready, when each was first seen and first seen Ready (the benchmark's clock, at the arrival of
 * the watch event), its IP and the {@code lastTransitionTime} of its Ready condition.
 *
 * <p>Pod start-up latency, as measured here: from the event that first showed the Pod to the event
 * that first showed it Ready (both as this watch received them), for Pods first seen not Ready.
 *
 * <p>Thread-safe: events arrive on one client thread at a time; readers see consistent counters.
 */
final class PodTracker implements AutoCloseable {
    /** One Pod as last seen. Fields are written by the watch thread only. */
    static final class PodState {
        final String key;
        final String namespace;
        final String app;
        final long firstSeenNanos;
        volatile long readySeenNanos;
        volatile String ip;
        volatile String readyTransitionTime;
        volatile boolean terminating;

        PodState(String key, String namespace, String app, long firstSeenNanos) {
            this.key = key;
            this.namespace = namespace;
            this.app = app;
            this.firstSeenNanos = firstSeenNanos;
        }

        boolean ready() {
            return readySeenNanos != 0;
        }
    }

    private final Map<String, PodState> pods = new ConcurrentHashMap<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final Latencies startup = new Latencies();
    private final List<Consumer<PodState>> readyListeners = new CopyOnWriteArrayList<>();
    private final ListWatch watch;

    private PodTracker(ApiClient client) {
        this.watch = ListWatch.start(client, "/api/v1/pods", this::onEvent);
    }

    static PodTracker start(ApiClient client) {
        return new PodTracker(client);
    }

    private void onEvent(String type, JsonNode pod, long now) {
        JsonNode meta = pod.path("metadata");
        String ns = meta.path("namespace").asString();
        String key = ns + "/" + meta.path("name").asString();
        if (type.equals("DELETED")) {
            PodState gone = pods.remove(key);
            if (gone != null && gone.ready() && !gone.terminating) {
                ready.decrementAndGet();
            }
            return;
        }
        PodState s =
                pods.computeIfAbsent(
                        key,
                        k ->
                                new PodState(
                                        k,
                                        ns,
                                        ListWatch.text(meta.path("labels").path("app")),
                                        now));
        boolean wasCounted = s.ready() && !s.terminating;
        s.terminating = ListWatch.text(meta.path("deletionTimestamp")) != null;
        s.ip = ListWatch.text(pod.path("status").path("podIP"));
        JsonNode readyCondition = null;
        for (JsonNode c : pod.path("status").path("conditions")) {
            if ("Ready".equals(c.path("type").asString())) {
                readyCondition = c;
            }
        }
        boolean isReady =
                readyCondition != null && "True".equals(readyCondition.path("status").asString());
        if (isReady && !s.ready()) {
            s.readyTransitionTime = ListWatch.text(readyCondition.path("lastTransitionTime"));
            s.readySeenNanos = now;
            if (s.firstSeenNanos != now) {
                startup.record(now - s.firstSeenNanos);
            }
            for (Consumer<PodState> l : readyListeners) {
                l.accept(s);
            }
        }
        boolean counted = s.ready() && !s.terminating;
        if (counted != wasCounted) {
            ready.addAndGet(counted ? 1 : -1);
        }
    }

    /** Pods that exist now. */
    int count() {
        return pods.size();
    }

    /** Pods seen Ready and not terminating. */
    int readyCount() {
        return ready.get();
    }

    /** Start-up latencies (first seen to first seen Ready) of every Pod seen start so far. */
    Latencies startup() {
        return startup;
    }

    /** Ready, not terminating Pods now (a snapshot). */
    List<PodState> readyPods() {
        return pods.values().stream().filter(p -> p.ready() && !p.terminating).toList();
    }

    /** Calls {@code listener} on the watch thread for every Pod when it is first seen Ready. */
    void onReady(Consumer<PodState> listener) {
        readyListeners.add(listener);
    }

    void removeListener(Consumer<PodState> listener) {
        readyListeners.remove(listener);
    }

    /**
     * Waits until at least {@code n} Pods are Ready (and not terminating).
     *
     * @throws IllegalStateException on timeout or when the watch failed, naming the counts
     */
    void awaitReady(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ready.get() < n) {
            if (watch.failure() != null) {
                throw new IllegalStateException("the Pod watch failed", watch.failure());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only "
                                + ready.get()
                                + " of "
                                + n
                                + " Pods Ready ("
                                + pods.size()
                                + " exist) after "
                                + timeout);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
