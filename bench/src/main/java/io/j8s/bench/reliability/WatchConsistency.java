package io.j8s.bench.reliability;

import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Latencies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * W watchers under U updates: every watcher watches the ConfigMaps of one namespace from the same
 * resourceVersion (a list's, taken before the first update), each on its own HTTP connection, while
 * writer threads update those ConfigMaps U times (merge patches, paced at a given rate, each
 * carrying the {@link System#nanoTime()} at which it was sent in {@value #SENT}). The writers
 * record the resourceVersion of every acknowledged update: that set is what each watcher must
 * receive.
 *
 * <p>Per watcher: a <em>gap</em> is an acknowledged update it never received (counted after it
 * received the last one, or 30 s after the writes ended); a <em>duplicate</em> a resourceVersion
 * received twice; <em>out of order</em> a resourceVersion not above the one received before it.
 * <em>Lag</em> is from sending the update to the watcher reading its event, so it includes the
 * write's own latency (as the store and control-plane benchmarks' watch figures do).
 *
 * <p>Not thread-safe: {@link #run} once.
 */
final class WatchConsistency {
    static final String NAMESPACE = "rel-watch";
    static final String SENT = "bench-sent-nanos";
    private static final String RV_MARKER = "\"resourceVersion\":\"";
    private static final String SENT_MARKER = "\"" + SENT + "\":\"";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int WRITERS = 4;

    /**
     * What the phase measured.
     *
     * @param acknowledged updates answered 2xx (each watcher must receive every one)
     * @param deliveries events received, all watchers together
     * @param gaps acknowledged updates a watcher did not receive, all watchers together
     * @param unexpected events whose resourceVersion no writer was given (other writers, failed
     *     writes)
     * @param ended watches the server ended (or that failed) before the phase closed them
     * @param writeRate updates per second the writers achieved
     */
    record Outcome(
            int watchers,
            int updates,
            long acknowledged,
            long failedWrites,
            long deliveries,
            long gaps,
            long duplicates,
            long outOfOrder,
            long unexpected,
            int ended,
            double openSeconds,
            double writeSeconds,
            double writeRate,
            double drainSeconds,
            Latencies.Summary lag) {}

    /** What one watcher received: resourceVersions and lags in arrival order. */
    private static final class Received {
        long[] rvs = new long[1024];
        long[] lags = new long[1024];
        int size;
        volatile long last;

        synchronized void add(long rv, long lag) {
            if (size == rvs.length) {
                rvs = java.util.Arrays.copyOf(rvs, size * 2);
                lags = java.util.Arrays.copyOf(lags, size * 2);
            }
            rvs[size] = rv;
            lags[size] = lag;
            size++;
            last = rv;
        }
    }

    private final ApiClient client;

    WatchConsistency(ApiClient client) {
        this.client = client;
    }

    Outcome run(int watchers, int updates, int rate, int objects) throws Exception {
        client.sendOk(
                "POST",
                "/api/v1/namespaces",
                null,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                        + NAMESPACE
                        + "\"}}");
        String base = "/api/v1/namespaces/" + NAMESPACE + "/configmaps";
        for (int i = 0; i < objects; i++) {
            client.sendOk(
                    "POST",
                    base,
                    null,
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                            + "\"metadata\":{\"name\":\"cm-"
                            + i
                            + "\"},\"data\":{\""
                            + SENT
                            + "\":\"0\"}}");
        }
        JsonNode list = JSON.readTree(client.sendOk("GET", base, null, null).body());
        String from = list.path("metadata").path("resourceVersion").asString();

        List<Received> received = new ArrayList<>();
        AtomicInteger ended = new AtomicInteger();
        List<ApiClient.Stream> streams = new ArrayList<>();
        ExecutorService openers = Executors.newFixedThreadPool(8);
        long openStart = System.nanoTime();
        try {
            List<Future<ApiClient.Stream>> opening = new ArrayList<>();
            for (int w = 0; w < watchers; w++) {
                Received mine = new Received();
                received.add(mine);
                opening.add(
                        openers.submit(
                                () ->
                                        client.stream(
                                                base
                                                        + "?watch=true&timeoutSeconds=3600&resourceVersion="
                                                        + from,
                                                line -> onLine(line, mine),
                                                error -> ended.incrementAndGet(),
                                                Duration.ofSeconds(60))));
            }
            for (Future<ApiClient.Stream> f : opening) {
                streams.add(f.get());
            }
            double openSeconds = (System.nanoTime() - openStart) / 1e9;

            Set<Long> acked = ConcurrentHashMap.newKeySet();
            AtomicLong failed = new AtomicLong();
            AtomicInteger next = new AtomicInteger();
            long writeStart = System.nanoTime();
            long intervalNanos = rate <= 0 ? 0 : 1_000_000_000L / rate;
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                Thread writer =
                        new Thread(
                                () -> {
                                    for (int k; (k = next.getAndIncrement()) < updates; ) {
                                        long due = writeStart + k * intervalNanos;
                                        for (long now; (now = System.nanoTime()) < due; ) {
                                            java.util.concurrent.locks.LockSupport.parkNanos(
                                                    due - now);
                                        }
                                        long sent = System.nanoTime();
                                        try {
                                            ApiClient.Response r =
                                                    client.send(
                                                            "PATCH",
                                                            base + "/cm-" + (k % objects),
                                                            "application/merge-patch+json",
                                                            "{\"data\":{\""
                                                                    + SENT
                                                                    + "\":\""
                                                                    + sent
                                                                    + "\"}}");
                                            if (r.status() / 100 == 2) {
                                                acked.add(KillWrites.resourceVersion(r.text()));
                                            } else {
                                                failed.incrementAndGet();
                                            }
                                        } catch (RuntimeException e) {
                                            failed.incrementAndGet(); // not acknowledged: no
                                            // watcher is expected to
                                            // see it
                                        }
                                    }
                                },
                                "watch-writer-" + t);
                writer.setDaemon(true);
                writers.add(writer);
                writer.start();
            }
            for (Thread w : writers) {
                w.join();
            }
            double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
            long newest = acked.stream().mapToLong(Long::longValue).max().orElse(0);
            long drainStart = System.nanoTime();
            long deadline = drainStart + Duration.ofSeconds(30).toNanos();
            for (Received r : received) {
                while (r.last < newest && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            }
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            int endedEarly = ended.get();
            streams.forEach(ApiClient.Stream::close);

            long deliveries = 0;
            long gaps = 0;
            long duplicates = 0;
            long outOfOrder = 0;
            long unexpected = 0;
            Latencies lag = new Latencies();
            for (Received r : received) {
                synchronized (r) {
                    Set<Long> seen = new HashSet<>();
                    long previous = 0;
                    for (int i = 0; i < r.size; i++) {
                        long rv = r.rvs[i];
                        deliveries++;
                        if (!seen.add(rv)) {
                            duplicates++;
                        }
                        if (rv <= previous) {
                            outOfOrder++;
                        }
                        previous = rv;
                        if (!acked.contains(rv)) {
                            unexpected++;
                        }
                        lag.record(r.lags[i]);
                    }
                    for (long rv : acked) {
                        if (!seen.contains(rv)) {
                            gaps++;
                        }
                    }
                }
            }
            return new Outcome(
                    watchers,
                    updates,
                    acked.size(),
                    failed.get(),
                    deliveries,
                    gaps,
                    duplicates,
                    outOfOrder,
                    unexpected,
                    endedEarly,
                    openSeconds,
                    writeSeconds,
                    acked.size() / writeSeconds,
                    drainSeconds,
                    lag.summary());
        } finally {
            openers.shutdownNow();
            streams.forEach(ApiClient.Stream::close);
        }
    }

    /**
     * One event line: its resourceVersion and lag, read by string search (200 watchers parse a
     * million lines).
     */
    private static void onLine(String line, Received mine) {
        long now = System.nanoTime();
        if (line.startsWith("{\"type\":\"BOOKMARK\"")) {
            return;
        }
        if (line.startsWith("{\"type\":\"ERROR\"")) {
            return; // the server ends the stream after it: counted as ended
        }
        int at = line.indexOf(RV_MARKER);
        int sentAt = line.indexOf(SENT_MARKER);
        if (at < 0 || sentAt < 0) {
            return;
        }
        int from = at + RV_MARKER.length();
        long rv = Long.parseLong(line.substring(from, line.indexOf('"', from)));
        int sentFrom = sentAt + SENT_MARKER.length();
        long sent = Long.parseLong(line.substring(sentFrom, line.indexOf('"', sentFrom)));
        mine.add(rv, now - sent);
    }
}
