package io.j8s.store.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.j8s.store.KeyValue;
import io.j8s.store.RecordingListener;
import io.j8s.store.StoreException;
import io.j8s.store.WatchEvent;
import io.j8s.store.WatchListener;
import io.j8s.store.WatchOverflowException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BufferedWatchTest {
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final AtomicInteger ended = new AtomicInteger();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void offer_deliversEveryEventInOrderWithoutOverlappingCalls() {
        RecordingListener listener = new RecordingListener();
        BufferedWatch watch =
                new BufferedWatch("t", 100_000, executor, listener, null, ended::incrementAndGet);

        for (long rev = 1; rev <= 5_000; rev++) {
            watch.offer(List.of(event(rev)));
        }

        List<WatchEvent> events = listener.awaitEvents(5_000);
        assertThat(events)
                .extracting(WatchEvent::revision)
                .isSorted()
                .doesNotHaveDuplicates()
                .hasSize(5_000);
        assertThat(listener.violations()).isZero();
        assertThat(ended.get()).isZero();
    }

    @Test
    void offer_beyondCapacity_endsTheWatchWithOverflowOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        RecordingListener recorder = new RecordingListener();
        WatchListener stuck =
                new WatchListener() {
                    @Override
                    public void onEvents(List<WatchEvent> events) {
                        awaitLatch(release);
                        recorder.onEvents(events);
                    }

                    @Override
                    public void onError(StoreException error) {
                        recorder.onError(error);
                    }
                };
        BufferedWatch watch =
                new BufferedWatch("t", 10, executor, stuck, null, ended::incrementAndGet);

        watch.offer(List.of(event(1)));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> watch.buffered() == 0); // taken by the stuck call
        for (long rev = 2; rev <= 20; rev++) {
            watch.offer(List.of(event(rev))); // never blocks
        }
        assertThat(watch.isDone()).isTrue();
        release.countDown();

        assertThat(recorder.awaitError()).isInstanceOf(WatchOverflowException.class);
        assertThat(recorder.events()).extracting(WatchEvent::revision).containsExactly(1L);
        await().atMost(Duration.ofSeconds(5)).until(() -> ended.get() == 1);
        assertThat(recorder.violations()).isZero();
    }

    @Test
    void replay_isDeliveredBeforeLiveEventsOfferedMeanwhile() {
        RecordingListener listener = new RecordingListener();
        CountDownLatch replayStarted = new CountDownLatch(1);
        CountDownLatch liveOffered = new CountDownLatch(1);
        BufferedWatch watch =
                new BufferedWatch(
                        "t",
                        100,
                        executor,
                        listener,
                        sink -> {
                            replayStarted.countDown();
                            awaitLatch(liveOffered);
                            sink.deliver(List.of(event(1), event(2)));
                            sink.deliver(List.of(event(3)));
                        },
                        ended::incrementAndGet);

        awaitLatch(replayStarted);
        watch.offer(List.of(event(4)));
        liveOffered.countDown();

        assertThat(listener.awaitEvents(4))
                .extracting(WatchEvent::revision)
                .containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void close_stopsDeliveryAndRunsOnEndOnce() {
        RecordingListener listener = new RecordingListener();
        BufferedWatch watch =
                new BufferedWatch("t", 100, executor, listener, null, ended::incrementAndGet);
        watch.offer(List.of(event(1)));
        listener.awaitEvents(1);

        watch.close();
        watch.close();
        watch.offer(List.of(event(2)));
        watch.fail(new StoreException("late"));

        await().during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(2))
                .until(() -> listener.size() == 1);
        assertThat(listener.error()).isNull();
        assertThat(ended.get()).isEqualTo(1);
    }

    @Test
    void listenerThatThrows_endsTheWatchSoTheCallerRelists() {
        List<StoreException> errors = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        BufferedWatch watch =
                new BufferedWatch(
                        "t",
                        100,
                        executor,
                        new WatchListener() {
                            @Override
                            public void onEvents(List<WatchEvent> events) {
                                calls.incrementAndGet();
                                throw new IllegalStateException("bug in listener");
                            }

                            @Override
                            public synchronized void onError(StoreException error) {
                                errors.add(error);
                            }
                        },
                        null,
                        ended::incrementAndGet);

        watch.offer(List.of(event(1)));

        await().atMost(Duration.ofSeconds(5)).until(() -> ended.get() == 1);
        assertThat(errors)
                .singleElement()
                .satisfies(e -> assertThat(e).hasCauseInstanceOf(IllegalStateException.class));
        watch.offer(List.of(event(2)));
        assertThat(calls.get()).isEqualTo(1);
    }

    private static WatchEvent event(long rev) {
        return new WatchEvent(
                WatchEvent.Type.PUT, new KeyValue("/registry/k", new byte[0], rev, rev), null);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
