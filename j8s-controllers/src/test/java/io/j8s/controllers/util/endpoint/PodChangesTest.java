package io.j8s.controllers.util.endpoint;

import static io.j8s.controllers.testing.TestObjects.pod;
import static io.j8s.controllers.testing.TestObjects.port;
import static io.j8s.controllers.testing.TestObjects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PodChangesTest {

    private final Pod a = pod("a", "127.244.1.2", true).build();

    /**
     * Services by the value of the Pod's {@code app} label: web → default/web, api → default/api.
     */
    private final Function<Pod, Set<String>> memberships =
            p -> {
                String app =
                        p.getMetadata().getLabels() == null
                                ? null
                                : p.getMetadata().getLabels().get("app");
                return app == null ? Set.of() : Set.of("default/" + app);
            };

    private static Pod next(Pod pod, java.util.function.UnaryOperator<PodBuilder> change) {
        return change.apply(new PodBuilder(pod))
                .editMetadata()
                .withResourceVersion("2")
                .endMetadata()
                .build();
    }

    @Test
    void servicesToUpdate_aResyncUpdatesNothing() {
        assertThat(PodChanges.servicesToUpdate(memberships, a, new PodBuilder(a).build()))
                .isEmpty();
    }

    @Test
    void servicesToUpdate_readinessChangeUpdatesTheSelectingServices() {
        Pod notReady =
                next(
                        a,
                        b ->
                                b.editStatus()
                                        .editFirstCondition()
                                        .withStatus("False")
                                        .endCondition()
                                        .endStatus());

        assertThat(PodChanges.endpointsChanged(a, notReady)).isTrue();
        assertThat(PodChanges.servicesToUpdate(memberships, a, notReady))
                .containsExactly("default/web");
    }

    @Test
    void servicesToUpdate_anUnrelatedChangeUpdatesNothing() {
        Pod annotated = next(a, b -> b.editMetadata().addToAnnotations("note", "x").endMetadata());

        assertThat(PodChanges.endpointsChanged(a, annotated)).isFalse();
        assertThat(PodChanges.servicesToUpdate(memberships, a, annotated)).isEmpty();
    }

    @Test
    void servicesToUpdate_aLabelChangeUpdatesTheServicesLeftAndJoined() {
        Pod moved = next(a, b -> b.editMetadata().withLabels(Map.of("app", "api")).endMetadata());

        assertThat(PodChanges.membershipMayChange(a, moved)).isTrue();
        assertThat(PodChanges.servicesToUpdate(memberships, a, moved))
                .containsExactlyInAnyOrder("default/web", "default/api");
    }

    @Test
    void servicesToUpdate_aLabelChangeKeepingTheServicesUpdatesNone() {
        Pod relabelled = next(a, b -> b.editMetadata().addToLabels("tier", "front").endMetadata());

        assertThat(PodChanges.servicesToUpdate(memberships, a, relabelled)).isEmpty();
    }

    @Test
    void endpointsChanged_deletionAndNodeCount() {
        assertThat(
                        PodChanges.endpointsChanged(
                                a,
                                next(
                                        a,
                                        b ->
                                                b.editMetadata()
                                                        .withDeletionTimestamp(
                                                                "2024-05-01T11:00:00Z")
                                                        .endMetadata())))
                .isTrue();
        assertThat(
                        PodChanges.endpointsChanged(
                                a, next(a, b -> b.editSpec().withNodeName("node02").endSpec())))
                .isTrue();
        assertThat(
                        PodChanges.endpointsChanged(
                                a, next(a, b -> b.editSpec().withHostname("h").endSpec())))
                .isTrue();
    }

    @Test
    void endpointPods_referenceNodeAndHostname() {
        Service web = service("web", port(null, 80, 8080)).build();
        Pod named = next(a, b -> b.editSpec().withHostname("h").withSubdomain("web").endSpec());
        Pod unbound = next(a, b -> b.editSpec().withNodeName(null).endSpec());

        assertThat(EndpointPods.targetRef(a).getKind()).isEqualTo("Pod");
        assertThat(EndpointPods.targetRef(a).getUid()).isEqualTo("uid-a");
        assertThat(EndpointPods.nodeName(a)).isEqualTo("node01");
        assertThat(EndpointPods.nodeName(unbound)).isNull();
        assertThat(EndpointPods.hostname(a, web)).isNull();
        assertThat(EndpointPods.hostname(named, web)).isEqualTo("h");
    }
}
