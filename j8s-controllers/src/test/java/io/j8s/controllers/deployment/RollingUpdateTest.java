package io.j8s.controllers.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollingUpdateTest {

    private static Deployment deployment(int replicas, Object surge, Object unavailable) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName("web")
                .withNamespace("default")
                .withGeneration(1L)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewStrategy()
                .withType("RollingUpdate")
                .withNewRollingUpdate()
                .withMaxSurge(ios(surge))
                .withMaxUnavailable(ios(unavailable))
                .endRollingUpdate()
                .endStrategy()
                .endSpec()
                .build();
    }

    private static IntOrString ios(Object o) {
        return o == null
                ? null
                : o instanceof Integer i ? new IntOrString(i) : new IntOrString((String) o);
    }

    private static ReplicaSet rs(String name, String created, int spec, int available) {
        return new ReplicaSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withCreationTimestamp(created)
                .endMetadata()
                .withNewSpec()
                .withReplicas(spec)
                .endSpec()
                .withNewStatus()
                .withReplicas(spec)
                .withAvailableReplicas(available)
                .withReadyReplicas(available)
                .endStatus()
                .build();
    }

    @Test
    void resolveFenceposts_roundsSurgeUpAndUnavailableDown() {
        assertThat(DeploymentUtil.resolveFenceposts(null, null, 4)).containsExactly(1, 1);
        assertThat(DeploymentUtil.resolveFenceposts(null, null, 3)).containsExactly(1, 0);
        assertThat(DeploymentUtil.resolveFenceposts(null, null, 10)).containsExactly(3, 2);
        assertThat(DeploymentUtil.resolveFenceposts(new IntOrString(0), new IntOrString(0), 10))
                .containsExactly(0, 1);
        assertThat(DeploymentUtil.resolveFenceposts(new IntOrString("50%"), new IntOrString(2), 3))
                .containsExactly(2, 2);
    }

    @Test
    void step_by_step_rollout_of_4_replicas_with_25_percent() {
        Deployment d = deployment(4, null, null);
        ReplicaSet old = rs("web-old", "2024-05-01T10:00:00Z", 4, 4);
        ReplicaSet fresh = rs("web-new", "2024-05-01T11:00:00Z", 0, 0);

        // the new ReplicaSet may surge by one
        assertThat(RollingUpdate.newReplicaSetSize(d, List.of(old, fresh), fresh)).isEqualTo(1);
        fresh = rs("web-new", "2024-05-01T11:00:00Z", 1, 0);
        // total 5, min available 3, one new Pod unavailable: the old one may lose one
        assertThat(RollingUpdate.oldReplicaSetSizes(d, List.of(old), fresh))
                .isEqualTo(Map.of("web-old", 3));
        old = rs("web-old", "2024-05-01T10:00:00Z", 3, 3);
        // at the surge limit: no growth until something goes
        assertThat(RollingUpdate.newReplicaSetSize(d, List.of(old, fresh), fresh)).isEqualTo(2);
        fresh = rs("web-new", "2024-05-01T11:00:00Z", 2, 0);
        assertThat(RollingUpdate.newReplicaSetSize(d, List.of(old, fresh), fresh)).isEqualTo(2);
        // both new Pods still unavailable: 5 - 3 - 2 = 0, nothing more may go
        assertThat(RollingUpdate.oldReplicaSetSizes(d, List.of(old), fresh)).isEmpty();
        fresh = rs("web-new", "2024-05-01T11:00:00Z", 2, 2);
        assertThat(RollingUpdate.oldReplicaSetSizes(d, List.of(old), fresh))
                .isEqualTo(Map.of("web-old", 1));
    }

    @Test
    void oldReplicaSetSizes_unhealthyReplicasGoFirst() {
        Deployment d = deployment(4, 0, 1);
        ReplicaSet old = rs("web-old", "2024-05-01T10:00:00Z", 4, 2);
        ReplicaSet fresh = rs("web-new", "2024-05-01T11:00:00Z", 0, 0);
        // total 4, min available 3: one may go; it is an unavailable one, and availability (2) is
        // then below min
        assertThat(RollingUpdate.oldReplicaSetSizes(d, List.of(old), fresh))
                .isEqualTo(Map.of("web-old", 3));
    }

    @Test
    void proportionalSizes_shareAResizeByCurrentSize() {
        Deployment d = deployment(20, 3, 0);
        ReplicaSet a =
                new ReplicaSetBuilder(rs("a", "2024-05-01T10:00:00Z", 8, 8))
                        .editMetadata()
                        .addToAnnotations(DeploymentUtil.MAX_REPLICAS_ANNOTATION, "13")
                        .endMetadata()
                        .build();
        ReplicaSet b =
                new ReplicaSetBuilder(rs("b", "2024-05-01T11:00:00Z", 5, 5))
                        .editMetadata()
                        .addToAnnotations(DeploymentUtil.MAX_REPLICAS_ANNOTATION, "13")
                        .endMetadata()
                        .build();
        // 10 -> 20 replicas: allowed 23, currently 13; 8*23/13 = 14.15 -> 14 (+6), 5*23/13 = 8.8 ->
        // 9 (+4)
        Map<String, Integer> sizes = RollingUpdate.proportionalSizes(d, List.of(a, b));
        assertThat(sizes).isEqualTo(Map.of("a", 14, "b", 9));
        assertThat(sizes.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(23);
    }

    @Test
    void status_conditionsAndCompletion() {
        Deployment d = deployment(2, null, null);
        ReplicaSet fresh = rs("web-new", "2024-05-01T11:00:00Z", 2, 2);
        var status =
                DeploymentUtil.calculateStatus(
                        List.of(fresh), fresh, d, java.time.Instant.parse("2024-05-01T12:00:00Z"));
        assertThat(status.getReplicas()).isEqualTo(2);
        assertThat(status.getUpdatedReplicas()).isEqualTo(2);
        assertThat(status.getAvailableReplicas()).isEqualTo(2);
        assertThat(status.getUnavailableReplicas()).isZero();
        assertThat(status.getObservedGeneration()).isEqualTo(1L);
        assertThat(DeploymentUtil.getCondition(status, "Available").getReason())
                .isEqualTo("MinimumReplicasAvailable");
        assertThat(DeploymentUtil.isComplete(d, status)).isTrue();
    }

    /**
     * An old ReplicaSet just scaled 4 → 3 still reports 4 available: the Pod it is deleting counts
     * once.
     */
    @Test
    void oldReplicaSetSizes_doesNotCountPodsAReplicaSetIsAboutToDelete() {
        Deployment d = deployment(4, null, null);
        ReplicaSet old =
                new ReplicaSetBuilder(rs("web-old", "2024-05-01T10:00:00Z", 3, 4))
                        .editStatus()
                        .withReplicas(4)
                        .endStatus()
                        .build();
        ReplicaSet fresh = rs("web-new", "2024-05-01T11:00:00Z", 1, 1);
        // min available 3: old 3 (not 4) + new 1 = 4 available, so one more old Pod may go, not two
        assertThat(RollingUpdate.oldReplicaSetSizes(d, List.of(old), fresh))
                .isEqualTo(Map.of("web-old", 2));
    }
}
