package io.j8s.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthChecksTest {

    @Test
    void notReady_namesEachFailingCheckWithItsReason() {
        HealthChecks health = new HealthChecks();
        health.addReadyz("ping", () -> null);
        health.addReadyz("nodes", () -> "node node02 is not Ready");
        health.addReadyz(
                "broken",
                () -> {
                    throw new IllegalStateException("boom");
                });
        assertThat(health.notReady())
                .containsExactly(
                        Map.entry("nodes", "node node02 is not Ready"),
                        Map.entry("broken", "java.lang.IllegalStateException: boom"));
    }

    @Test
    void awaitReady_returnsTheFailingChecksAtTheDeadline() throws Exception {
        HealthChecks health = new HealthChecks();
        health.addReadyz("nodes", () -> "not yet");
        assertThat(health.awaitReady(Duration.ofMillis(50)))
                .containsExactly(Map.entry("nodes", "not yet"));
    }

    @Test
    void awaitReady_returnsOnceAChangeMakesEveryCheckPass() throws Exception {
        HealthChecks health = new HealthChecks();
        AtomicBoolean ready = new AtomicBoolean();
        health.addReadyz("nodes", () -> ready.get() ? null : "not yet");
        CompletableFuture<Map<String, String>> waiting =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return health.awaitReady(Duration.ofSeconds(30));
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            }
                        });
        Thread.sleep(100);
        assertThat(waiting).isNotDone();
        ready.set(true);
        health.changed();
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void whenFirstReady_runsOnceTheChecksFirstPass_andAtOnceAfterwards() {
        HealthChecks health = new HealthChecks();
        AtomicBoolean ready = new AtomicBoolean();
        health.addReadyz("nodes", () -> ready.get() ? null : "not yet");
        java.util.concurrent.atomic.AtomicInteger runs =
                new java.util.concurrent.atomic.AtomicInteger();
        health.whenFirstReady(runs::incrementAndGet);
        health.notReady();
        assertThat(runs).hasValue(0);
        ready.set(true);
        health.notReady();
        health.notReady();
        assertThat(runs).hasValue(1);
        // a task added once the server was ready runs on the spot
        health.whenFirstReady(runs::incrementAndGet);
        assertThat(runs).hasValue(2);
        // failing again later does not arm it again
        ready.set(false);
        health.notReady();
        ready.set(true);
        health.notReady();
        assertThat(runs).hasValue(2);
    }
}
