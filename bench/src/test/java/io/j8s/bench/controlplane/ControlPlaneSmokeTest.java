package io.j8s.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control-plane benchmark, tiny (the {@code smoke} preset: 4 Services, 24 Pods, 2 simulated
 * nodes): every phase runs against a real server, measures something, and leaves no files (and,
 * through {@code ServerProcess}, no process) behind.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ControlPlaneSmokeTest {
    @TempDir Path workDir;

    @Test
    void run_smokePreset_measuresEveryPhaseAndCleansUp() throws Exception {
        ControlPlaneConfig config =
                ControlPlaneConfig.parse(
                        new String[] {"--preset=smoke", "--churn-seconds=3"}, workDir);
        ControlPlaneBenchmark bench = new ControlPlaneBenchmark(config, "smoke test");

        bench.run();

        ControlPlaneResults r = bench.results();
        assertThat(r.stages())
                .hasSize(2)
                .allSatisfy(
                        s -> {
                            assertThat(s.calls()).isPositive();
                            assertThat(s.p99Millis())
                                    .isGreaterThanOrEqualTo(s.p50Millis())
                                    .isPositive();
                        });
        assertThat(r.stages().get(1).podsReady()).isGreaterThanOrEqualTo(24);
        assertThat(r.memory())
                .hasSize(3)
                .allSatisfy(m -> assertThat(m.heapAfterGcBytes()).isPositive());
        assertThat(r.lists())
                .as("one request and a paged list, at least")
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(l -> assertThat(l.bytes()).isPositive());
        assertThat(r.churn().deletions()).isPositive();
        assertThat(r.churn().adds().count()).isPositive();
        assertThat(r.churn().removes().count()).isPositive();
        assertThat(r.churn().probeAdds().count()).isPositive();
        assertThat(r.fanout().delivery().count()).isEqualTo(5 * 3);
        assertThat(r.fanout().dropped()).isZero();
        assertThat(r.restart().readySeconds()).isPositive();
        assertThat(r.markdown()).contains("| Pods | RSS MiB | heap after GC MiB |");
        try (Stream<Path> left = Files.list(workDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void parse_readsOptionsOverThePreset() {
        ControlPlaneConfig c =
                ControlPlaneConfig.parse(
                        new String[] {
                            "--preset=full",
                            "--store=etcd",
                            "--pods=20000",
                            "--services=2000",
                            "--memory-at=0,1000"
                        },
                        workDir);

        assertThat(c.preset()).isEqualTo("full");
        assertThat(c.store()).isEqualTo("etcd");
        assertThat(c.memoryAt()).containsExactly(0, 1000);
        assertThat(c.nodes()).isEqualTo(1_500);
        assertThat(c.clusterCidr()).isEqualTo("127.128.0.0/13");
    }

    @Test
    void sizes_followTheLoadTestShapeAndAddUp() {
        int[] sizes = Workload.sizes(10_000, 150_000);

        assertThat(java.util.Arrays.stream(sizes).sum()).isEqualTo(150_000);
        assertThat(sizes[0]).isEqualTo(250);
        assertThat(sizes[1]).isEqualTo(30);
        assertThat(java.util.Arrays.stream(sizes).max().orElseThrow()).isEqualTo(250);
        assertThat(java.util.Arrays.stream(Workload.sizes(4, 24)).sum()).isEqualTo(24);
    }
}
