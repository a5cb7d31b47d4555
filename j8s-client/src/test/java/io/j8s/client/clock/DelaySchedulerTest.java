package io.j8s.client.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DelaySchedulerTest {

    private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void oneShot_runsOnceAtItsDueTime_withTheClockAtThatTime() {
        List<Instant> runs = new ArrayList<>();
        DelayScheduler.Timer t =
                clock.schedule(Duration.ofSeconds(2), () -> runs.add(clock.instant()));
        assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(2));
        clock.advance(Duration.ofMillis(1999));
        assertThat(runs).isEmpty();
        assertThat(t.isDone()).isFalse();
        clock.advance(Duration.ofSeconds(5));
        assertThat(runs).containsExactly(Instant.parse("2026-01-01T00:00:02Z"));
        assertThat(t.isDone()).isTrue();
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:06.999Z"));
    }

    @Test
    void cancelledOneShot_neverRuns_andIsNoLongerPending() {
        List<String> runs = new ArrayList<>();
        DelayScheduler.Timer t = clock.schedule(Duration.ofSeconds(1), () -> runs.add("a"));
        t.cancel();
        assertThat(t.isDone()).isTrue();
        assertThat(clock.pending()).isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(runs).isEmpty();
    }

    @Test
    void fixedDelay_repeatsEveryPeriod_untilCancelled() {
        List<Instant> runs = new ArrayList<>();
        DelayScheduler.Timer t =
                clock.scheduleWithFixedDelay(
                        Duration.ofSeconds(3), () -> runs.add(clock.instant()));
        clock.advance(Duration.ofSeconds(10));
        assertThat(runs)
                .containsExactly(
                        Instant.parse("2026-01-01T00:00:03Z"),
                        Instant.parse("2026-01-01T00:00:06Z"),
                        Instant.parse("2026-01-01T00:00:09Z"));
        assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(2));
        t.cancel();
        assertThat(t.isDone()).isTrue();
        assertThat(clock.pending()).isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(runs).hasSize(3);
    }

    @Test
    void fixedDelay_withAnInitialDelay_runsFirstAfterIt() {
        List<Instant> runs = new ArrayList<>();
        clock.scheduleWithFixedDelay(
                Duration.ZERO, Duration.ofSeconds(5), () -> runs.add(clock.instant()));
        clock.advance(Duration.ofSeconds(6));
        assertThat(runs)
                .containsExactly(
                        Instant.parse("2026-01-01T00:00:00Z"),
                        Instant.parse("2026-01-01T00:00:05Z"));
    }

    @Test
    void fixedDelay_cancelledFromItsOwnRun_stops() {
        List<Instant> runs = new ArrayList<>();
        DelayScheduler.Timer[] self = new DelayScheduler.Timer[1];
        self[0] =
                clock.scheduleWithFixedDelay(
                        Duration.ofSeconds(1),
                        () -> {
                            runs.add(clock.instant());
                            if (runs.size() == 2) {
                                self[0].cancel();
                            }
                        });
        clock.advance(Duration.ofSeconds(10));
        assertThat(runs).hasSize(2);
        assertThat(clock.pending()).isZero();
    }

    @Test
    void fixedDelay_aRunThatThrows_endsTheRepetition() {
        List<Instant> runs = new ArrayList<>();
        DelayScheduler.Timer t =
                clock.scheduleWithFixedDelay(
                        Duration.ofSeconds(1),
                        () -> {
                            runs.add(clock.instant());
                            throw new IllegalStateException("boom");
                        });
        assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(5))).hasMessage("boom");
        assertThat(t.isDone()).isTrue();
        assertThat(clock.pending()).isZero();
        assertThat(runs).hasSize(1);
    }

    @Test
    void fixedDelay_rejectsANonPositivePeriod() {
        assertThatThrownBy(() -> clock.scheduleWithFixedDelay(Duration.ZERO, () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive");
    }

    @Test
    void executorBacked_runsAndCancels() throws InterruptedException {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try {
            DelayScheduler scheduler = DelayScheduler.of(executor);
            CountDownLatch ran = new CountDownLatch(1);
            DelayScheduler.Timer once = scheduler.schedule(Duration.ZERO, ran::countDown);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch three = new CountDownLatch(3);
            DelayScheduler.Timer repeating =
                    scheduler.scheduleWithFixedDelay(Duration.ofMillis(1), three::countDown);
            assertThat(three.await(10, TimeUnit.SECONDS)).isTrue();
            repeating.cancel();
            assertThat(repeating.isDone()).isTrue();
            DelayScheduler.Timer later = scheduler.schedule(Duration.ofHours(1), () -> {});
            later.cancel();
            assertThat(later.isDone()).isTrue();
            assertThat(once.isDone()).isTrue();
        } finally {
            executor.shutdownNow();
        }
    }
}
