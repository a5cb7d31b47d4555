package io.j8s.controllers.deployment;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of a rolling update, as sizes ({@code rolling.go}): how far the new ReplicaSet may grow
 * and how far the old ones must shrink without breaking {@code maxSurge} / {@code maxUnavailable}.
 * Pure.
 */
public final class RollingUpdate {

    private RollingUpdate() {}

    /** The new ReplicaSet's next size ({@code reconcileNewReplicaSet}). */
    public static int newReplicaSetSize(Deployment d, List<ReplicaSet> all, ReplicaSet newRs) {
        int desired = DeploymentUtil.replicas(d);
        if (DeploymentUtil.replicas(newRs) >= desired) {
            return desired;
        }
        return DeploymentUtil.newRsNewReplicas(d, all, newRs);
    }

    /**
     * The old ReplicaSets' next sizes ({@code reconcileOldReplicaSets}): first unhealthy replicas
     * are removed, then available ones down to {@code replicas - maxUnavailable} available Pods
     * overall. Only changed ReplicaSets are in the result (name → size).
     */
    public static Map<String, Integer> oldReplicaSetSizes(
            Deployment d, List<ReplicaSet> oldRss, ReplicaSet newRs) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        List<ReplicaSet> old = new ArrayList<>(DeploymentUtil.active(oldRss));
        old.sort(DeploymentUtil.byCreation());
        List<ReplicaSet> all = new ArrayList<>(oldRss);
        all.add(newRs);
        int oldCount = DeploymentUtil.sumSpecReplicas(oldRss);
        if (oldCount == 0) {
            return sizes;
        }
        int allCount = DeploymentUtil.sumSpecReplicas(all);
        int minAvailable = DeploymentUtil.replicas(d) - DeploymentUtil.maxUnavailable(d);
        int newUnavailable = DeploymentUtil.replicas(newRs) - DeploymentUtil.available(newRs);
        int maxScaledDown = allCount - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return sizes;
        }
        // 1. unhealthy replicas of old ReplicaSets go first (they do not count as available anyway)
        int cleaned = 0;
        for (ReplicaSet rs : old) {
            if (cleaned >= maxScaledDown) {
                break;
            }
            int spec = DeploymentUtil.replicas(rs);
            int available = DeploymentUtil.available(rs);
            if (spec == 0 || available >= spec) {
                continue;
            }
            int down = Math.min(maxScaledDown - cleaned, spec - available);
            sizes.put(rs.getMetadata().getName(), spec - down);
            cleaned += down;
        }
        // 2. then available ones, as long as enough Pods stay available. A ReplicaSet counts at
        // most
        // its spec: one just scaled down still reports the Pods it is about to delete as available,
        // and counting them again would scale the old ReplicaSets down twice for the same Pods (the
        // rolling update then dipped below replicas - maxUnavailable for a moment).
        int availableCount = 0;
        for (ReplicaSet rs : all) {
            availableCount += Math.min(DeploymentUtil.available(rs), DeploymentUtil.replicas(rs));
        }
        if (availableCount <= minAvailable) {
            return sizes;
        }
        int total = availableCount - minAvailable;
        int done = 0;
        for (ReplicaSet rs : old) {
            if (done >= total) {
                break;
            }
            int spec = sizes.getOrDefault(rs.getMetadata().getName(), DeploymentUtil.replicas(rs));
            if (spec == 0) {
                continue;
            }
            int down = Math.min(spec, total - done);
            sizes.put(rs.getMetadata().getName(), spec - down);
            done += down;
        }
        return sizes;
    }

    /**
     * Proportional scaling of a Deployment resized mid-rollout ({@code
     * DeploymentController.scale}): the surplus or shortfall is shared among the active ReplicaSets
     * by their size, leftovers to the largest. Returns name → new size for every active ReplicaSet.
     */
    public static Map<String, Integer> proportionalSizes(Deployment d, List<ReplicaSet> activeRss) {
        List<ReplicaSet> rss = new ArrayList<>(activeRss);
        int current = DeploymentUtil.sumSpecReplicas(rss);
        int allowed =
                DeploymentUtil.replicas(d) > 0
                        ? DeploymentUtil.replicas(d) + DeploymentUtil.maxSurge(d)
                        : 0;
        int toAdd = allowed - current;
        java.util.Comparator<ReplicaSet> bySize =
                java.util.Comparator.comparingInt((ReplicaSet rs) -> DeploymentUtil.replicas(rs))
                        .reversed();
        if (toAdd > 0) {
            rss.sort(bySize.thenComparing(DeploymentUtil.byCreation().reversed()));
        } else if (toAdd < 0) {
            rss.sort(bySize.thenComparing(DeploymentUtil.byCreation()));
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        int added = 0;
        for (ReplicaSet rs : rss) {
            int p = toAdd != 0 ? DeploymentUtil.proportion(rs, d, toAdd, added) : 0;
            sizes.put(rs.getMetadata().getName(), DeploymentUtil.replicas(rs) + p);
            added += p;
        }
        if (!rss.isEmpty() && toAdd != 0) {
            String largest = rss.get(0).getMetadata().getName();
            sizes.put(largest, Math.max(0, sizes.get(largest) + toAdd - added));
        }
        return sizes;
    }
}
