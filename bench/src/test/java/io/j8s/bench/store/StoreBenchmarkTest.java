package io.j8s.bench.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.testkit.EtcdProcess;
import io.j8s.testkit.HostTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark, tiny: every phase runs, measures something, and cleans up after itself. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StoreBenchmarkTest {
    @TempDir Path workDir;

    @Test
    void run_withTinySizes_measuresEveryPhaseAndLeavesNoData() throws Exception {
        List<String> backends = new ArrayList<>(List.of("sqlite"));
        if (HostTools.optional(
                EtcdProcess.isInstalled(),
                "etcd (on the PATH)",
                "apt-get install -y etcd-server")) {
            backends.add("etcd");
        }
        BenchConfig config =
                new BenchConfig(
                        backends,
                        List.of(1, 4),
                        Duration.ofMillis(200),
                        Duration.ofMillis(500),
                        64,
                        500,
                        1024,
                        workDir);

        StoreBenchmark bench = new StoreBenchmark(config);
        bench.run();

        assertThat(bench.writes())
                .hasSize(backends.size() * 2)
                .allSatisfy(
                        w -> {
                            assertThat(w.writes()).isPositive();
                            assertThat(w.writesPerSecond()).isPositive();
                            assertThat(w.p99Millis())
                                    .isGreaterThanOrEqualTo(w.p50Millis())
                                    .isPositive();
                            assertThat(w.watchEvents()).isEqualTo(w.writes());
                            assertThat(w.watchP50Millis()).isPositive();
                        });
        assertThat(bench.lists())
                .hasSize(backends.size())
                .allSatisfy(l -> assertThat(l.keys()).isEqualTo(500));
        assertThat(bench.markdown()).contains("| sqlite | 4 |");
        try (Stream<Path> left = Files.list(workDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void parse_readsOptionsOverTheDefaults() {
        BenchConfig c =
                BenchConfig.parse(
                        new String[] {
                            "--backends=sqlite", "--writers=1,8", "--seconds=2.5", "--list-keys=0"
                        },
                        workDir);

        assertThat(c.backends()).containsExactly("sqlite");
        assertThat(c.writerCounts()).containsExactly(1, 8);
        assertThat(c.duration()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.listKeys()).isZero();
        assertThat(c.valueBytes()).isEqualTo(256);
    }
}
