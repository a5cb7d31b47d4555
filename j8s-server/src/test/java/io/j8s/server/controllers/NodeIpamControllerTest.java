package io.j8s.server.controllers;

import static io.j8s.server.controllers.TestObjects.node;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.j8s.server.ControllerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Node IPAM alone against a real server: /24s of --cluster-cidr 127.244.0.0/16. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeIpamControllerTest extends AbstractControllerTest {

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("nodeipam")).withResyncPeriod(Duration.ofSeconds(1));
    }

    private String awaitCidr(String node) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> client.nodes().withName(node).get().getSpec().getPodCIDR(),
                        c -> c != null);
    }

    @Test
    @Order(1)
    void nodes_getConsecutiveSlash24s_skippingTheFirst() {
        client.nodes().resource(node("node-1", Map.of())).create();
        assertThat(awaitCidr("node-1")).isEqualTo("127.244.1.0/24");
        client.nodes().resource(node("node-2", Map.of())).create();
        assertThat(awaitCidr("node-2")).isEqualTo("127.244.2.0/24");
        Node n2 = client.nodes().withName("node-2").get();
        assertThat(n2.getSpec().getPodCIDRs()).containsExactly("127.244.2.0/24");
    }

    @Test
    @Order(2)
    void aCidrSetByHand_isKeptAndNotHandedOutAgain() {
        client.nodes()
                .resource(
                        new NodeBuilder(node("manual", Map.of()))
                                .editSpec()
                                .withPodCIDR("127.244.3.0/24")
                                .withPodCIDRs("127.244.3.0/24")
                                .endSpec()
                                .build())
                .create();
        client.nodes().resource(node("node-4", Map.of())).create();
        assertThat(awaitCidr("node-4")).isEqualTo("127.244.4.0/24");
        assertThat(client.nodes().withName("manual").get().getSpec().getPodCIDR())
                .isEqualTo("127.244.3.0/24");
    }

    @Test
    @Order(3)
    void aDeletedNodesCidr_isFreeAgain() {
        client.nodes().withName("node-1").delete();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> client.nodes().withName("node-1").get() == null);
        client.nodes().resource(node("node-5", Map.of())).create();
        assertThat(awaitCidr("node-5")).isEqualTo("127.244.1.0/24");
    }

    @Test
    @Order(4)
    void resync_writesNothing() {
        ControllerChecks.resyncWritesNothing(cluster, "nodeipam", 6);
    }

    @Test
    @Order(5)
    void restart_sameCidrs_noWrites() throws Exception {
        ControllerChecks.restartWritesNothing(
                cluster,
                "nodeipam",
                () -> {
                    List<Node> nodes = client.nodes().list().getItems();
                    return ControllerChecks.versions(nodes)
                            + " "
                            + nodes.stream()
                                    .map(
                                            n ->
                                                    n.getMetadata().getName()
                                                            + "="
                                                            + n.getSpec().getPodCIDR())
                                    .sorted()
                                    .toList();
                });
    }
}
