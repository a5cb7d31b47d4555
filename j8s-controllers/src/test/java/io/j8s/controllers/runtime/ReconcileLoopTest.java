package io.j8s.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.StaleCacheException;
import io.j8s.client.clock.FakeClock;
import io.j8s.client.workqueue.ExponentialBackoffRateLimiter;
import io.j8s.client.workqueue.WorkQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReconcileLoopTest {

    private final FakeClock scheduler = new FakeClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkQueue<String> queue =
            new WorkQueue<>(
                    "loop", ExponentialBackoffRateLimiter.controllerDefault(), scheduler, registry);

    private ReconcileLoop loop(Reconciler reconciler, int maxRetries) {
        return new ReconcileLoop("loop", queue, reconciler, 1, maxRetries, List.of(), registry);
    }

    @Test
    void processNextWorkItem_successForgetsBackOff() throws Exception {
        ReconcileLoop loop = loop(key -> Result.done(), 3);
        queue.addRateLimited("ns/a");
        scheduler.advance(Duration.ofMillis(5));
        assertThat(queue.numRequeues("ns/a")).isEqualTo(1);

        assertThat(loop.processNextWorkItem()).isTrue();
        assertThat(queue.numRequeues("ns/a")).isZero();
        assertThat(queue.isProcessing("ns/a")).isFalse();
    }

    @Test
    void processNextWorkItem_errorRetriesWithBackOffUpToTheCap() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ReconcileLoop loop =
                loop(
                        key -> {
                            calls.incrementAndGet();
                            throw new IllegalStateException("boom");
                        },
                        2);
        queue.add("ns/a");

        loop.processNextWorkItem();
        assertThat(queue.length()).as("retry waits 5 ms").isZero();
        scheduler.advance(Duration.ofMillis(5));
        loop.processNextWorkItem();
        scheduler.advance(Duration.ofMillis(10));
        loop.processNextWorkItem();
        scheduler.advance(Duration.ofSeconds(10));

        assertThat(calls.get()).isEqualTo(3);
        assertThat(queue.length()).as("dropped after 2 retries").isZero();
        assertThat(queue.numRequeues("ns/a")).isZero();
        assertThat(registry.get("j8s_controller_dropped_total").counter().count()).isEqualTo(1.0);
        assertThat(registry.get("j8s_controller_retries_total").counter().count()).isEqualTo(2.0);
    }

    @Test
    void processNextWorkItem_terminalErrorsAreNotRetried() throws Exception {
        List<String> seen = new ArrayList<>();
        ReconcileLoop loop =
                loop(
                        key -> {
                            seen.add(key);
                            if (key.endsWith("invalid")) {
                                throw new KubernetesClientException("Invalid", 422, null);
                            }
                            throw new TerminalException("hopeless");
                        },
                        5);
        queue.add("ns/invalid");
        queue.add("ns/hopeless");
        loop.processNextWorkItem();
        loop.processNextWorkItem();
        scheduler.advance(Duration.ofSeconds(10));

        assertThat(seen).containsExactly("ns/invalid", "ns/hopeless");
        assertThat(queue.length()).isZero();
    }

    @Test
    void processNextWorkItem_conflictsAndStaleCachesAreRetriedLikeAnyError() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        ReconcileLoop loop =
                loop(
                        key -> {
                            if (calls.incrementAndGet() == 1) {
                                throw new KubernetesClientException(
                                        "the object has been modified", 409, null);
                            }
                            if (calls.get() == 2) {
                                throw new StaleCacheException("older than our last write");
                            }
                            return Result.done();
                        },
                        5);
        queue.add("ns/a");
        loop.processNextWorkItem();
        scheduler.advance(Duration.ofMillis(5));
        loop.processNextWorkItem();
        scheduler.advance(Duration.ofMillis(10));
        loop.processNextWorkItem();

        assertThat(calls.get()).isEqualTo(3);
        assertThat(registry.get("j8s_controller_retries_total").counter().count()).isEqualTo(2.0);
        assertThat(ReconcileLoop.isRace(new StaleCacheException("x"))).isTrue();
        assertThat(ReconcileLoop.isRace(new KubernetesClientException("x", 409, null))).isTrue();
        assertThat(ReconcileLoop.isRace(new KubernetesClientException("x", 500, null))).isFalse();
    }

    @Test
    void processNextWorkItem_requeueAfterIsHonoured() throws Exception {
        ReconcileLoop loop = loop(key -> Result.requeueAfter(Duration.ofSeconds(30)), 5);
        queue.add("ns/a");
        loop.processNextWorkItem();
        scheduler.advance(Duration.ofSeconds(29));
        assertThat(queue.length()).isZero();
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(queue.length()).isEqualTo(1);
    }

    @Test
    void start_waitsForCachesThenStopsCleanly() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        boolean[] synced = {false};
        ReconcileLoop loop =
                new ReconcileLoop(
                        "loop",
                        queue,
                        key -> {
                            calls.incrementAndGet();
                            return Result.done();
                        },
                        2,
                        3,
                        List.of(() -> synced[0]),
                        registry);
        queue.add("ns/a");
        loop.start();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> scheduler.sleepers() == 1);
        scheduler.advance(Duration.ofMillis(50));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> scheduler.sleepers() == 1);
        assertThat(calls.get()).as("no work before the caches sync").isZero();
        synced[0] = true;
        scheduler.advance(Duration.ofMillis(50));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> calls.get() == 1);
        loop.stop();
        assertThat(queue.isShuttingDown()).isTrue();
    }
}
