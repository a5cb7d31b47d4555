package io.j8s.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.j8s.client.cache.ComponentSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupWarmupTest {

    @Test
    void theSamplesAreTheObjectsTheyNameAndTheWarmUpGoesThroughEveryType() {
        var json = ComponentSerialization.shared();
        Node node = json.unmarshal(StartupWarmup.SAMPLE_NODE, Node.class);
        assertThat(node.getStatus().getConditions().get(0).getType()).isEqualTo("Ready");
        assertThat(node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort())
                .isEqualTo(1);
        assertThat(node.getSpec().getPodCIDRs()).containsExactly("127.244.1.0/24");
        Lease lease = json.unmarshal(StartupWarmup.SAMPLE_LEASE, Lease.class);
        var event =
                json.unmarshal(
                        StartupWarmup.SAMPLE_WATCH_EVENT,
                        io.fabric8.kubernetes.api.model.WatchEvent.class);
        assertThat(event.getObject()).isInstanceOf(io.fabric8.kubernetes.api.model.Namespace.class);
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(40);
        // a bad flag and every read type: the warm-up swallows the one, decodes the others
        StartupWarmup.run(List.of("--no-such-flag"));
        for (Class<?> type : StartupWarmup.READ) {
            assertThat(json.unmarshal("{\"items\":[{}]}", type)).isInstanceOf(type);
        }
    }
}
