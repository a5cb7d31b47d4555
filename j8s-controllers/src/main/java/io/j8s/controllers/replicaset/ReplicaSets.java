package io.j8s.controllers.replicaset;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.j8s.api.selector.LabelSelector;
import io.j8s.controllers.util.OwnerReferences;
import io.j8s.controllers.util.Pods;
import io.j8s.controllers.util.Semantic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Pure ReplicaSet computations: Pods from the template, status. */
public final class ReplicaSets {

    /** Maximum Pods created or deleted in one sync ({@code burstReplicas}). */
    public static final int BURST_REPLICAS = 500;

    private ReplicaSets() {}

    public static int replicas(ReplicaSet rs) {
        return rs.getSpec() == null || rs.getSpec().getReplicas() == null
                ? 1
                : rs.getSpec().getReplicas();
    }

    public static int minReadySeconds(ReplicaSet rs) {
        return rs.getSpec() == null || rs.getSpec().getMinReadySeconds() == null
                ? 0
                : rs.getSpec().getMinReadySeconds();
    }

    /**
     * {@code getPodsPrefix}: the {@code generateName} of the ReplicaSet's Pods, {@code <rs>-}; the
     * API server appends 5 characters from {@code bcdfghjklmnpqrstvwxz2456789} (truncating the
     * prefix to 58 characters first).
     */
    public static String podNamePrefix(String replicaSetName) {
        return replicaSetName + "-";
    }

    /**
     * A new Pod from the template: labels, annotations, finalizers and spec copied; owned by {@code
     * rs}.
     */
    public static Pod podFromTemplate(ReplicaSet rs) {
        PodTemplateSpec template = Semantic.copy(rs.getSpec().getTemplate());
        ObjectMeta tm = template.getMetadata() == null ? new ObjectMeta() : template.getMetadata();
        Pod pod = new Pod();
        pod.setMetadata(
                new ObjectMetaBuilder()
                        .withNamespace(rs.getMetadata().getNamespace())
                        .withGenerateName(podNamePrefix(rs.getMetadata().getName()))
                        .withLabels(
                                tm.getLabels() == null
                                        ? Map.of()
                                        : new LinkedHashMap<>(tm.getLabels()))
                        .withAnnotations(
                                tm.getAnnotations() == null
                                        ? Map.of()
                                        : new LinkedHashMap<>(tm.getAnnotations()))
                        .withFinalizers(
                                tm.getFinalizers() == null
                                        ? List.of()
                                        : new ArrayList<>(tm.getFinalizers()))
                        .withOwnerReferences(
                                OwnerReferences.controllerRef(rs, "apps/v1", "ReplicaSet"))
                        .build());
        pod.setSpec(template.getSpec());
        return pod;
    }

    /**
     * {@code calculateStatus}: counts over the active Pods the ReplicaSet owns; keeps or clears the
     * {@code ReplicaFailure} condition according to the last manage error.
     */
    public static ReplicaSetStatus calculateStatus(
            ReplicaSet rs,
            List<Pod> activePods,
            String manageError,
            String manageErrorReason,
            Instant now) {
        Map<String, String> templateLabels =
                rs.getSpec().getTemplate() == null
                                || rs.getSpec().getTemplate().getMetadata() == null
                        ? Map.of()
                        : rs.getSpec().getTemplate().getMetadata().getLabels();
        int fullyLabeled = 0;
        int ready = 0;
        int available = 0;
        for (Pod pod : activePods) {
            if (LabelSelector.matchesSet(templateLabels, pod.getMetadata().getLabels())) {
                fullyLabeled++;
            }
            if (Pods.isReady(pod)) {
                ready++;
                if (Pods.isAvailable(pod, minReadySeconds(rs), now)) {
                    available++;
                }
            }
        }
        ReplicaSetStatus old = rs.getStatus() == null ? new ReplicaSetStatus() : rs.getStatus();
        List<ReplicaSetCondition> conditions = new ArrayList<>();
        if (old.getConditions() != null) {
            for (ReplicaSetCondition c : old.getConditions()) {
                conditions.add(Semantic.copy(c));
            }
        }
        boolean hasFailure =
                conditions.stream().anyMatch(c -> "ReplicaFailure".equals(c.getType()));
        if (manageError != null && !hasFailure) {
            ReplicaSetCondition c = new ReplicaSetCondition();
            c.setType("ReplicaFailure");
            c.setStatus("True");
            c.setReason(manageErrorReason);
            c.setMessage(manageError);
            c.setLastTransitionTime(io.j8s.client.clock.Timestamps.format(now));
            conditions.add(c);
        } else if (manageError == null && hasFailure) {
            conditions.removeIf(c -> "ReplicaFailure".equals(c.getType()));
        }
        return new ReplicaSetStatusBuilder()
                .withReplicas(activePods.size())
                .withFullyLabeledReplicas(fullyLabeled)
                .withReadyReplicas(ready)
                .withAvailableReplicas(available)
                .withObservedGeneration(old.getObservedGeneration())
                .withConditions(conditions)
                .build();
    }

    /** Whether {@code status} differs from what {@code rs} has (absent counts are zero). */
    public static boolean statusDiffers(ReplicaSet rs, ReplicaSetStatus status) {
        ReplicaSetStatus old = rs.getStatus() == null ? new ReplicaSetStatus() : rs.getStatus();
        return !Semantic.equal(withZeroes(old), withZeroes(status));
    }

    /** Absent counts are zero (the API omits zero values). */
    private static ReplicaSetStatus withZeroes(ReplicaSetStatus s) {
        ReplicaSetStatus c = Semantic.copy(s);
        c.setReplicas(nz(c.getReplicas()));
        c.setFullyLabeledReplicas(nz(c.getFullyLabeledReplicas()));
        c.setReadyReplicas(nz(c.getReadyReplicas()));
        c.setAvailableReplicas(nz(c.getAvailableReplicas()));
        c.setObservedGeneration(c.getObservedGeneration() == null ? 0L : c.getObservedGeneration());
        return c;
    }

    private static int nz(Integer i) {
        return i == null ? 0 : i;
    }

    /** Whether {@code pod} is owned (controller reference) by {@code rs}. */
    public static boolean owns(ReplicaSet rs, Pod pod) {
        return OwnerReferences.isControlledBy(pod, rs.getMetadata().getUid());
    }
}
