package io.j8s.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncRunnerTest {

  @Test
  void request_burstIsCoalescedIntoFewRuns() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (SyncRunner runner = new SyncRunner("test-sync", Duration.ofMillis(200),
        Duration.ofMinutes(10), runs::incrementAndGet)) {
      runner.start();
      for (int i = 0; i < 1000; i++) {
        runner.request();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 1);
      Thread.sleep(500); // let anything still queued run
      // The first request runs at once; the rest of the burst at most once more.
      assertThat(runs.get()).isBetween(1, 2);
    }
  }

  @Test
  void request_neverRunsSoonerThanMinIntervalAfterThePreviousRun() throws Exception {
    List<Long> starts = new CopyOnWriteArrayList<>();
    try (SyncRunner runner = new SyncRunner("test-sync", Duration.ofMillis(150),
        Duration.ofMinutes(10), () -> starts.add(System.nanoTime()))) {
      runner.start();
      long until = System.nanoTime() + Duration.ofMillis(700).toNanos();
      while (System.nanoTime() < until) {
        runner.request();
        Thread.sleep(5);
      }
      await().atMost(Duration.ofSeconds(2)).until(() -> starts.size() >= 3);
    }
    for (int i = 1; i < starts.size(); i++) {
      assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1)))
          .isGreaterThanOrEqualTo(Duration.ofMillis(145));
    }
  }

  @Test
  void start_runsRequestsMadeBeforeIt_andThenPeriodically() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (SyncRunner runner = new SyncRunner("test-sync", Duration.ZERO, Duration.ofMillis(50),
        runs::incrementAndGet)) {
      runner.request();
      Thread.sleep(100);
      assertThat(runs.get()).isZero();

      runner.start();

      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 4);
    }
  }

  @Test
  void run_survivesExceptions() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    try (SyncRunner runner = new SyncRunner("test-sync", Duration.ZERO, Duration.ofMinutes(1),
        () -> {
          runs.incrementAndGet();
          throw new IllegalStateException("boom");
        })) {
      runner.start();
      runner.request();
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
      runner.request();
      await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
    }
  }

  @Test
  void close_stopsFurtherRuns() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    SyncRunner runner = new SyncRunner("test-sync", Duration.ZERO, Duration.ofMillis(20),
        runs::incrementAndGet);
    runner.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 1);

    runner.close();
    int after = runs.get();
    runner.request();
    Thread.sleep(100);

    assertThat(runs.get()).isEqualTo(after);
  }
}
