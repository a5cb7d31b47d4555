package io.j8s.controllers.replicaset;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.j8s.client.clock.Timestamps;
import io.j8s.controllers.util.Pods;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which Pods a shrinking ReplicaSet deletes first (Kubernetes' {@code ActivePodsWithRanks}, with
 * the default {@code LogarithmicScaleDown} and pod-deletion-cost behaviour):
 *
 * <ol>
 *   <li>unscheduled before scheduled;
 *   <li>Pending before Unknown before Running;
 *   <li>not ready before ready;
 *   <li>lower {@code controller.kubernetes.io/pod-deletion-cost} first;
 *   <li>more related Pods on the same node first (spreading is kept);
 *   <li>ready for less time first (compared on a log2 scale, then by UID);
 *   <li>more container restarts first;
 *   <li>newer first (log2 scale, then UID).
 * </ol>
 *
 * Pure; thread-safe.
 */
public final class PodDeletionRanking {

    public static final String DELETION_COST_ANNOTATION =
            "controller.kubernetes.io/pod-deletion-cost";

    private PodDeletionRanking() {}

    /**
     * The {@code count} Pods to delete from {@code pods}.
     *
     * @param related the active Pods of all ReplicaSets of the same owner (for the per-node rank)
     */
    public static List<Pod> podsToDelete(
            List<Pod> pods, List<Pod> related, int count, Instant now) {
        if (count >= pods.size()) {
            return List.copyOf(pods);
        }
        Map<String, Integer> perNode = new HashMap<>();
        for (Pod p : related) {
            if (Pods.isActive(p)) {
                perNode.merge(Pods.nodeName(p), 1, Integer::sum);
            }
        }
        List<Pod> sorted = new ArrayList<>(pods);
        sorted.sort(comparator(p -> perNode.getOrDefault(Pods.nodeName(p), 0), now));
        return List.copyOf(sorted.subList(0, count));
    }

    /** Rank function: related Pods on the same node. */
    public interface Rank {
        int of(Pod pod);
    }

    static Comparator<Pod> comparator(Rank rank, Instant now) {
        return (a, b) -> {
            String na = Pods.nodeName(a);
            String nb = Pods.nodeName(b);
            if (!na.equals(nb) && (na.isEmpty() || nb.isEmpty())) {
                return na.isEmpty() ? -1 : 1;
            }
            int pa = phaseOrdinal(a);
            int pb = phaseOrdinal(b);
            if (pa != pb) {
                return Integer.compare(pa, pb);
            }
            boolean ra = Pods.isReady(a);
            boolean rb = Pods.isReady(b);
            if (ra != rb) {
                return ra ? 1 : -1;
            }
            int ca = deletionCost(a);
            int cb = deletionCost(b);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            int ka = rank.of(a);
            int kb = rank.of(b);
            if (ka != kb) {
                return Integer.compare(kb, ka);
            }
            if (ra) {
                Instant ta = Pods.readySince(a);
                Instant tb = Pods.readySince(b);
                if (!java.util.Objects.equals(ta, tb)) {
                    int c = compareTimes(ta, tb, now, a, b);
                    if (c != 0) {
                        return c;
                    }
                }
            }
            int rsa = maxRestarts(a);
            int rsb = maxRestarts(b);
            if (rsa != rsb) {
                return Integer.compare(rsb, rsa);
            }
            Instant cta = Timestamps.parse(a.getMetadata().getCreationTimestamp());
            Instant ctb = Timestamps.parse(b.getMetadata().getCreationTimestamp());
            if (!java.util.Objects.equals(cta, ctb)) {
                return compareTimes(cta, ctb, now, a, b);
            }
            return 0;
        };
    }

    /**
     * Newer (or unknown) first; with a known {@code now}, times in the same power-of-two bucket tie
     * on UID.
     */
    private static int compareTimes(Instant ta, Instant tb, Instant now, Pod a, Pod b) {
        if (ta == null || tb == null || now == null) {
            return afterOrZero(ta, tb) ? -1 : 1;
        }
        int diff = log2Bucket(now, ta) - log2Bucket(now, tb);
        if (diff == 0) {
            return uid(a).compareTo(uid(b));
        }
        return diff < 0 ? -1 : 1;
    }

    private static boolean afterOrZero(Instant t1, Instant t2) {
        if (t1 == null || t2 == null) {
            return t1 == null;
        }
        return t1.isAfter(t2);
    }

    private static int log2Bucket(Instant now, Instant t) {
        long nanos = Duration.between(t, now).toNanos();
        if (nanos <= 0) {
            return -1;
        }
        return 63 - Long.numberOfLeadingZeros(nanos);
    }

    private static String uid(Pod p) {
        return p.getMetadata().getUid() == null ? "" : p.getMetadata().getUid();
    }

    private static int phaseOrdinal(Pod p) {
        switch (Pods.phase(p)) {
            case Pods.PHASE_UNKNOWN:
                return 1;
            case Pods.PHASE_RUNNING:
                return 2;
            default:
                return 0;
        }
    }

    static int deletionCost(Pod p) {
        Map<String, String> annotations = p.getMetadata().getAnnotations();
        if (annotations == null || !annotations.containsKey(DELETION_COST_ANNOTATION)) {
            return 0;
        }
        try {
            return Integer.parseInt(annotations.get(DELETION_COST_ANNOTATION).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int maxRestarts(Pod p) {
        int max = 0;
        if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
            for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
                if (cs.getRestartCount() != null) {
                    max = Math.max(max, cs.getRestartCount());
                }
            }
        }
        return max;
    }
}
