package io.j8s.client.workqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.j8s.client.clock.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutorWorkerTest {

    private final FakeClock clock = new FakeClock();
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final WorkQueue<String> queue =
            new WorkQueue<>(
                    "test",
                    new ExponentialBackoffRateLimiter<>(
                            Duration.ofSeconds(1), Duration.ofSeconds(10)),
                    clock,
                    new SimpleMeterRegistry());

    @AfterEach
    void tearDown() {
        queue.shutDown();
        executor.shutdownNow();
    }

    @Test
    void processesEveryItem_oneAtATime_andAnItemAddedWhileProcessedOnceMore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        List<String> processed = new CopyOnWriteArrayList<>();
        new ExecutorWorker<>(
                queue,
                executor,
                0,
                item -> {
                    maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    try {
                        if (item.equals("a") && processed.isEmpty()) {
                            release.await(5, TimeUnit.SECONDS);
                        }
                        processed.add(item);
                        return true;
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        concurrent.decrementAndGet();
                    }
                });
        queue.add("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> queue.isProcessing("a"));
        queue.add("a"); // while processed: once more afterwards
        queue.add("b");
        queue.add("b"); // queued twice: once
        release.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> processed.size() == 3);
        assertThat(processed)
                .as("a re-added while processed goes to the back")
                .containsExactly("a", "b", "a");
        assertThat(maxConcurrent.get()).isEqualTo(1);
        assertThat(queue.length()).isZero();
    }

    @Test
    void failures_areRetriedWithBackoff_untilMaxRetries() {
        AtomicInteger attempts = new AtomicInteger();
        new ExecutorWorker<>(
                queue,
                executor,
                2,
                item -> {
                    attempts.incrementAndGet();
                    throw new IllegalStateException("boom");
                });
        queue.add("a");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> attempts.get() == 1 && !queue.isProcessing("a"));
        clock.advance(Duration.ofMillis(999));
        assertThat(attempts.get()).as("the first retry waits 1 s").isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> attempts.get() == 2 && !queue.isProcessing("a"));
        clock.advance(Duration.ofSeconds(2));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> attempts.get() == 3 && !queue.isProcessing("a"));
        clock.advance(Duration.ofSeconds(60));
        assertThat(attempts.get()).as("dropped after 2 retries").isEqualTo(3);
        assertThat(clock.pending()).isZero();
        assertThat(queue.numRequeues("a")).isZero();
    }

    @Test
    void falseMeansRetry_successForgetsTheBackoff() {
        AtomicInteger attempts = new AtomicInteger();
        new ExecutorWorker<>(queue, executor, 10, item -> attempts.incrementAndGet() >= 2);
        queue.add("a");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> attempts.get() == 1 && !queue.isProcessing("a"));
        assertThat(queue.numRequeues("a")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> attempts.get() == 2 && !queue.isProcessing("a"));
        assertThat(queue.numRequeues("a")).isZero();
    }
}
