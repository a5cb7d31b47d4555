package io.j8s.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MetricResolutionFlagTest {

    @Test
    void metricResolution_defaultsTo15s_andIsParsedAsAGoDuration() {
        ServerCommand defaults = new ServerCommand();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.metricResolution).isEqualTo(Duration.ofSeconds(15));
        assertThat(ServerOptions.defaults(Path.of("/tmp/x")).metricResolution())
                .isEqualTo(Duration.ofSeconds(15));

        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs("--metric-resolution=1m30s");
        assertThat(command.metricResolution).isEqualTo(Duration.ofSeconds(90));
        assertThat(
                        ServerOptions.defaults(Path.of("/tmp/x"))
                                .withMetricResolution(Duration.ofSeconds(5))
                                .metricResolution())
                .isEqualTo(Duration.ofSeconds(5));
    }
}
