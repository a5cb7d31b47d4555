package io.j8s.apiserver.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.apiserver.metrics.ResourceMetricsText.PodRef;
import io.j8s.apiserver.metrics.ResourceMetricsText.Point;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsStorageTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final PodRef POD = new PodRef("default", "burner");

    static String scrapeText(long ms, String nodeCpu, String containerCpu, String startSeconds) {
        return """
                # HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
                # TYPE container_cpu_usage_seconds_total counter
                container_cpu_usage_seconds_total{container="main",namespace="default",pod="burner"} %s %d
                container_memory_working_set_bytes{container="main",namespace="default",pod="burner"} 3145728 %d
                container_start_time_seconds{container="main",namespace="default",pod="burner"} %s
                node_cpu_usage_seconds_total %s %d
                node_memory_working_set_bytes 2048000000 %d
                pod_cpu_usage_seconds_total{namespace="default",pod="burner"} %s %d
                scrape_error 0
                """
                .formatted(containerCpu, ms, ms, startSeconds, nodeCpu, ms, ms, containerCpu, ms);
    }

    @Test
    void parse_readsTheKubeletShape() {
        long ms = T0.toEpochMilli();
        ResourceMetricsText.Scrape s =
                ResourceMetricsText.parse(
                        scrapeText(ms, "100.25", "4.00", "1767225000.250"), Instant.EPOCH);
        assertThat(s.node()).isEqualTo(new Point(T0, 100_250_000_000L, 2_048_000_000L, null));
        Point c = s.pods().get(POD).get("main");
        assertThat(c.cpuNanos()).isEqualTo(4_000_000_000L);
        assertThat(c.memoryBytes()).isEqualTo(3_145_728L);
        assertThat(c.timestamp()).isEqualTo(T0);
        assertThat(c.startTime())
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").minusSeconds(600).plusMillis(250));
        // without a timestamp, the scrape's time; escaped label values
        ResourceMetricsText.Scrape plain =
                ResourceMetricsText.parse(
                        "container_cpu_usage_seconds_total{container=\"a\\\"b\",namespace=\"n\",pod=\"p\"} 1e-3\n"
                                + "container_memory_working_set_bytes{container=\"a\\\"b\",namespace=\"n\",pod=\"p\"} 10\n"
                                + "container_start_time_seconds{container=\"a\\\"b\",namespace=\"n\",pod=\"p\"} 5\n",
                        T0);
        assertThat(plain.node()).isNull();
        assertThat(plain.pods().get(new PodRef("n", "p")).get("a\"b"))
                .isEqualTo(new Point(T0, 1_000_000L, 10, Instant.ofEpochSecond(5)));
        assertThatThrownBy(
                        () -> ResourceMetricsText.parse("node_cpu_usage_seconds_total abc\n", T0))
                .hasMessageContaining("line 1");
        assertThatThrownBy(
                        () ->
                                ResourceMetricsText.parse(
                                        "container_cpu_usage_seconds_total{pod=\"x\"} 1\n", T0))
                .hasMessageContaining("labels");
    }

    @Test
    void rate_isTheCpuTimeBetweenTwoPointsOverTheirWindow() {
        MetricsStorage storage = new MetricsStorage(Duration.ofSeconds(15));
        Instant start = T0.minus(Duration.ofHours(1));
        storage.store(
                Map.of("n1", new Point(T0, 100_000_000_000L, 1000, null)),
                Map.of(POD, Map.of("main", new Point(T0, 4_000_000_000L, 2048, start))));
        assertThat(storage.node("n1")).isEmpty();
        assertThat(storage.pod("default", "burner")).isEmpty();

        Instant t1 = T0.plusSeconds(15);
        storage.store(
                Map.of("n1", new Point(t1, 130_000_000_000L, 4096, null)),
                Map.of(POD, Map.of("main", new Point(t1, 19_000_000_000L, 8192, start))));
        MetricsStorage.Usage node = storage.node("n1").orElseThrow();
        assertThat(node.cpuNanocores()).isEqualTo(2_000_000_000L); // 30 s of CPU in 15 s: 2 cores
        assertThat(node.memoryBytes()).isEqualTo(4096);
        assertThat(node.window()).isEqualTo(Duration.ofSeconds(15));
        assertThat(node.timestamp()).isEqualTo(t1);
        MetricsStorage.PodUsage pod = storage.pod("default", "burner").orElseThrow();
        assertThat(pod.containers())
                .containsExactly(new MetricsStorage.ContainerUsage("main", 1_000_000_000L, 8192));
        assertThat(pod.window()).isEqualTo(Duration.ofSeconds(15));

        // a node missing from a round (its scrape failed) has no metrics
        storage.store(Map.of(), Map.of());
        assertThat(storage.node("n1")).isEmpty();
        assertThat(storage.pod("default", "burner")).isEmpty();
    }

    @Test
    void freshContainer_isMeasuredFromItsStart_restartedStartsOver() {
        MetricsStorage storage = new MetricsStorage(Duration.ofSeconds(15));
        // started 12 s before its first point: measured from its start with zero CPU
        Instant start = T0.minusSeconds(12);
        storage.store(
                Map.of(), Map.of(POD, Map.of("main", new Point(T0, 6_000_000_000L, 100, start))));
        MetricsStorage.PodUsage pod = storage.pod("default", "burner").orElseThrow();
        assertThat(pod.window()).isEqualTo(Duration.ofSeconds(12));
        assertThat(pod.containers().get(0).cpuNanocores()).isEqualTo(500_000_000L);
        // started 5 s before: too fresh (metrics-server's 10 s), no metrics yet
        storage = new MetricsStorage(Duration.ofSeconds(15));
        storage.store(
                Map.of(),
                Map.of(POD, Map.of("main", new Point(T0, 1_000_000L, 100, T0.minusSeconds(5)))));
        assertThat(storage.pod("default", "burner")).isEmpty();
        // restarted (start time after the last point): starts over
        storage = new MetricsStorage(Duration.ofSeconds(15));
        storage.store(
                Map.of(),
                Map.of(
                        POD,
                        Map.of("main", new Point(T0, 9_000_000_000L, 1, T0.minusSeconds(3600)))));
        storage.store(
                Map.of(),
                Map.of(
                        POD,
                        Map.of(
                                "main",
                                new Point(T0.plusSeconds(60), 1_000_000L, 1, T0.plusSeconds(58)))));
        assertThat(storage.pod("default", "burner")).isEmpty();
    }

    @Test
    void aDecreasingCounter_givesNoUsage_aPodNeedsAllItsContainers() {
        assertThat(
                        MetricsStorage.usage(
                                new Point(T0.plusSeconds(15), 10, 1, null),
                                new Point(T0, 20, 1, null),
                                "x"))
                .isEmpty();
        MetricsStorage storage = new MetricsStorage(Duration.ofSeconds(15));
        Instant start = T0.minusSeconds(3600);
        storage.store(Map.of(), Map.of(POD, Map.of("a", new Point(T0, 0, 1, start))));
        storage.store(
                Map.of(),
                Map.of(
                        POD,
                        Map.of(
                                "a",
                                new Point(T0.plusSeconds(15), 15_000_000_000L, 1, start),
                                "b",
                                new Point(T0.plusSeconds(15), 0, 1, start))));
        assertThat(storage.pod("default", "burner")).isEmpty(); // b has one point only
    }

    @Test
    void quantities_areCanonical() {
        assertThat(Quantities.cpu(0)).isEqualTo("0");
        assertThat(Quantities.cpu(1_015_713)).isEqualTo("1015713n");
        assertThat(Quantities.cpu(250_000_000)).isEqualTo("250m");
        assertThat(Quantities.cpu(2_000_000_000)).isEqualTo("2");
        assertThat(Quantities.cpu(1_500_000)).isEqualTo("1500u");
        assertThat(Quantities.memory(0)).isEqualTo("0");
        assertThat(Quantities.memory(1000)).isEqualTo("1000");
        assertThat(Quantities.memory(1025)).isEqualTo("1025");
        assertThat(Quantities.memory(3_145_728)).isEqualTo("3Mi");
        assertThat(Quantities.memory(1_536L * 1024)).isEqualTo("1536Ki");
        assertThat(Quantities.memory(2_048_000_000L)).isEqualTo("2000000Ki");
        for (long n :
                new long[] {
                    0, 1_015_713, 250_000_000, 2_000_000_000, 1_500_000, 7_000_000_000_000L
                }) {
            assertThat(Quantities.parseCpu(Quantities.cpu(n))).isEqualTo(n);
        }
        for (long n : new long[] {0, 1000, 1025, 3_145_728, 1_536L * 1024, 5L << 40}) {
            assertThat(Quantities.parseMemory(Quantities.memory(n))).isEqualTo(n);
        }
    }
}
