package io.j8s.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcFilesTest {

    static final String STAT =
            """
      cpu  10132153 290696 3084719 46828483 16683 0 25195 7 0 0
      cpu0 1393280 32966 572056 13343292 6130 0 17875 0 0 0
      intr 1462898 0 9 0
      ctxt 17950931
      """;

    static final String MEMINFO =
            """
      MemTotal:        8040000 kB
      MemFree:          500000 kB
      MemAvailable:    6040000 kB
      Buffers:          100000 kB
      """;

    @Test
    void busyTicks_sumsAllButIdleAndIowait() {
        assertThat(ProcFiles.busyTicks(STAT))
                .isEqualTo(10132153L + 290696 + 3084719 + 0 + 25195 + 7);
        assertThatThrownBy(() -> ProcFiles.busyTicks("intr 1\n"))
                .hasMessageContaining("no cpu line");
    }

    @Test
    void workingSet_isTotalMinusAvailable() {
        assertThat(ProcFiles.workingSetBytes(MEMINFO)).isEqualTo(2_000_000L * 1024);
        assertThatThrownBy(() -> ProcFiles.workingSetBytes("MemTotal: 1 kB\n"))
                .hasMessageContaining("MemAvailable");
    }

    @Test
    void pidStat_countsFieldsAfterTheCommandName() {
        // comm with spaces and a parenthesis; session 4242, utime 150 stime 50 cutime 7 cstime 3
        String stat =
                "4250 (my (odd) sh) R 4242 4242 4242 0 -1 4194304 100 0 0 0 150 50 7 3 20 0 1 0 999 1000 200";
        ProcFiles.PidStat s = ProcFiles.pidStat(stat);
        assertThat(s.session()).isEqualTo(4242);
        assertThat(s.cpuTicks()).isEqualTo(210);
        assertThatThrownBy(() -> ProcFiles.pidStat("garbage"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rss_fromStatus_zeroForKernelThreads() {
        assertThat(
                        ProcFiles.rssBytes(
                                "Name:\tsh\nVmPeak:\t 2000 kB\nVmRSS:\t    1536 kB\nThreads:\t1\n"))
                .isEqualTo(1536L * 1024);
        assertThat(ProcFiles.rssBytes("Name:\tkthreadd\nThreads:\t1\n")).isZero();
    }

    @Test
    void scrape_writesTheKubeletShape(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("stat"), STAT);
        Files.writeString(proc.resolve("meminfo"), MEMINFO);
        process(proc, 100, "100 (sh) S 1 100 100 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0 1 1 1", 2048);
        process(proc, 101, "101 (yes) R 100 100 100 0 -1 0 0 0 0 0 100 0 0 0 20 0 1 0 1 1 1", 1024);
        process(proc, 200, "200 (other) S 1 200 200 0 -1 0 0 0 0 0 900 0 0 0 20 0 1 0 1 1 1", 4096);
        RunningContainers processes = new RunningContainers();
        processes.add(
                new RunningContainers.Entry(
                        "id1",
                        "default",
                        "burner",
                        "main",
                        100,
                        Instant.parse("2026-01-01T00:00:00.250Z")));
        processes.add(
                new RunningContainers.Entry(
                        "gone", "default", "ended", "main", 300, Instant.EPOCH));
        Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:01:00Z"), ZoneOffset.UTC);
        String text = new ResourceMetrics(proc, processes, clock).scrape();
        long ms = clock.millis();
        assertThat(text)
                .contains(
                        "container_cpu_usage_seconds_total{container=\"main\",namespace=\"default\",pod=\"burner\"} 4.00 "
                                + ms
                                + "\n")
                .contains(
                        "container_memory_working_set_bytes{container=\"main\",namespace=\"default\",pod=\"burner\"} "
                                + (3072L * 1024)
                                + " "
                                + ms
                                + "\n")
                .contains(
                        "container_start_time_seconds{container=\"main\",namespace=\"default\",pod=\"burner\"} "
                                + "1767225600.250\n")
                .contains(
                        "pod_cpu_usage_seconds_total{namespace=\"default\",pod=\"burner\"} 4.00 "
                                + ms
                                + "\n")
                .contains("node_cpu_usage_seconds_total " + "135327.70 " + ms + "\n")
                .contains("node_memory_working_set_bytes " + (2_000_000L * 1024) + " " + ms + "\n")
                .contains("# TYPE container_cpu_usage_seconds_total counter\n")
                .contains("scrape_error 0\n")
                .doesNotContain("ended");
    }

    @Test
    void scrape_keepsACountersHighestValue(@TempDir Path proc) throws Exception {
        Files.writeString(proc.resolve("stat"), STAT);
        Files.writeString(proc.resolve("meminfo"), MEMINFO);
        process(proc, 100, "100 (sh) S 1 100 100 0 -1 0 0 0 0 0 250 50 0 0 20 0 1 0 1 1 1", 2048);
        process(proc, 101, "101 (yes) R 100 100 100 0 -1 0 0 0 0 0 100 0 0 0 20 0 1 0 1 1 1", 1024);
        RunningContainers processes = new RunningContainers();
        processes.add(
                new RunningContainers.Entry(
                        "id1", "default", "burner", "main", 100, Instant.EPOCH));
        ResourceMetrics metrics = new ResourceMetrics(proc, processes, Clock.systemUTC());
        assertThat(metrics.scrape()).contains("pod=\"burner\"} 4.00 ");
        // 101 exited and was reaped outside the session: its second leaves the sum, the counter
        // stays
        Files.delete(proc.resolve("101/stat"));
        Files.delete(proc.resolve("101/status"));
        Files.delete(proc.resolve("101"));
        String text = metrics.scrape();
        assertThat(text)
                .contains(
                        "container_cpu_usage_seconds_total{container=\"main\",namespace=\"default\","
                                + "pod=\"burner\"} 4.00 ");
        assertThat(text)
                .contains(
                        "container_memory_working_set_bytes{container=\"main\",namespace=\"default\","
                                + "pod=\"burner\"} "
                                + (2048L * 1024)
                                + " ");
    }

    @Test
    void scrape_reportsAnErrorWhenTheNodeFilesAreMissing(@TempDir Path proc) {
        String text =
                new ResourceMetrics(proc, new RunningContainers(), Clock.systemUTC()).scrape();
        assertThat(text)
                .contains("scrape_error 1\n")
                .doesNotContain("\nnode_cpu_usage_seconds_total ");
    }

    private static void process(Path proc, int pid, String stat, long rssKb) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
        Files.writeString(dir.resolve("stat"), stat + "\n");
        Files.writeString(dir.resolve("status"), "Name:\tx\nVmRSS:\t" + rssKb + " kB\n");
    }
}
