package io.j8s.bench.controlplane;

import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Latencies;
import io.j8s.bench.support.ListWatch;
import io.j8s.bench.support.PromHistogram;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The churn phase: {@code rate} Pod Ready changes per second for a while, half of them deletions of
 * Ready Pods (their endpoints go), half the Pods that replace them becoming Ready (their endpoints
 * come), and what it takes for those changes to reach the EndpointSlices and the proxy.
 *
 * <p>Measured from outside, with the benchmark's clock, by one watch of Pods ({@link PodTracker})
 * and one of EndpointSlices:
 *
 * <ul>
 *   <li><b>add</b>: from the arrival of the Pod event that shows a new Pod Ready to the arrival of
 *       the EndpointSlice event that lists its IP as ready;
 *   <li><b>remove</b>: from sending the DELETE of a Ready Pod to the arrival of the EndpointSlice
 *       event after which its IP is no longer ready in any slice of its Service.
 * </ul>
 *
 * And from inside the proxy: {@code j8s_proxy_network_programming_duration_seconds}, the proxy's
 * own histogram from an EndpointSlice's {@code last-change-trigger-time} (the Ready condition's
 * {@code lastTransitionTime}, whole seconds) to the new endpoints being programmed, read from
 * {@code /metrics} before and after.
 *
 * <p>Not thread-safe: {@link #run} once.
 */
final class Churn {
    static final String PROGRAMMING_METRIC = "j8s_proxy_network_programming_duration_seconds";

    /** How often the proxy probe replaces one of its Pods during the churn. */
    static final Duration PROBE_PERIOD = Duration.ofSeconds(1);

    /** How long a probe cycle waits for the proxy to catch up (longer under heavy churn). */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(90);

    /** What the phase measured. */
    record Outcome(
            int deletions,
            double seconds,
            Latencies adds,
            Latencies removes,
            int unresolvedAdds,
            int unresolvedRemoves,
            int addsSeenInSliceFirst,
            PromHistogram proxy,
            Latencies truncation,
            long deleteErrors,
            Latencies probeAdds,
            Latencies probeRemoves,
            int probeTimeouts) {}

    private final ApiClient client;
    private final PodTracker pods;
    private final boolean barePods;
    private final Map<String, Map<String, Set<String>>> readyIpsBySlice = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> pendingAdds = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> pendingRemoves = new ConcurrentHashMap<>();
    private final Latencies adds = new Latencies();
    private final Latencies removes = new Latencies();
    private final Latencies truncation = new Latencies();
    private final AtomicInteger sliceFirst = new AtomicInteger();

    /**
     * @param barePods the workload has no ReplicaSets: the benchmark creates each replacement
     *     itself
     */
    Churn(ApiClient client, PodTracker pods, boolean barePods) {
        this.client = client;
        this.pods = pods;
        this.barePods = barePods;
    }

    /**
     * @param probe observes the proxy meanwhile: one cycle every {@code PROBE_PERIOD}
     * @param nodes where the benchmark binds the bare Pods it creates
     */
    Outcome run(int rate, Duration duration, List<String> nodes, ProxyProbe probe) {
        PromHistogram before =
                PromHistogram.parse(
                        client.sendOk("GET", "/metrics", null, null).text(), PROGRAMMING_METRIC);
        long start = System.nanoTime();
        Consumer<PodTracker.PodState> onReady =
                p -> {
                    if (p.firstSeenNanos >= start && p.ip != null && p.app != null) {
                        pendingAdds
                                .computeIfAbsent(
                                        p.namespace + "/" + p.app, k -> new ConcurrentHashMap<>())
                                .put(p.ip, p.readySeenNanos);
                        recordTruncation(p);
                        settle(p.namespace + "/" + p.app, System.nanoTime());
                    }
                };
        pods.onReady(onReady);
        List<PodTracker.PodState> candidates =
                new ArrayList<>(
                        pods.readyPods().stream()
                                .filter(p -> !ProxyProbe.NAMESPACE.equals(p.namespace))
                                .toList());
        Collections.shuffle(candidates, new Random(42));
        ExecutorService deleters = Executors.newFixedThreadPool(8);
        AtomicLong deleteErrors = new AtomicLong();
        int deletions = 0;
        try (ListWatch slices =
                ListWatch.start(
                        client, "/apis/discovery.k8s.io/v1/endpointslices", this::onSlice)) {
            double perSecond = rate / 2.0;
            long total = Math.round(perSecond * duration.toNanos() / 1e9);
            long phaseStart = System.nanoTime();
            long phaseEnd = phaseStart + duration.toNanos();
            Thread prober =
                    new Thread(
                            () -> {
                                while (System.nanoTime() < phaseEnd) {
                                    long cycleStart = System.nanoTime();
                                    probe.cycle(PROBE_TIMEOUT);
                                    sleepUntil(cycleStart + PROBE_PERIOD.toNanos());
                                }
                            },
                            "bench-probe-cycles");
            prober.start();
            int next = 0;
            for (long i = 0; i < total; i++) {
                long due = phaseStart + Math.round(i * 1e9 / perSecond);
                sleepUntil(due);
                PodTracker.PodState victim = null;
                while (next < candidates.size() && victim == null) {
                    PodTracker.PodState c = candidates.get(next++);
                    if (!c.terminating
                            && c.ip != null
                            && readyInSlices(c.namespace + "/" + c.app, c.ip)) {
                        victim = c;
                    }
                }
                if (victim == null) {
                    break;
                }
                PodTracker.PodState v = victim;
                String svc = v.namespace + "/" + v.app;
                pendingRemoves
                        .computeIfAbsent(svc, k -> new ConcurrentHashMap<>())
                        .put(v.ip, System.nanoTime());
                int n = deletions++;
                deleters.submit(
                        () -> {
                            String name = v.key.substring(v.key.indexOf('/') + 1);
                            ApiClient.Response r =
                                    client.send(
                                            "DELETE",
                                            "/api/v1/namespaces/" + v.namespace + "/pods/" + name,
                                            null,
                                            null);
                            if (r.status() / 100 != 2) {
                                deleteErrors.incrementAndGet();
                            }
                            if (barePods) {
                                Workload.App app = new Workload.App(v.namespace, v.app, 0);
                                ApiClient.Response c =
                                        client.send(
                                                "POST",
                                                "/api/v1/namespaces/" + v.namespace + "/pods",
                                                null,
                                                Workload.podJson(
                                                        app,
                                                        v.app + "-churn-" + n,
                                                        nodes.get(n % nodes.size())));
                                if (c.status() / 100 != 2) {
                                    deleteErrors.incrementAndGet();
                                }
                            }
                        });
            }
            double seconds = (System.nanoTime() - phaseStart) / 1e9;
            prober.join();
            deleters.shutdown();
            deleters.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
            awaitSettled(Duration.ofSeconds(120));
            sleepUntil(
                    System.nanoTime()
                            + 2_000_000_000L); // the proxy's last sync (minSyncPeriod) and metric
            PromHistogram after =
                    PromHistogram.parse(
                            client.sendOk("GET", "/metrics", null, null).text(),
                            PROGRAMMING_METRIC);
            return new Outcome(
                    deletions,
                    seconds,
                    adds,
                    removes,
                    pending(pendingAdds),
                    pending(pendingRemoves),
                    sliceFirst.get(),
                    after.minus(before),
                    truncation,
                    deleteErrors.get(),
                    probe.adds(),
                    probe.removes(),
                    probe.timedOut());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pods.removeListener(onReady);
            deleters.shutdownNow();
        }
    }

    private boolean readyInSlices(String svc, String ip) {
        return readyIpsBySlice.getOrDefault(svc, Map.of()).values().stream()
                .anyMatch(s -> s.contains(ip));
    }

    /**
     * Wall-clock age of the Ready condition's {@code lastTransitionTime} when its event arrived.
     */
    private void recordTruncation(PodTracker.PodState p) {
        if (p.readyTransitionTime == null) {
            return;
        }
        long wallAtSeen =
                System.currentTimeMillis() - (System.nanoTime() - p.readySeenNanos) / 1_000_000;
        long ltt = Instant.parse(p.readyTransitionTime).toEpochMilli();
        truncation.record(Math.max(0, wallAtSeen - ltt) * 1_000_000);
    }

    private void onSlice(String type, JsonNode slice, long now) {
        JsonNode meta = slice.path("metadata");
        String service = ListWatch.text(meta.path("labels").path("kubernetes.io/service-name"));
        if (service == null) {
            return;
        }
        String svc = meta.path("namespace").asString() + "/" + service;
        String name = meta.path("name").asString();
        Map<String, Set<String>> slices =
                readyIpsBySlice.computeIfAbsent(svc, k -> new ConcurrentHashMap<>());
        if (type.equals("DELETED")) {
            slices.remove(name);
        } else {
            Set<String> ready = new HashSet<>();
            for (JsonNode ep : slice.path("endpoints")) {
                JsonNode r = ep.path("conditions").path("ready");
                if (r.isMissingNode() || r.isNull() || r.asBoolean()) {
                    for (JsonNode a : ep.path("addresses")) {
                        ready.add(a.asString());
                    }
                }
            }
            slices.put(name, ready);
        }
        settle(svc, now);
    }

    /** Resolves the pending changes of {@code svc} that its slices now show. */
    private synchronized void settle(String svc, long now) {
        Map<String, Set<String>> slices = readyIpsBySlice.getOrDefault(svc, Map.of());
        Map<String, Long> a = pendingAdds.get(svc);
        if (a != null) {
            for (var e : a.entrySet()) {
                if (slices.values().stream().anyMatch(s -> s.contains(e.getKey()))) {
                    long latency = now - e.getValue();
                    if (latency <= 0) {
                        sliceFirst.incrementAndGet();
                    }
                    adds.record(Math.max(0, latency));
                    a.remove(e.getKey());
                }
            }
        }
        Map<String, Long> r = pendingRemoves.get(svc);
        if (r != null) {
            for (var e : r.entrySet()) {
                if (slices.values().stream().noneMatch(s -> s.contains(e.getKey()))) {
                    removes.record(now - e.getValue());
                    r.remove(e.getKey());
                }
            }
        }
    }

    private void awaitSettled(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((pending(pendingAdds) > 0 || pending(pendingRemoves) > 0)
                && System.nanoTime() < deadline) {
            sleepUntil(System.nanoTime() + 50_000_000L);
        }
    }

    private static int pending(Map<String, Map<String, Long>> m) {
        return m.values().stream().mapToInt(Map::size).sum();
    }

    private static void sleepUntil(long nanoTime) {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
