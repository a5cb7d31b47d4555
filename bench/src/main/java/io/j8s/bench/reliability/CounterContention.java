package io.j8s.bench.reliability;

import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Latencies;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Optimistic concurrency on one object: W writers each make M increments of a counter in one
 * ConfigMap's data, each by reading it (GET), incrementing, and writing it back (PUT) with the
 * resourceVersion it read; a 409 Conflict (someone else wrote in between) means read again and
 * retry. With a correct compare-and-swap the final count is exactly W x M and every lost race shows
 * as a 409.
 *
 * <p>Not thread-safe: {@link #run} once.
 */
final class CounterContention {
    static final String NAMESPACE = "rel-counter";
    static final String NAME = "counter";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * What the phase measured.
     *
     * @param finalCount the counter read at the end
     * @param successes PUTs answered 200
     * @param conflicts PUTs answered 409
     * @param success latency of a successful increment, from its first GET to its 200 (retries
     *     included)
     */
    record Outcome(
            int writers,
            int increments,
            long finalCount,
            long successes,
            long conflicts,
            long errors,
            List<String> errorSamples,
            double seconds,
            Latencies.Summary success) {
        long expected() {
            return (long) writers * increments;
        }
    }

    private final ApiClient client;
    private final AtomicLong successes = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private final Latencies latency = new Latencies();

    CounterContention(ApiClient client) {
        this.client = client;
    }

    Outcome run(int writers, int increments) throws InterruptedException {
        client.sendOk(
                "POST",
                "/api/v1/namespaces",
                null,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                        + NAMESPACE
                        + "\"}}");
        String base = "/api/v1/namespaces/" + NAMESPACE + "/configmaps";
        client.sendOk(
                "POST",
                base,
                null,
                "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                        + NAME
                        + "\"},\"data\":{\"count\":\"0\"}}");
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            Thread t =
                    new Thread(
                            () -> increment(base + "/" + NAME, increments), "counter-writer-" + w);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join(600_000);
            if (t.isAlive()) {
                throw new IllegalStateException(t.getName() + " did not finish within 10 min");
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        JsonNode last = JSON.readTree(client.sendOk("GET", base + "/" + NAME, null, null).body());
        long count = Long.parseLong(last.path("data").path("count").asString());
        return new Outcome(
                writers,
                increments,
                count,
                successes.get(),
                conflicts.get(),
                errors.get(),
                List.copyOf(samples),
                seconds,
                latency.summary());
    }

    private void increment(String path, int increments) {
        for (int done = 0; done < increments; ) {
            long began = System.nanoTime();
            while (true) {
                ApiClient.Response got;
                try {
                    got = client.send("GET", path, null, null);
                } catch (RuntimeException e) {
                    error("GET failed: " + e.getMessage());
                    continue;
                }
                if (got.status() != 200) {
                    error("GET " + got.status() + ": " + got.text());
                    continue;
                }
                ObjectNode cm = (ObjectNode) JSON.readTree(got.body());
                long count = Long.parseLong(cm.path("data").path("count").asString());
                ((ObjectNode) cm.path("data")).put("count", Long.toString(count + 1));
                // metadata.resourceVersion stays as read: the update is a compare-and-swap on it.
                ApiClient.Response put;
                try {
                    put = client.send("PUT", path, null, JSON.writeValueAsString(cm));
                } catch (RuntimeException e) {
                    error("PUT failed: " + e.getMessage());
                    continue;
                }
                if (put.status() == 200) {
                    successes.incrementAndGet();
                    latency.record(System.nanoTime() - began);
                    done++;
                    break;
                } else if (put.status() == 409) {
                    conflicts.incrementAndGet();
                } else {
                    error("PUT " + put.status() + ": " + put.text());
                }
            }
        }
    }

    private void error(String text) {
        if (errors.incrementAndGet() > 1_000) {
            throw new IllegalStateException("more than 1,000 failed calls; last: " + text);
        }
        if (samples.size() < 5) {
            samples.add(text);
        }
    }
}
