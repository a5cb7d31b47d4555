package io.j8s.server.controllers;

import static io.j8s.server.controllers.TestObjects.create;
import static io.j8s.server.controllers.TestObjects.pod;
import static io.j8s.server.controllers.TestObjects.port;
import static io.j8s.server.controllers.TestObjects.running;
import static io.j8s.server.controllers.TestObjects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.j8s.server.ControllerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The endpoints controller alone against a real server: docs/controllers.md's rules, as objects.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndpointsControllerTest extends AbstractControllerTest {
    private static final String NS = "default";

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("endpoints")).withResyncPeriod(Duration.ofSeconds(1));
    }

    private Endpoints awaitEndpoints(String name, Predicate<Endpoints> check) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> client.endpoints().inNamespace(NS).withName(name).get(),
                        ep -> ep != null && check.test(ep));
    }

    private static List<String> ips(List<EndpointAddress> addresses) {
        return addresses == null
                ? List.of()
                : addresses.stream().map(EndpointAddress::getIp).toList();
    }

    private static boolean hasAddresses(Endpoints ep, List<String> ready, List<String> notReady) {
        if (ep.getSubsets() == null || ep.getSubsets().size() != 1) {
            return ready.isEmpty()
                    && notReady.isEmpty()
                    && (ep.getSubsets() == null || ep.getSubsets().isEmpty());
        }
        EndpointSubset s = ep.getSubsets().get(0);
        return ips(s.getAddresses()).equals(ready)
                && ips(s.getNotReadyAddresses()).equals(notReady);
    }

    @Test
    @Order(1)
    void selectedPods_becomeAddresses_sortedAndSplitByReadiness() {
        client.services()
                .inNamespace(NS)
                .resource(
                        service(
                                "web",
                                Map.of("tier", "front"),
                                Map.of("app", "web"),
                                port("http", 80, "http")))
                .create();
        Map<String, String> web = Map.of("app", "web");
        create(client, NS, pod("web-a", web, "node-1"));
        create(client, NS, pod("web-b", web, "node-2"));
        create(client, NS, pod("web-c", web, "node-1"));
        create(client, NS, pod("web-d", web, "node-1"));
        create(client, NS, pod("web-e", web, "node-2"));
        create(client, NS, pod("other", Map.of("app", "other"), "node-1"));
        running(client, NS, "web-a", "127.244.1.12", true);
        running(client, NS, "web-b", "127.244.1.3", true);
        running(client, NS, "web-c", "127.244.1.5", false);
        // web-d has no IP yet; web-e failed; other is not selected
        TestObjects.setStatus(client, NS, "web-e", "Failed", "127.244.1.9", false);
        running(client, NS, "other", "127.244.1.7", true);

        // addresses sorted as Kubernetes does: the IP as text, so .12 before .3
        Endpoints ep =
                awaitEndpoints(
                        "web",
                        e ->
                                hasAddresses(
                                        e,
                                        List.of("127.244.1.12", "127.244.1.3"),
                                        List.of("127.244.1.5")));
        assertThat(ep.getMetadata().getLabels()).isEqualTo(Map.of("tier", "front"));
        assertThat(ep.getMetadata().getAnnotations())
                .containsKey("endpoints.kubernetes.io/last-change-trigger-time");
        EndpointSubset subset = ep.getSubsets().get(0);
        assertThat(subset.getPorts())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.getName()).isEqualTo("http");
                            assertThat(p.getPort()).isEqualTo(80);
                            assertThat(p.getProtocol()).isEqualTo("TCP");
                        });
        EndpointAddress a = subset.getAddresses().get(0);
        Pod webA = client.pods().inNamespace(NS).withName("web-a").get();
        assertThat(a.getNodeName()).isEqualTo("node-1");
        assertThat(a.getTargetRef().getKind()).isEqualTo("Pod");
        assertThat(a.getTargetRef().getName()).isEqualTo("web-a");
        assertThat(a.getTargetRef().getNamespace()).isEqualTo(NS);
        assertThat(a.getTargetRef().getUid()).isEqualTo(webA.getMetadata().getUid());
        assertThat(a.getHostname()).isNull();
    }

    @Test
    @Order(2)
    void podChanges_moveAddresses() {
        running(client, NS, "web-c", "127.244.1.5", true);
        awaitEndpoints(
                "web",
                e ->
                        hasAddresses(
                                e,
                                List.of("127.244.1.12", "127.244.1.3", "127.244.1.5"),
                                List.of()));
        client.pods()
                .inNamespace(NS)
                .withName("web-b")
                .edit(
                        p ->
                                new PodBuilder(p)
                                        .editMetadata()
                                        .addToLabels("app", "moved")
                                        .endMetadata()
                                        .build());
        awaitEndpoints(
                "web", e -> hasAddresses(e, List.of("127.244.1.12", "127.244.1.5"), List.of()));
        // a Pod being deleted (graceful: it is on a node) leaves at once
        client.pods().inNamespace(NS).withName("web-a").delete();
        awaitEndpoints("web", e -> hasAddresses(e, List.of("127.244.1.5"), List.of()));
        client.pods().inNamespace(NS).withName("web-a").withGracePeriod(0).delete();
    }

    @Test
    @Order(3)
    void namedTargetPort_leavesOutPodsThatDoNotDeclareIt() {
        client.services()
                .inNamespace(NS)
                .resource(
                        service(
                                "metrics",
                                null,
                                Map.of("app", "m"),
                                port("metrics", 9000, "metrics")))
                .create();
        Pod withPort = pod("m-1", Map.of("app", "m"), "node-1");
        withPort.getSpec()
                .getContainers()
                .get(0)
                .getPorts()
                .add(
                        new io.fabric8.kubernetes.api.model.ContainerPortBuilder()
                                .withName("metrics")
                                .withContainerPort(9090)
                                .build());
        create(client, NS, withPort);
        create(client, NS, pod("m-2", Map.of("app", "m"), "node-1"));
        running(client, NS, "m-1", "127.244.1.20", true);
        running(client, NS, "m-2", "127.244.1.21", true);
        Endpoints ep =
                awaitEndpoints("metrics", e -> hasAddresses(e, List.of("127.244.1.20"), List.of()));
        assertThat(ep.getSubsets().get(0).getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getPort()).isEqualTo(9090));
    }

    @Test
    @Order(4)
    void headlessWithoutPorts_publishingNotReadyAddresses_withHostnames() {
        client.services()
                .inNamespace(NS)
                .resource(
                        new ServiceBuilder()
                                .withNewMetadata()
                                .withName("hl")
                                .endMetadata()
                                .withNewSpec()
                                .withClusterIP("None")
                                .withPublishNotReadyAddresses(true)
                                .addToSelector("app", "hl")
                                .endSpec()
                                .build())
                .create();
        Pod p = pod("hl-0", Map.of("app", "hl"), "node-1");
        p.getSpec().setHostname("hl-0");
        p.getSpec().setSubdomain("hl");
        create(client, NS, p);
        running(client, NS, "hl-0", "127.244.1.30", false);
        Endpoints ep =
                awaitEndpoints("hl", e -> hasAddresses(e, List.of("127.244.1.30"), List.of()));
        assertThat(ep.getMetadata().getLabels())
                .containsEntry("service.kubernetes.io/headless", "");
        assertThat(ep.getSubsets().get(0).getPorts()).isNullOrEmpty();
        assertThat(ep.getSubsets().get(0).getAddresses().get(0).getHostname()).isEqualTo("hl-0");
    }

    @Test
    @Order(5)
    void selectorlessService_keepsItsHandWrittenEndpoints() {
        client.services()
                .inNamespace(NS)
                .resource(service("manual", null, null, port("", 80, 80)))
                .create();
        Endpoints written =
                client.endpoints()
                        .inNamespace(NS)
                        .resource(
                                new EndpointsBuilder()
                                        .withNewMetadata()
                                        .withName("manual")
                                        .endMetadata()
                                        .addNewSubset()
                                        .addNewAddress()
                                        .withIp("127.0.0.250")
                                        .endAddress()
                                        .addNewPort()
                                        .withPort(80)
                                        .endPort()
                                        .endSubset()
                                        .build())
                        .create();
        cluster.awaitQuiet("endpoints");
        assertThat(
                        client.endpoints()
                                .inNamespace(NS)
                                .withName("manual")
                                .get()
                                .getMetadata()
                                .getResourceVersion())
                .isEqualTo(written.getMetadata().getResourceVersion());
    }

    @Test
    @Order(6)
    void deletedService_takesItsEndpoints() {
        client.services().inNamespace(NS).withName("metrics").delete();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> client.endpoints().inNamespace(NS).withName("metrics").get() == null);
    }

    @Test
    @Order(7)
    void metrics_areServedAtSlashMetrics() throws Exception {
        HttpResponse<String> metrics =
                HttpClient.newBuilder()
                        .sslContext(cluster.adminSslContext())
                        .build()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(cluster.server().apiUrl() + "/metrics"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("j8s_workqueue_depth{name=\"endpoints\"}")
                .contains("j8s_workqueue_retries_total{name=\"endpoints\"}")
                .contains(
                        "j8s_controller_sync_duration_seconds_count{controller=\"endpoints\",result=\"success\"}")
                .contains("j8s_controller_retries_total{controller=\"endpoints\"}")
                .contains(
                        "j8s_controller_writes_total{controller=\"endpoints\",resource=\"endpoints\",verb=\"update\"}")
                .contains("j8s_endpoints_programming_latency_seconds_count");
    }

    @Test
    @Order(8)
    void resync_writesNothing() {
        ControllerChecks.resyncWritesNothing(cluster, "endpoints", 10);
    }

    @Test
    @Order(9)
    void restart_sameEndpoints_noWrites() throws Exception {
        ControllerChecks.restartWritesNothing(
                cluster,
                "endpoints",
                () ->
                        ControllerChecks.versions(
                                client.endpoints().inNamespace(NS).list().getItems()));
    }

    @Test
    @Order(10)
    void restart_deletesEndpointsLeftBehindByADeletedService() throws Exception {
        client.endpoints()
                .inNamespace(NS)
                .resource(
                        new EndpointsBuilder()
                                .withNewMetadata()
                                .withName("left-behind")
                                .endMetadata()
                                .build())
                .create();
        cluster.restart();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                client.endpoints().inNamespace(NS).withName("left-behind").get()
                                        == null);
        assertThat(client.endpoints().inNamespace(NS).withName("manual").get()).isNotNull();
        assertThat(client.endpoints().inNamespace(NS).withName("kubernetes").get()).isNotNull();
    }
}
