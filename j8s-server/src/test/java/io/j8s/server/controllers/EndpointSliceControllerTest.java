package io.j8s.server.controllers;

import static io.j8s.server.controllers.TestObjects.create;
import static io.j8s.server.controllers.TestObjects.node;
import static io.j8s.server.controllers.TestObjects.pod;
import static io.j8s.server.controllers.TestObjects.port;
import static io.j8s.server.controllers.TestObjects.running;
import static io.j8s.server.controllers.TestObjects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.server.ControllerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The EndpointSlice controller alone against a real server, with at most 2 endpoints per slice. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndpointSliceControllerTest extends AbstractControllerTest {
    private static final String NS = "default";

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("endpointslice"))
                .withMaxEndpointsPerSlice(2)
                .withResyncPeriod(Duration.ofSeconds(1));
    }

    @BeforeAll
    void createNodes() {
        client.nodes()
                .resource(node("node-1", Map.of("topology.kubernetes.io/zone", "zone-a")))
                .create();
        client.nodes().resource(node("node-2", Map.of())).create();
    }

    private List<EndpointSlice> slices(String service) {
        return client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace(NS)
                .withLabel("kubernetes.io/service-name", service)
                .list()
                .getItems();
    }

    private List<EndpointSlice> awaitSlices(String service, Predicate<List<EndpointSlice>> check) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> slices(service), check);
    }

    private static List<Endpoint> endpoints(List<EndpointSlice> slices) {
        return slices.stream()
                .flatMap(
                        s ->
                                s.getEndpoints() == null
                                        ? java.util.stream.Stream.empty()
                                        : s.getEndpoints().stream())
                .toList();
    }

    @Test
    @Order(1)
    void serviceWithoutPods_hasOnePlaceholderSlice() {
        Service svc =
                client.services()
                        .inNamespace(NS)
                        .resource(
                                service(
                                        "web",
                                        Map.of("tier", "front"),
                                        Map.of("app", "web"),
                                        port(null, 80, 8080)))
                        .create();
        EndpointSlice slice = awaitSlices("web", l -> l.size() == 1).get(0);
        assertThat(slice.getEndpoints()).isNullOrEmpty();
        assertThat(slice.getAddressType()).isEqualTo("IPv4");
        assertThat(slice.getMetadata().getName()).startsWith("web-");
        assertThat(slice.getMetadata().getGenerateName()).isEqualTo("web-");
        assertThat(slice.getMetadata().getLabels())
                .isEqualTo(
                        Map.of(
                                "kubernetes.io/service-name", "web",
                                "endpointslice.kubernetes.io/managed-by",
                                        "endpointslice-controller.k8s.io",
                                "tier", "front"));
        assertThat(slice.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getKind()).isEqualTo("Service");
                            assertThat(r.getApiVersion()).isEqualTo("v1");
                            assertThat(r.getName()).isEqualTo("web");
                            assertThat(r.getUid()).isEqualTo(svc.getMetadata().getUid());
                            assertThat(r.getController()).isTrue();
                            assertThat(r.getBlockOwnerDeletion()).isTrue();
                        });
    }

    @Test
    @Order(2)
    void pods_fillSlicesOfAtMostTwo_withConditionsZonesAndNamedPorts() {
        Map<String, String> web = Map.of("app", "web");
        for (int i = 1; i <= 5; i++) {
            create(client, NS, pod("web-" + i, web, i % 2 == 1 ? "node-1" : "node-2"));
            running(client, NS, "web-" + i, "127.244.1." + (10 + i), i != 5);
        }
        List<EndpointSlice> slices = awaitSlices("web", l -> endpoints(l).size() == 5);
        assertThat(slices)
                .hasSize(3)
                .allSatisfy(
                        s -> {
                            assertThat(s.getEndpoints()).hasSizeLessThanOrEqualTo(2);
                            // an unnamed Service port still has "name": "" (kubectl describe svc
                            // needs it)
                            assertThat(s.getPorts())
                                    .singleElement()
                                    .satisfies(
                                            p -> {
                                                assertThat(p.getName()).isEqualTo("");
                                                assertThat(p.getPort()).isEqualTo(8080);
                                                assertThat(p.getProtocol()).isEqualTo("TCP");
                                            });
                        });
        Endpoint one =
                endpoints(slices).stream()
                        .filter(e -> e.getAddresses().equals(List.of("127.244.1.11")))
                        .findFirst()
                        .orElseThrow();
        assertThat(one.getNodeName()).isEqualTo("node-1");
        assertThat(one.getZone()).isEqualTo("zone-a");
        assertThat(one.getTargetRef().getName()).isEqualTo("web-1");
        assertThat(one.getConditions().getReady()).isTrue();
        assertThat(one.getConditions().getServing()).isTrue();
        assertThat(one.getConditions().getTerminating()).isFalse();
        Endpoint five =
                endpoints(slices).stream()
                        .filter(e -> e.getAddresses().equals(List.of("127.244.1.15")))
                        .findFirst()
                        .orElseThrow();
        assertThat(five.getConditions().getReady()).isFalse();
        assertThat(five.getConditions().getServing()).isFalse();
        Endpoint two =
                endpoints(slices).stream()
                        .filter(e -> e.getAddresses().equals(List.of("127.244.1.12")))
                        .findFirst()
                        .orElseThrow();
        assertThat(two.getZone()).isNull();
    }

    @Test
    @Order(3)
    void terminatingPod_staysListedAsServingAndTerminating() {
        client.pods().inNamespace(NS).withName("web-1").delete(); // graceful: it is on a node
        Endpoint one =
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(
                                () ->
                                        endpoints(slices("web")).stream()
                                                .filter(
                                                        e ->
                                                                e.getAddresses()
                                                                        .equals(
                                                                                List.of(
                                                                                        "127.244.1.11")))
                                                .findFirst()
                                                .orElse(null),
                                e ->
                                        e != null
                                                && Boolean.TRUE.equals(
                                                        e.getConditions().getTerminating()));
        assertThat(one.getConditions().getReady()).isFalse();
        assertThat(one.getConditions().getServing()).isTrue();
        client.pods().inNamespace(NS).withName("web-1").withGracePeriod(0).delete();
        awaitSlices("web", l -> endpoints(l).size() == 4);
    }

    @Test
    @Order(4)
    void selectorlessService_getsNoSlicesFromThisController() {
        client.services()
                .inNamespace(NS)
                .resource(service("manual", null, null, port(null, 80, 80)))
                .create();
        cluster.awaitQuiet("endpointslice");
        assertThat(slices("manual")).isEmpty();
    }

    @Test
    @Order(5)
    void resync_writesNothing() {
        ControllerChecks.resyncWritesNothing(cluster, "endpointslice", 6);
    }

    @Test
    @Order(6)
    void restart_sameSlices_noWrites() throws Exception {
        ControllerChecks.restartWritesNothing(
                cluster,
                "endpointslice",
                () ->
                        ControllerChecks.versions(
                                client.discovery()
                                        .v1()
                                        .endpointSlices()
                                        .inNamespace(NS)
                                        .list()
                                        .getItems()));
    }

    @Test
    @Order(7)
    void podsGone_leaveThePlaceholder() {
        client.pods().inNamespace(NS).withLabel("app", "web").withGracePeriod(0).delete();
        List<EndpointSlice> slices =
                awaitSlices("web", l -> l.size() == 1 && endpoints(l).isEmpty());
        assertThat(slices.get(0).getMetadata().getLabels())
                .containsEntry("kubernetes.io/service-name", "web");
    }
}
