package io.j8s.server.controllers;

import static io.j8s.server.controllers.TestObjects.create;
import static io.j8s.server.controllers.TestObjects.pod;
import static io.j8s.server.controllers.TestObjects.port;
import static io.j8s.server.controllers.TestObjects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.j8s.server.ControllerOptions;
import io.j8s.server.testing.FakeKubelet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The node lifecycle controller against a real server, with node IPAM (for Pod IPs) and the
 * endpoints controller (to see the effect), a 5 s grace period and a {@link FakeKubelet} whose Node
 * can fall silent.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeLifecycleControllerTest extends AbstractControllerTest {
    private static final String NS = "default";
    private static FakeKubelet kubelet;

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("nodelifecycle", "nodeipam", "endpoints"))
                .withNodeMonitor(Duration.ofSeconds(5), Duration.ofMillis(500))
                .withResyncPeriod(Duration.ofSeconds(1));
    }

    @BeforeAll
    void startNodesAndPods() {
        kubelet = cluster.startNodes("node-1", "node-2");
        client.services()
                .inNamespace(NS)
                .resource(service("web", null, Map.of("app", "web"), port("", 80, 80)))
                .create();
        create(client, NS, pod("web-1", Map.of("app", "web"), "node-1"));
        create(client, NS, pod("web-2", Map.of("app", "web"), "node-2"));
        create(client, NS, pod("web-3", Map.of("app", "web"), "node-2"));
    }

    private List<String> readyPods() {
        Endpoints ep = client.endpoints().inNamespace(NS).withName("web").get();
        if (ep == null || ep.getSubsets() == null) {
            return List.of();
        }
        return ep.getSubsets().stream()
                .flatMap(s -> s.getAddresses().stream())
                .map(EndpointAddress::getTargetRef)
                .map(r -> r.getName())
                .sorted()
                .toList();
    }

    private NodeCondition ready(String node) {
        Node n = client.nodes().withName(node).get();
        return n.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .findFirst()
                .orElseThrow();
    }

    private boolean podReady(String name) {
        Pod p = client.pods().inNamespace(NS).withName(name).get();
        return p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    @Test
    @Order(1)
    void healthyNodes_areLeftAlone() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> readyPods().size() == 3);
        ControllerChecks.resyncWritesNothing(cluster, "nodelifecycle", 6);
        assertThat(cluster.controllerWrites("nodelifecycle")).isZero();
    }

    @Test
    @Order(2)
    void silentNode_becomesUnknown_andItsPodsNotReady() {
        kubelet.stop("node-2");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> "Unknown".equals(ready("node-2").getStatus()));
        NodeCondition c = ready("node-2");
        assertThat(c.getReason()).isEqualTo("NodeStatusUnknown");
        assertThat(c.getMessage()).isEqualTo("Kubelet stopped posting node status.");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> readyPods().equals(List.of("web-1")));
        assertThat(podReady("web-2")).isFalse();
        assertThat(podReady("web-3")).isFalse();
        assertThat(podReady("web-1")).isTrue();
        assertThat(ready("node-1").getStatus()).isEqualTo("True");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                client.v1().events().inNamespace(NS).list().getItems().stream()
                                        .anyMatch(
                                                e ->
                                                        "NodeNotReady".equals(e.getReason())
                                                                && "node-2"
                                                                        .equals(
                                                                                e.getInvolvedObject()
                                                                                        .getName())));
    }

    @Test
    @Order(3)
    void nodeBack_isNotFought() {
        double writes = cluster.controllerWrites("nodelifecycle");
        kubelet.resume("node-2");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> readyPods().size() == 3);
        assertThat(ready("node-2").getStatus()).isEqualTo("True");
        cluster.awaitQuiet("nodelifecycle");
        assertThat(cluster.controllerWrites("nodelifecycle")).isEqualTo(writes);
        assertThat(ready("node-2").getStatus()).isEqualTo("True");
    }

    @Test
    @Order(4)
    void restart_healthyNodes_noWrites() throws Exception {
        ControllerChecks.restartWritesNothing(cluster, "nodelifecycle", () -> readyPods());
    }
}
