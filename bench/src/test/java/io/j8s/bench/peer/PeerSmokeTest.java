package io.j8s.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer benchmark, tiny (40 Pods, 2 clients): both targets run the whole workload without an
 * error, the report has both targets' rows and the ratios, and nothing is left in the work dir
 * (and, through {@code ServerProcess}, no process). The server runs from j8s-server's shaded jar,
 * which the build packages before this module's tests.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PeerSmokeTest {
    @TempDir Path workDir;

    @Test
    void run_tiny_bothTargetsDoEveryPhaseWithoutErrors() throws Exception {
        PeerConfig config =
                PeerConfig.parse(
                        new String[] {
                            "--pods=40", "--clients=2", "--warmup=4", "--work-dir=" + workDir
                        },
                        workDir);
        assertThat(config.jar()).as("j8s-server's shaded jar").isRegularFile();
        PeerBenchmark bench = new PeerBenchmark(config, "smoke test");

        bench.run();

        PeerResults r = bench.results();
        for (String target : List.of(PeerResults.MOCK, PeerResults.J8S)) {
            for (String phase : List.of("create", "list", "get", "delete")) {
                PeerResults.Row row = r.row(1, target, phase);
                assertThat(row.errors()).as(target + " " + phase + " errors").isZero();
                assertThat(row.objects())
                        .as(target + " " + phase)
                        .isEqualTo(phase.equals("list") ? 80 : 40);
                assertThat(row.latency().p99Millis()).isPositive();
            }
        }
        assertThat(r.watches()).hasSize(2).allSatisfy(w -> assertThat(w.missing()).isZero());
        assertThat(r.markdown())
                .contains("| 1 | mock | create |", "| 1 | j8s | create |", "| 1 | create |")
                .doesNotContain("First failed call");
        try (Stream<Path> left = Files.list(workDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void parse_readsOptionsAndKeepsTheDefaultsOtherwise() {
        PeerConfig c =
                PeerConfig.parse(
                        new String[] {"--pods=100", "--j8s-args=--store-fsync=true --foo=1"},
                        workDir);

        assertThat(c.pods()).isEqualTo(100);
        assertThat(c.clients()).isEqualTo(8);
        assertThat(c.pageSize()).isEqualTo(500);
        assertThat(c.mockTls()).isTrue();
        assertThat(c.j8sArgs()).containsExactly("--store-fsync=true", "--foo=1");
        assertThat(PeerConfig.parse(new String[] {"--j8s-args="}, workDir).j8sArgs()).isEmpty();
        assertThat(PeerConfig.parse(new String[0], workDir).j8sArgs())
                .containsExactly("--store-fsync=false");
    }
}
