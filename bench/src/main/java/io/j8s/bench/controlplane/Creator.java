package io.j8s.bench.controlplane;

import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Latencies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issues a list of mutating calls with N concurrent clients, each taking the next call as soon as
 * its previous one was answered (closed loop, no think time), and records each call's latency
 * (request sent to response received) per kind. A 429 or 5xx answer is retried after a short pause
 * and counted; any other non-2xx answer fails the run.
 *
 * <p>Not thread-safe: one {@link #run} at a time.
 */
final class Creator {
    /** One call. */
    record Call(String kind, String method, String path, String body) {}

    /** What a run of calls measured. */
    record Outcome(
            int calls, double seconds, Latencies all, Map<String, Latencies> byKind, long retries) {
        double callsPerSecond() {
            return calls / seconds;
        }
    }

    private final ApiClient client;
    private final int clients;

    Creator(ApiClient client, int clients) {
        this.client = client;
        this.clients = clients;
    }

    Outcome run(List<Call> calls) {
        Latencies all = new Latencies();
        Map<String, Latencies> byKind = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicLong retries = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < clients; w++) {
                workers.add(
                        pool.submit(
                                () -> {
                                    for (int i = next.getAndIncrement();
                                            i < calls.size();
                                            i = next.getAndIncrement()) {
                                        Call c = calls.get(i);
                                        long nanos = issue(c, retries);
                                        all.record(nanos);
                                        byKind.computeIfAbsent(c.kind(), k -> new Latencies())
                                                .record(nanos);
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(
                    "a client failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(calls.size(), seconds, all, Map.copyOf(byKind), retries.get());
    }

    /** One call with its retries; returns the time from the first request to the final answer. */
    private long issue(Call c, AtomicLong retries) throws InterruptedException {
        long start = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            ApiClient.Response r = client.send(c.method(), c.path(), null, c.body());
            if (r.status() / 100 == 2) {
                return System.nanoTime() - start;
            }
            if ((r.status() == 429 || r.status() >= 500) && attempt < 10) {
                retries.incrementAndGet();
                Thread.sleep(50L << Math.min(attempt, 4));
                continue;
            }
            throw new IllegalStateException(
                    c.method() + " " + c.path() + " answered " + r.status() + ": " + r.text());
        }
    }
}
