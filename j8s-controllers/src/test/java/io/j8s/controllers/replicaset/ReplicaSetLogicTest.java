package io.j8s.controllers.replicaset;

import static io.j8s.controllers.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaSetLogicTest {

    private final Instant now = Instant.parse("2024-05-01T12:00:00Z");

    private static ReplicaSet rs() {
        return new ReplicaSetBuilder()
                .withNewMetadata()
                .withName("web-6d84458cd8")
                .withNamespace("default")
                .withUid("rs-uid")
                .withGeneration(2L)
                .endMetadata()
                .withNewSpec()
                .withReplicas(3)
                .withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build())
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("web")
                .withImage("nginx")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    @Test
    void podFromTemplate_generateNameLabelsAndControllerRef() {
        Pod p = ReplicaSets.podFromTemplate(rs());
        assertThat(p.getMetadata().getName()).isNull();
        assertThat(p.getMetadata().getGenerateName()).isEqualTo("web-6d84458cd8-");
        assertThat(p.getMetadata().getLabels()).isEqualTo(Map.of("app", "web"));
        assertThat(p.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.getKind()).isEqualTo("ReplicaSet");
                            assertThat(r.getApiVersion()).isEqualTo("apps/v1");
                            assertThat(r.getUid()).isEqualTo("rs-uid");
                            assertThat(r.getController()).isTrue();
                            assertThat(r.getBlockOwnerDeletion()).isTrue();
                        });
        assertThat(p.getSpec().getContainers())
                .singleElement()
                .satisfies(c -> assertThat(c.getImage()).isEqualTo("nginx"));
    }

    @Test
    void podsToDelete_unscheduledThenPendingThenNotReadyFirst() {
        Pod running = pod("running", "127.244.1.2", true).build();
        Pod notReady = pod("not-ready", "127.244.1.3", false).build();
        Pod pending =
                new PodBuilder(pod("pending", "127.244.1.4", false).build())
                        .editStatus()
                        .withPhase("Pending")
                        .endStatus()
                        .build();
        Pod unscheduled =
                new PodBuilder(pod("unscheduled", "", false).build())
                        .editSpec()
                        .withNodeName(null)
                        .endSpec()
                        .editStatus()
                        .withPhase("Pending")
                        .endStatus()
                        .build();
        List<Pod> all = List.of(running, notReady, pending, unscheduled);

        assertThat(PodDeletionRanking.podsToDelete(all, all, 3, now))
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("unscheduled", "pending", "not-ready");
    }

    @Test
    void podsToDelete_doubledUpNodesAndNewerPodsFirst() {
        Pod a =
                new PodBuilder(pod("a", "127.244.1.2", true).build())
                        .editSpec()
                        .withNodeName("node01")
                        .endSpec()
                        .build();
        Pod b =
                new PodBuilder(pod("b", "127.244.1.3", true).build())
                        .editSpec()
                        .withNodeName("node01")
                        .endSpec()
                        .build();
        Pod c =
                new PodBuilder(pod("c", "127.244.2.2", true).build())
                        .editSpec()
                        .withNodeName("node02")
                        .endSpec()
                        .build();
        assertThat(
                        PodDeletionRanking.podsToDelete(List.of(c, a, b), List.of(a, b, c), 1, now)
                                .get(0)
                                .getSpec()
                                .getNodeName())
                .isEqualTo("node01");

        Pod old =
                new PodBuilder(pod("old", "127.244.1.2", true).build())
                        .editMetadata()
                        .withCreationTimestamp("2024-04-01T00:00:00Z")
                        .endMetadata()
                        .editStatus()
                        .editFirstCondition()
                        .withLastTransitionTime("2024-04-01T00:00:00Z")
                        .endCondition()
                        .endStatus()
                        .build();
        Pod young =
                new PodBuilder(pod("young", "127.244.1.3", true).build())
                        .editMetadata()
                        .withCreationTimestamp("2024-05-01T11:59:00Z")
                        .endMetadata()
                        .editStatus()
                        .editFirstCondition()
                        .withLastTransitionTime("2024-05-01T11:59:00Z")
                        .endCondition()
                        .endStatus()
                        .build();
        assertThat(PodDeletionRanking.podsToDelete(List.of(old, young), List.of(), 1, now))
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("young");
    }

    @Test
    void podsToDelete_lowerDeletionCostFirst() {
        Pod cheap =
                new PodBuilder(pod("cheap", "127.244.1.2", true).build())
                        .editMetadata()
                        .addToAnnotations(PodDeletionRanking.DELETION_COST_ANNOTATION, "-10")
                        .endMetadata()
                        .build();
        Pod dear =
                new PodBuilder(pod("dear", "127.244.1.3", true).build())
                        .editMetadata()
                        .addToAnnotations(PodDeletionRanking.DELETION_COST_ANNOTATION, "100")
                        .endMetadata()
                        .build();
        assertThat(
                        PodDeletionRanking.podsToDelete(List.of(dear, cheap), List.of(), 1, now)
                                .get(0)
                                .getMetadata()
                                .getName())
                .isEqualTo("cheap");
    }

    @Test
    void expectations_blockUntilObservedOrExpired() {
        Instant[] t = {now};
        Clock clock =
                new Clock() {
                    @Override
                    public ZoneOffset getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(java.time.ZoneId zone) {
                        return this;
                    }

                    @Override
                    public Instant instant() {
                        return t[0];
                    }
                };
        Expectations e = new Expectations(clock);
        assertThat(e.satisfied("default/web")).isTrue();
        e.expectCreations("default/web", 2);
        assertThat(e.satisfied("default/web")).isFalse();
        e.creationObserved("default/web");
        e.creationObserved("default/web");
        assertThat(e.satisfied("default/web")).isTrue();

        e.expectDeletions("default/web", Set.of("default/a", "default/b"));
        e.deletionObserved("default/web", "default/a");
        e.deletionObserved("default/web", "default/a");
        assertThat(e.satisfied("default/web")).as("one Pod observed twice counts once").isFalse();
        t[0] = now.plus(Expectations.TIMEOUT).plus(Duration.ofSeconds(1));
        assertThat(e.satisfied("default/web")).as("expired").isTrue();
    }

    @Test
    void status_countsReadyAvailableAndFullyLabeled() {
        ReplicaSet r =
                new ReplicaSetBuilder(rs()).editSpec().withMinReadySeconds(30).endSpec().build();
        Pod longReady = pod("a", "127.244.1.2", true).build();
        Pod justReady =
                new PodBuilder(pod("b", "127.244.1.3", true).build())
                        .editStatus()
                        .editFirstCondition()
                        .withLastTransitionTime("2024-05-01T11:59:50Z")
                        .endCondition()
                        .endStatus()
                        .build();
        Pod mislabelled =
                new PodBuilder(pod("c", "127.244.1.4", false).build())
                        .editMetadata()
                        .withLabels(Map.of("x", "y"))
                        .endMetadata()
                        .build();

        var status =
                ReplicaSets.calculateStatus(
                        r, List.of(longReady, justReady, mislabelled), null, null, now);

        assertThat(status.getReplicas()).isEqualTo(3);
        assertThat(status.getReadyReplicas()).isEqualTo(2);
        assertThat(status.getAvailableReplicas()).isEqualTo(1);
        assertThat(status.getFullyLabeledReplicas()).isEqualTo(2);
    }
}
