package io.j8s.bench.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.testkit.HostTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-plane benchmark, tiny (1 s runs, 4 connections, one round): every target answers through
 * wrk in both modes without errors, the profile is read, and nothing is left behind. Fails where
 * wrk or haproxy is not installed ({@code apt-get install -y wrk haproxy}; see {@code HostTools}).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DataPlaneSmokeTest {
    @TempDir Path workDir;

    @Test
    void run_smokePreset_measuresEveryTargetAndCleansUp() throws Exception {
        HostTools.require(HostTools.onPath("wrk"), "wrk", "apt-get install -y wrk");
        HostTools.require(HostTools.onPath("haproxy"), "haproxy", "apt-get install -y haproxy");
        DataPlaneBenchmark bench =
                new DataPlaneBenchmark(DataPlaneConfig.smoke(workDir), "smoke test");

        bench.run();

        DataPlaneResults r = bench.results();
        assertThat(r.runs())
                .hasSize(6)
                .allSatisfy(
                        run -> {
                            assertThat(run.wrk().requests()).isPositive();
                            assertThat(run.wrk().errors()).isZero();
                        });
        assertThat(
                        r.medianRatio(
                                DataPlaneResults.Mode.KEEP_ALIVE,
                                DataPlaneResults.Target.J8S,
                                DataPlaneResults.Target.HAPROXY))
                .isPositive();
        assertThat(r.markdown())
                .contains("| keep-alive | j8s proxy (ClusterIP) |", "j8s / HAProxy");
        try (Stream<Path> left = Files.list(workDir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void parse_readsWrksReport() {
        String out =
                """
                Running 10s test @ http://127.0.0.1:8080/
                  1 threads and 32 connections
                  Thread Stats   Avg      Stdev     Max   +/- Stdev
                    Latency   265.35us  120.00us   5.00ms   90.00%
                    Req/Sec   120.00k     5.00k  130.00k    70.00%
                  Latency Distribution
                     50%  230.00us
                     75%  300.00us
                     90%  400.00us
                     99%    1.03ms
                  1200000 requests in 10.00s, 200.00MB read
                  Socket errors: connect 0, read 2, write 0, timeout 1
                Requests/sec: 119998.50
                Transfer/sec:     20.00MB
                """;

        Wrk.Result r = Wrk.parse(out);

        assertThat(r.requestsPerSecond()).isEqualTo(119998.50);
        assertThat(r.requests()).isEqualTo(1_200_000);
        assertThat(r.p50Millis()).isEqualTo(0.23);
        assertThat(r.p99Millis()).isEqualTo(1.03);
        assertThat(r.errors()).isEqualTo(3);
    }
}
