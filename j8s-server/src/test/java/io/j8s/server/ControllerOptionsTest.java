package io.j8s.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.controllers.ControllerManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ControllerOptionsTest {

    @Test
    void parseControllers_kubeControllerManagerSyntax() {
        assertThat(ControllerOptions.parseControllers(List.of("*")))
                .containsExactlyInAnyOrderElementsOf(ControllerManager.ALL);
        assertThat(
                        ControllerOptions.parseControllers(
                                List.of("*", "-scheduler", "-garbagecollector")))
                .doesNotContain("scheduler", "garbagecollector")
                .hasSize(ControllerManager.ALL.size() - 2);
        assertThat(ControllerOptions.parseControllers(List.of("endpoints", "endpointslice")))
                .containsExactlyInAnyOrder("endpoints", "endpointslice");
        assertThat(ControllerOptions.parseControllers(List.of(""))).isEmpty();
        assertThat(ControllerOptions.parseControllers(List.of("-endpoints", "endpoints")))
                .isEmpty();
        assertThatThrownBy(() -> ControllerOptions.parseControllers(List.of("*", "-kubelet")))
                .hasMessageStartingWith(
                        "unknown controller 'kubelet' in --controllers; known: nodeipam, ");
    }

    @Test
    void durationFlags_takeGoDurations() {
        assertThat(new DurationConverter().convert("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> new DurationConverter().convert("1d"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("invalid duration \"1d\"");
    }

    @Test
    void serverFlags_reachTheOptions() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command)
                .parseArgs(
                        "--controllers=*,-scheduler",
                        "--leader-elect=false",
                        "--node-monitor-grace-period=10s",
                        "--node-monitor-period=1s",
                        "--max-endpoints-per-slice=50",
                        "--min-resync-period=30s");
        assertThat(command.leaderElect).isFalse();
        assertThat(ControllerOptions.parseControllers(command.controllers))
                .doesNotContain("scheduler")
                .contains("endpoints");
        assertThat(command.nodeMonitorGracePeriod).isEqualTo(Duration.ofSeconds(10));
        assertThat(command.nodeMonitorPeriod).isEqualTo(Duration.ofSeconds(1));
        assertThat(command.maxEndpointsPerSlice).isEqualTo(50);
        assertThat(command.resyncPeriod).isEqualTo(Duration.ofSeconds(30));

        ServerCommand defaults = new ServerCommand();
        new CommandLine(defaults).parseArgs();
        ControllerOptions d = ControllerOptions.defaults();
        assertThat(defaults.leaderElect).isTrue();
        assertThat(ControllerOptions.parseControllers(defaults.controllers)).isEqualTo(d.enabled());
        assertThat(defaults.nodeMonitorGracePeriod)
                .isEqualTo(Duration.ofSeconds(40))
                .isEqualTo(d.nodeMonitorGracePeriod());
        assertThat(d.maxEndpointsPerSlice()).isEqualTo(100);
        assertThat(d.leaderElect()).isTrue();
        assertThat(ControllerOptions.none().enabled()).isEqualTo(Set.of());
    }
}
