package io.j8s.controllers.endpointslicemirroring;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.controllers.util.endpointslice.EndpointSliceReconciler;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MirroredSlicesTest {

    private static EndpointsBuilder endpoints() {
        return new EndpointsBuilder()
                .withNewMetadata()
                .withName("my-service")
                .withNamespace("default")
                .withUid("uid-ep")
                .withLabels(Map.of("app", "ext"))
                .withAnnotations(
                        Map.of(
                                "kubectl.kubernetes.io/last-applied-configuration",
                                "{}",
                                "team",
                                "a"))
                .endMetadata()
                .addNewSubset()
                .addNewAddress()
                .withIp("192.0.2.42")
                .endAddress()
                .addNewNotReadyAddress()
                .withIp("192.0.2.43")
                .endNotReadyAddress()
                .addNewPort()
                .withPort(9376)
                .withProtocol("TCP")
                .endPort()
                .endSubset();
    }

    @Test
    void desired_readyAndNotReadyAddresses() {
        MirroredSlices.Desired d = MirroredSlices.desired(endpoints().build(), 1000);

        EndpointSliceReconciler.DesiredGroup group =
                d.groupsByAddressType().get("IPv4").values().iterator().next();
        assertThat(group.ports())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.getName()).isEqualTo("");
                            assertThat(p.getPort()).isEqualTo(9376);
                        });
        assertThat(group.endpoints())
                .extracting(e -> e.getAddresses().get(0) + "=" + e.getConditions().getReady())
                .containsExactly("192.0.2.42=true", "192.0.2.43=false");
    }

    @Test
    void desired_capsEachSubsetAndCountsTheRest() {
        EndpointsBuilder b =
                new EndpointsBuilder()
                        .withNewMetadata()
                        .withName("s")
                        .withNamespace("default")
                        .endMetadata();
        var subset = b.addNewSubset().addNewPort().withPort(80).endPort();
        for (int i = 0; i < 12; i++) {
            subset.addNewAddress().withIp("192.0.2." + (i + 1)).endAddress();
        }
        subset.addNewAddress().withIp("not-an-ip").endAddress();
        subset.endSubset();

        MirroredSlices.Desired d = MirroredSlices.desired(b.build(), 10);

        assertThat(d.groupsByAddressType().get("IPv4").values().iterator().next().endpoints())
                .hasSize(10);
        assertThat(d.skippedOverCapacity() + d.invalid()).isEqualTo(3);
    }

    @Test
    void shouldMirror_respectsSkipMirrorLabel() {
        assertThat(MirroredSlices.shouldMirror(endpoints().build())).isTrue();
        assertThat(
                        MirroredSlices.shouldMirror(
                                endpoints()
                                        .editMetadata()
                                        .addToLabels(
                                                "endpointslice.kubernetes.io/skip-mirror", "true")
                                        .endMetadata()
                                        .build()))
                .isFalse();
    }

    @Test
    void owner_copiesLabelsAndAnnotationsButNotLastApplied() {
        Endpoints ep = endpoints().build();
        MirroredSlices.EndpointsOwner owner = new MirroredSlices.EndpointsOwner(ep);
        EndpointSliceReconciler reconciler = new EndpointSliceReconciler(1000, false);

        EndpointSliceReconciler.Plan plan =
                reconciler.reconcile(
                        owner,
                        "IPv4",
                        MirroredSlices.desired(ep, 1000).groupsByAddressType().get("IPv4"),
                        List.of(),
                        null);

        EndpointSlice slice = plan.toCreate().get(0);
        assertThat(slice.getMetadata().getLabels())
                .containsEntry("app", "ext")
                .containsEntry("kubernetes.io/service-name", "my-service")
                .containsEntry(
                        "endpointslice.kubernetes.io/managed-by",
                        "endpointslicemirroring-controller.k8s.io");
        assertThat(slice.getMetadata().getAnnotations())
                .containsEntry("team", "a")
                .doesNotContainKey("kubectl.kubernetes.io/last-applied-configuration");
        assertThat(slice.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getKind()).isEqualTo("Endpoints");
                            assertThat(r.getUid()).isEqualTo("uid-ep");
                        });
    }

    @Test
    void reconcile_noAddressesMeansNoSliceAtAll() {
        Endpoints empty =
                new EndpointsBuilder()
                        .withNewMetadata()
                        .withName("s")
                        .withNamespace("default")
                        .endMetadata()
                        .build();
        EndpointSliceReconciler reconciler = new EndpointSliceReconciler(1000, false);

        EndpointSliceReconciler.Plan plan =
                reconciler.reconcile(
                        new MirroredSlices.EndpointsOwner(empty),
                        "IPv4",
                        Map.of(),
                        List.of(),
                        null);

        assertThat(plan.isEmpty()).isTrue();
    }

    @Test
    void addressType_recognisesIpLiterals() {
        assertThat(MirroredSlices.addressType("10.0.0.1")).isEqualTo("IPv4");
        assertThat(MirroredSlices.addressType("::1")).isEqualTo("IPv6");
        assertThat(MirroredSlices.addressType("300.0.0.1")).isNull();
        assertThat(MirroredSlices.addressType("example.com")).isNull();
    }
}
