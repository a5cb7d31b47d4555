package io.j8s.server.controllers;

import static io.j8s.server.controllers.TestObjects.port;
import static io.j8s.server.controllers.TestObjects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.server.ControllerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The EndpointSlice mirroring controller alone against a real server: the seed's ep.yaml case. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndpointSliceMirroringControllerTest extends AbstractControllerTest {
    private static final String NS = "default";
    private static final String MIRRORING = "endpointslicemirroring-controller.k8s.io";

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("endpointslicemirroring"))
                .withResyncPeriod(Duration.ofSeconds(1));
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

    @Test
    @Order(1)
    void handWrittenEndpointsOfASelectorlessService_areMirrored() {
        Endpoints ep =
                client.endpoints()
                        .inNamespace(NS)
                        .resource(
                                new EndpointsBuilder()
                                        .withNewMetadata()
                                        .withName("harbor")
                                        .addToLabels("team", "infra")
                                        .endMetadata()
                                        .addNewSubset()
                                        .addNewAddress()
                                        .withIp("127.0.0.250")
                                        .endAddress()
                                        .addNewNotReadyAddress()
                                        .withIp("127.0.0.251")
                                        .endNotReadyAddress()
                                        .addNewPort()
                                        .withPort(80)
                                        .withProtocol("TCP")
                                        .endPort()
                                        .endSubset()
                                        .build())
                        .create();
        client.services()
                .inNamespace(NS)
                .resource(service("harbor", null, null, port(null, 80, 80)))
                .create();

        EndpointSlice slice = awaitSlices("harbor", l -> l.size() == 1).get(0);
        assertThat(slice.getMetadata().getLabels())
                .containsEntry("endpointslice.kubernetes.io/managed-by", MIRRORING)
                .containsEntry("kubernetes.io/service-name", "harbor")
                .containsEntry("team", "infra");
        assertThat(slice.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getKind()).isEqualTo("Endpoints");
                            assertThat(r.getUid()).isEqualTo(ep.getMetadata().getUid());
                            assertThat(r.getController()).isTrue();
                        });
        assertThat(slice.getAddressType()).isEqualTo("IPv4");
        assertThat(slice.getPorts())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.getName()).isEqualTo("");
                            assertThat(p.getPort()).isEqualTo(80);
                        });
        assertThat(slice.getEndpoints())
                .extracting(e -> e.getAddresses().get(0), e -> e.getConditions().getReady())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("127.0.0.250", true),
                        org.assertj.core.groups.Tuple.tuple("127.0.0.251", false));
    }

    @Test
    @Order(2)
    void changedEndpoints_changeTheMirror() {
        client.endpoints()
                .inNamespace(NS)
                .withName("harbor")
                .edit(
                        e ->
                                new EndpointsBuilder(e)
                                        .editFirstSubset()
                                        .addNewAddress()
                                        .withIp("127.0.0.252")
                                        .endAddress()
                                        .endSubset()
                                        .build());
        List<EndpointSlice> slices =
                awaitSlices("harbor", l -> l.size() == 1 && l.get(0).getEndpoints().size() == 3);
        assertThat(slices.get(0).getEndpoints())
                .filteredOn(e -> e.getConditions().getReady())
                .extracting((Endpoint e) -> e.getAddresses().get(0))
                .containsExactlyInAnyOrder("127.0.0.250", "127.0.0.252");
    }

    @Test
    @Order(3)
    void resync_writesNothing() {
        ControllerChecks.resyncWritesNothing(cluster, "endpointslicemirroring", 6);
    }

    @Test
    @Order(4)
    void restart_sameSlices_noWrites() throws Exception {
        ControllerChecks.restartWritesNothing(
                cluster,
                "endpointslicemirroring",
                () -> ControllerChecks.versions(slices("harbor")));
    }

    @Test
    @Order(5)
    void skipMirrorLabel_removesTheMirror_andTakingItOffBringsItBack() {
        client.endpoints()
                .inNamespace(NS)
                .withName("harbor")
                .edit(
                        e ->
                                new EndpointsBuilder(e)
                                        .editMetadata()
                                        .addToLabels(
                                                "endpointslice.kubernetes.io/skip-mirror", "true")
                                        .endMetadata()
                                        .build());
        awaitSlices("harbor", List::isEmpty);
        client.endpoints()
                .inNamespace(NS)
                .withName("harbor")
                .edit(
                        e ->
                                new EndpointsBuilder(e)
                                        .editMetadata()
                                        .removeFromLabels("endpointslice.kubernetes.io/skip-mirror")
                                        .endMetadata()
                                        .build());
        awaitSlices("harbor", l -> l.size() == 1);
    }

    @Test
    @Order(6)
    void serviceGivenASelector_isNoLongerMirrored() {
        client.services()
                .inNamespace(NS)
                .withName("harbor")
                .edit(
                        s ->
                                new ServiceBuilder(s)
                                        .editSpec()
                                        .addToSelector("app", "harbor")
                                        .endSpec()
                                        .build());
        awaitSlices("harbor", List::isEmpty);
    }

    @Test
    @Order(7)
    void endpointsWithoutService_areNotMirrored() {
        client.endpoints()
                .inNamespace(NS)
                .resource(
                        new EndpointsBuilder()
                                .withNewMetadata()
                                .withName("lonely")
                                .endMetadata()
                                .addNewSubset()
                                .addNewAddress()
                                .withIp("127.0.0.240")
                                .endAddress()
                                .addNewPort()
                                .withPort(80)
                                .endPort()
                                .endSubset()
                                .build())
                .create();
        cluster.awaitQuiet("endpointslicemirroring");
        assertThat(slices("lonely")).isEmpty();
    }
}
