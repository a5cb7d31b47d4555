package io.j8s.client.workqueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.client.clock.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private final FakeClock scheduler = new FakeClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkQueue<String> queue =
            new WorkQueue<>(
                    "test", ExponentialBackoffRateLimiter.controllerDefault(), scheduler, registry);

    @Test
    void add_sameKeyTwice_isQueuedOnce() throws Exception {
        queue.add("a");
        queue.add("a");
        queue.add("b");

        assertThat(queue.length()).isEqualTo(2);
        assertThat(queue.get()).isEqualTo("a");
        assertThat(queue.get()).isEqualTo("b");
        assertThat(registry.get("j8s_workqueue_adds_total").counter().count()).isEqualTo(2.0);
    }

    @Test
    void add_whileProcessing_isHeldBackUntilDone() throws Exception {
        queue.add("a");
        String taken = queue.get();
        queue.add("a");

        assertThat(queue.length()).as("not handed out while a worker holds it").isZero();
        assertThat(queue.poll(Duration.ofMillis(20))).isNull();

        queue.done(taken);
        assertThat(queue.length()).isEqualTo(1);
        assertThat(queue.get()).isEqualTo("a");
    }

    @Test
    void done_withoutNewAdd_doesNotRequeue() throws Exception {
        queue.add("a");
        queue.done(queue.get());
        assertThat(queue.length()).isZero();
    }

    @Test
    void get_neverHandsOneKeyToTwoWorkersAtOnce() throws Exception {
        int workers = 4;
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        AtomicBoolean overlap = new AtomicBoolean();
        AtomicInteger processed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    String key;
                                    while ((key = queue.get()) != null) {
                                        AtomicInteger n =
                                                inFlight.computeIfAbsent(
                                                        key, k -> new AtomicInteger());
                                        if (n.incrementAndGet() > 1) {
                                            overlap.set(true);
                                        }
                                        Thread.sleep(1);
                                        n.decrementAndGet();
                                        processed.incrementAndGet();
                                        queue.done(key);
                                    }
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
            threads.add(t);
            t.start();
        }
        for (int round = 0; round < 200; round++) {
            queue.add("key-" + (round % 3));
        }
        // let the workers drain, then stop them
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(
                        () ->
                                queue.length() == 0
                                        && inFlight.values().stream().allMatch(n -> n.get() == 0));
        queue.shutDown();
        for (Thread t : threads) {
            t.join(5000);
        }
        assertThat(overlap).isFalse();
        assertThat(processed.get()).isBetween(3, 200);
    }

    @Test
    void addRateLimited_backsOffExponentiallyFrom5ms() {
        queue.addRateLimited("a");
        scheduler.advance(Duration.ofMillis(4));
        assertThat(queue.length()).isZero();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(queue.length()).isEqualTo(1);
        assertThat(queue.numRequeues("a")).isEqualTo(1);

        queue.addRateLimited("b");
        queue.addRateLimited(
                "b"); // second failure of b: 10 ms, but the 5 ms wait is earlier and wins
        assertThat(queue.numRequeues("b")).isEqualTo(2);
        scheduler.advance(Duration.ofMillis(5));
        assertThat(queue.length()).isEqualTo(2);
    }

    @Test
    void forget_resetsBackOff() {
        ExponentialBackoffRateLimiter<String> limiter =
                ExponentialBackoffRateLimiter.controllerDefault();
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(10));
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(20));
        assertThat(limiter.numRequeues("a")).isEqualTo(3);
        limiter.forget("a");
        assertThat(limiter.numRequeues("a")).isZero();
        assertThat(limiter.when("a")).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void rateLimiter_isCapped() {
        ExponentialBackoffRateLimiter<String> limiter =
                new ExponentialBackoffRateLimiter<>(Duration.ofMillis(5), Duration.ofSeconds(1));
        Duration last = Duration.ZERO;
        for (int i = 0; i < 100; i++) {
            last = limiter.when("a");
        }
        assertThat(last).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void addAfter_earlierTimeWins() {
        queue.addAfter("a", Duration.ofSeconds(10));
        queue.addAfter("a", Duration.ofSeconds(1));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(queue.length()).isEqualTo(1);
        queue.addAfter("b", Duration.ofSeconds(1));
        queue.addAfter("b", Duration.ofSeconds(10));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(queue.length()).isEqualTo(2);
    }

    @Test
    void shutDown_drainsQueuedItemsThenReturnsNull() throws Exception {
        queue.add("a");
        queue.shutDown();
        queue.add("b");

        assertThat(queue.get()).isEqualTo("a");
        assertThat(queue.get()).isNull();
        assertThat(queue.isShuttingDown()).isTrue();
    }

    @Test
    void shutDown_wakesBlockedWorkers() throws Exception {
        CountDownLatch returned = new CountDownLatch(1);
        List<String> got = Collections.synchronizedList(new ArrayList<>());
        Thread worker =
                new Thread(
                        () -> {
                            try {
                                got.add(String.valueOf(queue.get()));
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            returned.countDown();
                        });
        worker.start();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> worker.getState() == Thread.State.WAITING); // blocked in get()
        queue.shutDown();
        assertThat(returned.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(got).containsExactly("null");
    }

    @Test
    void shutDownWithDrain_waitsForItemsInProcessing() throws Exception {
        queue.add("a");
        String taken = queue.get();
        assertThat(queue.shutDownWithDrain(Duration.ofMillis(20))).isFalse();
        queue.done(taken);
        assertThat(queue.shutDownWithDrain(Duration.ofMillis(20))).isTrue();
    }

    @Test
    void depthGauge_reportsQueueLength() {
        queue.add("a");
        queue.add("b");
        assertThat(registry.get("j8s_workqueue_depth").tag("name", "test").gauge().value())
                .isEqualTo(2.0);
    }
}
