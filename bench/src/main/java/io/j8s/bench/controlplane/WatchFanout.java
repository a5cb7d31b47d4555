package io.j8s.bench.controlplane;

import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Latencies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Watch fan-out: W concurrent watches of all Pods (each its own HTTP connection), then K changes of
 * one Pod, one at a time (an annotation {@value #ANNOTATION} set to the change's number by a merge
 * patch). Delivery latency is from sending the patch to the arrival of its event at each watcher,
 * so it includes the write itself, as the store benchmark's watch figures do. A change counts as
 * dropped for a watcher that has not received it 10 s after it was made, or whose watch ended.
 *
 * <p>Not thread-safe: {@link #run} once.
 */
final class WatchFanout {
    static final String ANNOTATION = "bench.j8s.io/seq";
    private static final String MARKER = "\"" + ANNOTATION + "\":\"";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the phase measured. */
    record Outcome(
            int watchers,
            int changes,
            double openSeconds,
            Latencies delivery,
            long dropped,
            int endedEarly) {}

    private final ApiClient client;

    WatchFanout(ApiClient client) {
        this.client = client;
    }

    Outcome run(int watchers, int changes, String podNamespace, String podName) {
        JsonNode list =
                JSON.readTree(client.sendOk("GET", "/api/v1/pods?limit=1", null, null).body());
        String rv = list.path("metadata").path("resourceVersion").asString();
        AtomicLongArray received = new AtomicLongArray(watchers * changes);
        AtomicInteger ended = new AtomicInteger();
        List<ApiClient.Stream> streams = new ArrayList<>();
        ExecutorService openers = Executors.newFixedThreadPool(8);
        long openStart = System.nanoTime();
        try {
            List<Future<ApiClient.Stream>> opening = new ArrayList<>();
            for (int w = 0; w < watchers; w++) {
                int watcher = w;
                opening.add(
                        openers.submit(
                                () ->
                                        client.stream(
                                                "/api/v1/pods?watch=true&timeoutSeconds=3600&resourceVersion="
                                                        + rv,
                                                line -> onLine(line, watcher, changes, received),
                                                error -> ended.incrementAndGet(),
                                                Duration.ofSeconds(60))));
            }
            for (Future<ApiClient.Stream> f : opening) {
                streams.add(f.get());
            }
            double openSeconds = (System.nanoTime() - openStart) / 1e9;
            long[] sent = new long[changes];
            String path = "/api/v1/namespaces/" + podNamespace + "/pods/" + podName;
            for (int k = 0; k < changes; k++) {
                sent[k] = System.nanoTime();
                client.sendOk(
                        "PATCH",
                        path,
                        "application/merge-patch+json",
                        "{\"metadata\":{\"annotations\":{\"" + ANNOTATION + "\":\"" + k + "\"}}}");
                awaitAll(
                        received, watchers, changes, k, sent[k] + Duration.ofSeconds(10).toNanos());
                // A pause between changes, so each is measured alone rather than queued behind the
                // last.
                Thread.sleep(100);
            }
            Latencies delivery = new Latencies();
            long dropped = 0;
            for (int w = 0; w < watchers; w++) {
                for (int k = 0; k < changes; k++) {
                    long t = received.get(w * changes + k);
                    if (t == 0) {
                        dropped++;
                    } else {
                        delivery.record(t - sent[k]);
                    }
                }
            }
            return new Outcome(watchers, changes, openSeconds, delivery, dropped, ended.get());
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(
                    "opening a watch failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            openers.shutdownNow();
            streams.forEach(ApiClient.Stream::close);
        }
    }

    /** Notes the arrival of a marked change; other events (other Pods' changes) are ignored. */
    private static void onLine(String line, int watcher, int changes, AtomicLongArray received) {
        long now = System.nanoTime();
        int at = line.indexOf(MARKER);
        if (at < 0) {
            return;
        }
        int from = at + MARKER.length();
        int k = Integer.parseInt(line.substring(from, line.indexOf('"', from)));
        if (k >= 0 && k < changes) {
            received.compareAndSet(watcher * changes + k, 0, now);
        }
    }

    private static void awaitAll(
            AtomicLongArray received, int watchers, int changes, int k, long deadline)
            throws InterruptedException {
        for (int w = 0; w < watchers; w++) {
            while (received.get(w * changes + k) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
        }
    }
}
