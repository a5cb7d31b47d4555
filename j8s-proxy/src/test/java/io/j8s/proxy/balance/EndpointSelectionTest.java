package io.j8s.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.proxy.model.EndpointState;
import io.j8s.proxy.model.TrafficPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointSelectionTest {

    private static EndpointState ep(
            String ip, boolean ready, boolean serving, boolean terminating, String node) {
        return new EndpointState(ip, 80, ready, serving, terminating, node, null);
    }

    private static List<String> ips(List<EndpointState> endpoints) {
        return endpoints.stream().map(EndpointState::ip).toList();
    }

    @Test
    void cluster_usesReadyEndpointsOnly() {
        List<EndpointState> all =
                List.of(
                        ep("127.244.1.1", true, true, false, "n1"),
                        ep("127.244.1.2", false, false, false, "n1"),
                        ep("127.244.1.3", false, true, true, "n2"));

        assertThat(ips(EndpointSelection.usable(all, TrafficPolicy.CLUSTER, "n1")))
                .containsExactly("127.244.1.1");
    }

    @Test
    void cluster_allTerminating_fallsBackToServingTerminating() {
        List<EndpointState> all =
                List.of(
                        ep("127.244.1.1", false, true, true, "n1"),
                        ep("127.244.1.2", false, false, true, "n1"),
                        ep("127.244.1.3", false, true, true, "n2"),
                        ep("127.244.1.4", false, false, false, "n2"));

        assertThat(ips(EndpointSelection.usable(all, TrafficPolicy.CLUSTER, "n1")))
                .containsExactly("127.244.1.1", "127.244.1.3");
    }

    @Test
    void cluster_nothingServing_isEmpty() {
        List<EndpointState> all = List.of(ep("127.244.1.1", false, false, true, "n1"));
        assertThat(EndpointSelection.usable(all, TrafficPolicy.CLUSTER, "n1")).isEmpty();
    }

    @Test
    void local_usesOnlyThisNodesReadyEndpoints() {
        List<EndpointState> all =
                List.of(
                        ep("127.244.1.1", true, true, false, "n1"),
                        ep("127.244.2.1", true, true, false, "n2"),
                        ep("127.244.1.2", false, true, true, "n1"),
                        ep("127.244.1.3", true, true, false, null));

        assertThat(ips(EndpointSelection.usable(all, TrafficPolicy.LOCAL, "n1")))
                .containsExactly("127.244.1.1");
    }

    @Test
    void local_noReadyLocal_fallsBackToLocalServingTerminating_notRemote() {
        List<EndpointState> all =
                List.of(
                        ep("127.244.1.2", false, true, true, "n1"),
                        ep("127.244.2.1", true, true, false, "n2"));

        assertThat(ips(EndpointSelection.usable(all, TrafficPolicy.LOCAL, "n1")))
                .containsExactly("127.244.1.2");
    }

    @Test
    void local_noLocalEndpoints_isEmptyEvenWithRemoteReadyOnes() {
        List<EndpointState> all = List.of(ep("127.244.2.1", true, true, false, "n2"));
        assertThat(EndpointSelection.usable(all, TrafficPolicy.LOCAL, "n1")).isEmpty();
        assertThat(EndpointSelection.usable(all, TrafficPolicy.LOCAL, "")).isEmpty();
    }
}
