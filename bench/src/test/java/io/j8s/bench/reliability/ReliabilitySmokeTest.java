package io.j8s.bench.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability benchmark, tiny (the {@code smoke} preset, sqlite): a real server is killed with
 * SIGKILL under 4 writers and started again, and the invariants hold: no acknowledged write lost,
 * no resourceVersion going back, the exact count of an optimistically locked counter, every watcher
 * sees every update once and in order, and a watcher that does not read is ended by the server.
 * Nothing is left behind.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReliabilitySmokeTest {
    @TempDir Path workDir;

    @Test
    void run_smokePreset_keepsTheInvariantsAndCleansUp() throws Exception {
        ReliabilityConfig config =
                ReliabilityConfig.parse(new String[] {"--preset=smoke"}, workDir);
        ReliabilityBenchmark bench = new ReliabilityBenchmark(config, "smoke test");

        bench.run();

        ReliabilityResults.StoreRun r = bench.results().runs().get(0);
        assertThat(r.kill().kills()).hasSize(1);
        assertThat(r.kill().acknowledged()).isPositive();
        assertThat(r.kill().found()).isEqualTo(r.kill().acknowledged());
        assertThat(r.kill().unexpected()).isZero();
        assertThat(r.kill().rvWentBack()).isZero();
        assertThat(r.kill().kills().get(0).minAckedAfter())
                .isGreaterThan(r.kill().kills().get(0).maxAckedBefore());
        assertThat(r.counter().finalCount()).isEqualTo(5 * 4).isEqualTo(r.counter().successes());
        assertThat(r.counter().errors()).isZero();
        assertThat(r.watch().acknowledged()).isEqualTo(100);
        assertThat(r.watch().deliveries()).isEqualTo(5 * 100);
        assertThat(r.watch().gaps()).isZero();
        assertThat(r.watch().duplicates()).isZero();
        assertThat(r.watch().outOfOrder()).isZero();
        assertThat(r.watch().ended()).isZero();
        assertThat(r.stall().cutOff()).isTrue();
        assertThat(r.stall().logLine()).contains("ending a watch whose client does not read");
        assertThat(r.stall().heapAfterBytes()).isPositive();
        assertThat(bench.results().markdown()).contains("| sqlite |", "kill -9 under writes");
        try (Stream<Path> left = Files.list(workDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void parse_readsOptionsOverThePreset() {
        ReliabilityConfig c =
                ReliabilityConfig.parse(
                        new String[] {
                            "--stores=etcd",
                            "--kills=5",
                            "--watchers=10",
                            "--stall-object-bytes=1024"
                        },
                        workDir);

        assertThat(c.stores()).containsExactly("etcd");
        assertThat(c.kills()).isEqualTo(5);
        assertThat(c.watchers()).isEqualTo(10);
        assertThat(c.watchUpdates()).isEqualTo(5_000);
        assertThat(c.stallObjectBytes()).isEqualTo(1024);
    }
}
