package io.j8s.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.j8s.client.clock.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Time is a {@link FakeClock}: runs happen on the test's thread when it advances the clock. */
class SyncRunnerTest {

    private final FakeClock clock = new FakeClock();

    private SyncRunner runner(Duration min, Duration max, Runnable fn) {
        return new SyncRunner("test-sync", min, max, fn, clock);
    }

    @Test
    void request_burstIsCoalescedIntoOneRun() {
        AtomicInteger runs = new AtomicInteger();
        try (SyncRunner runner =
                runner(Duration.ofMillis(200), Duration.ofMinutes(10), runs::incrementAndGet)) {
            runner.start();
            for (int i = 0; i < 1000; i++) {
                runner.request();
            }
            clock.advance(Duration.ZERO);
            assertThat(runs.get())
                    .as("the first request runs at once, the rest of the burst with it")
                    .isEqualTo(1);
            clock.advance(Duration.ofMinutes(1));
            assertThat(runs.get()).isEqualTo(1);
        }
    }

    @Test
    void request_neverRunsSoonerThanMinIntervalAfterThePreviousRun() {
        List<Long> starts = new ArrayList<>();
        try (SyncRunner runner =
                runner(
                        Duration.ofMillis(150),
                        Duration.ofMinutes(10),
                        () -> starts.add(clock.nanoTime()))) {
            runner.start();
            for (int i = 0; i < 140; i++) { // a request every 5 ms for 700 ms
                runner.request();
                clock.advance(Duration.ofMillis(5));
            }
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(starts)
                .as(
                        "a run every 150 ms while requests come, the last for the requests after 600 ms")
                .containsExactly(0L, ms(150), ms(300), ms(450), ms(600), ms(750));
    }

    private static long ms(long millis) {
        return Duration.ofMillis(millis).toNanos();
    }

    @Test
    void request_afterMinIntervalHasPassed_runsAtOnce() {
        AtomicInteger runs = new AtomicInteger();
        try (SyncRunner runner =
                runner(Duration.ofMillis(200), Duration.ofMinutes(10), runs::incrementAndGet)) {
            runner.start();
            runner.request();
            clock.advance(Duration.ZERO);
            runner.request();
            clock.advance(Duration.ofMillis(199));
            assertThat(runs.get()).isEqualTo(1);
            clock.advance(Duration.ofMillis(1));
            assertThat(runs.get()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(1));
            runner.request();
            clock.advance(Duration.ZERO);
            assertThat(runs.get()).isEqualTo(3);
        }
    }

    @Test
    void start_runsRequestsMadeBeforeIt_andThenPeriodically() {
        AtomicInteger runs = new AtomicInteger();
        try (SyncRunner runner =
                runner(Duration.ZERO, Duration.ofMillis(50), runs::incrementAndGet)) {
            runner.request();
            clock.advance(Duration.ofMillis(100));
            assertThat(runs.get()).isZero();

            runner.start();
            clock.advance(Duration.ZERO);
            assertThat(runs.get()).isEqualTo(1);
            clock.advance(Duration.ofMillis(49));
            assertThat(runs.get()).isEqualTo(1);
            clock.advance(Duration.ofMillis(1));
            assertThat(runs.get()).isEqualTo(2);
            clock.advance(Duration.ofMillis(100));
            assertThat(runs.get()).isEqualTo(4);
        }
    }

    @Test
    void run_survivesExceptions() {
        AtomicInteger runs = new AtomicInteger();
        try (SyncRunner runner =
                runner(
                        Duration.ZERO,
                        Duration.ofMinutes(1),
                        () -> {
                            runs.incrementAndGet();
                            throw new IllegalStateException("boom");
                        })) {
            runner.start();
            runner.request();
            clock.advance(Duration.ZERO);
            assertThat(runs.get()).isEqualTo(1);
            runner.request();
            clock.advance(Duration.ZERO);
            assertThat(runs.get()).isEqualTo(2);
        }
    }

    @Test
    void close_stopsFurtherRuns() {
        AtomicInteger runs = new AtomicInteger();
        SyncRunner runner = runner(Duration.ZERO, Duration.ofMillis(20), runs::incrementAndGet);
        runner.start();
        clock.advance(Duration.ofMillis(20));
        assertThat(runs.get()).isEqualTo(1);

        runner.close();
        runner.request();
        clock.advance(Duration.ofSeconds(1));

        assertThat(runs.get()).isEqualTo(1);
        assertThat(clock.pending()).as("no timer left behind").isZero();
    }

    @Test
    void ownThread_runsRequests_andCloseStopsIt() {
        AtomicInteger runs = new AtomicInteger();
        SyncRunner runner =
                new SyncRunner(
                        "test-sync", Duration.ZERO, Duration.ofMinutes(10), runs::incrementAndGet);
        runner.start();
        runner.request();
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
        runner.close();
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals("test-sync") && t.isAlive());
    }
}
