package io.j8s.controllers.util;

import static io.j8s.controllers.testing.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerRefManagerTest {

    private final ReplicaSet rs =
            new ReplicaSetBuilder()
                    .withNewMetadata()
                    .withName("web-1")
                    .withNamespace("default")
                    .withUid("rs-uid")
                    .endMetadata()
                    .withNewSpec()
                    .withSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web").build())
                    .endSpec()
                    .build();
    private final Pod orphan = pod("orphan", "127.244.1.2", true).build();
    private final Pod mine =
            new PodBuilder(pod("mine", "127.244.1.3", true).build())
                    .editMetadata()
                    .withOwnerReferences(OwnerReferences.controllerRef(rs, "apps/v1", "ReplicaSet"))
                    .endMetadata()
                    .build();
    private final Pod relabelled =
            new PodBuilder(mine)
                    .editMetadata()
                    .withName("relabelled")
                    .withLabels(Map.of("app", "other"))
                    .endMetadata()
                    .build();
    private final Pod foreign =
            new PodBuilder(pod("foreign", "127.244.1.5", true).build())
                    .editMetadata()
                    .addNewOwnerReference()
                    .withUid("other")
                    .withKind("ReplicaSet")
                    .withName("x")
                    .withApiVersion("apps/v1")
                    .withController(true)
                    .endOwnerReference()
                    .endMetadata()
                    .build();
    private final List<Pod> written = new ArrayList<>();

    private ControllerRefManager<Pod> manager(boolean canAdopt) {
        return new ControllerRefManager<>(
                rs,
                "apps/v1",
                "ReplicaSet",
                () -> canAdopt,
                p -> {
                    written.add(p);
                    return p;
                });
    }

    @Test
    void decide_adoptsMatchingOrphansReleasesMismatchedIgnoresOthers() {
        ClaimDecision<Pod> d =
                ClaimDecision.decide(
                        rs, rs.getSpec().getSelector(), List.of(orphan, mine, relabelled, foreign));

        assertThat(d.owned()).extracting(p -> p.getMetadata().getName()).containsExactly("mine");
        assertThat(d.toAdopt())
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("orphan");
        assertThat(d.toRelease())
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("relabelled");
    }

    @Test
    void decide_aControllerBeingDeletedAdoptsAndReleasesNothing() {
        ReplicaSet deleting =
                new ReplicaSetBuilder(rs)
                        .editMetadata()
                        .withDeletionTimestamp("2024-05-01T10:00:00Z")
                        .endMetadata()
                        .build();

        ClaimDecision<Pod> d =
                ClaimDecision.decide(
                        deleting, rs.getSpec().getSelector(), List.of(orphan, mine, relabelled));

        assertThat(d.owned()).extracting(p -> p.getMetadata().getName()).containsExactly("mine");
        assertThat(d.toAdopt()).isEmpty();
        assertThat(d.toRelease()).isEmpty();
    }

    @Test
    void claim_writesTheAdoptionAndTheReleaseAndReturnsWhatItControls() {
        List<Pod> claimed =
                manager(true)
                        .claim(
                                rs.getSpec().getSelector(),
                                List.of(orphan, mine, relabelled, foreign));

        assertThat(claimed)
                .extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("mine", "orphan");
        assertThat(written)
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("orphan", "relabelled");
        assertThat(OwnerReferences.isControlledBy(written.get(0), "rs-uid")).isTrue();
        assertThat(written.get(1).getMetadata().getOwnerReferences()).isEmpty();
        assertThat(orphan.getMetadata().getOwnerReferences())
                .as("the cached object is not modified")
                .isEmpty();
    }

    @Test
    void claim_noAdoptionWhenTheRecheckFails() {
        List<Pod> claimed = manager(false).claim(rs.getSpec().getSelector(), List.of(orphan, mine));

        assertThat(claimed).extracting(p -> p.getMetadata().getName()).containsExactly("mine");
        assertThat(written).isEmpty();
    }

    @Test
    void claim_aDependentGoneMeanwhileIsSkipped() {
        ControllerRefManager<Pod> refs =
                new ControllerRefManager<>(
                        rs,
                        "apps/v1",
                        "ReplicaSet",
                        () -> true,
                        p -> {
                            throw new KubernetesClientException("not found", 404, null);
                        });

        assertThat(refs.claim(rs.getSpec().getSelector(), List.of(orphan, mine, relabelled)))
                .extracting(p -> p.getMetadata().getName())
                .containsExactly("mine");
    }

    @Test
    void recheck_theSameControllerNotBeingDeleted() {
        ReplicaSet replaced =
                new ReplicaSetBuilder(rs).editMetadata().withUid("new-uid").endMetadata().build();
        ReplicaSet deleting =
                new ReplicaSetBuilder(rs)
                        .editMetadata()
                        .withDeletionTimestamp("2024-05-01T10:00:00Z")
                        .endMetadata()
                        .build();

        assertThat(ControllerRefManager.recheck(rs, () -> rs).getAsBoolean()).isTrue();
        assertThat(ControllerRefManager.recheck(rs, () -> null).getAsBoolean()).isFalse();
        assertThat(ControllerRefManager.recheck(rs, () -> replaced).getAsBoolean()).isFalse();
        assertThat(ControllerRefManager.recheck(rs, () -> deleting).getAsBoolean()).isFalse();
    }
}
