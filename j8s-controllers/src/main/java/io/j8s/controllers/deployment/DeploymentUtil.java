package io.j8s.controllers.deployment;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.j8s.client.clock.Timestamps;
import io.j8s.controllers.util.Semantic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Pure Deployment arithmetic and bookkeeping ({@code
 * pkg/controller/deployment/util/deployment_util.go}): surge/unavailable fenceposts, the new
 * ReplicaSet's next size, revisions and annotations, proportional scaling, status and conditions.
 * Absent fields take the API defaults (replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10,
 * progressDeadlineSeconds 600).
 */
public final class DeploymentUtil {

    public static final String POD_TEMPLATE_HASH_LABEL = "pod-template-hash";
    public static final String REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
    public static final String REVISION_HISTORY_ANNOTATION =
            "deployment.kubernetes.io/revision-history";
    public static final String DESIRED_REPLICAS_ANNOTATION =
            "deployment.kubernetes.io/desired-replicas";
    public static final String MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    static final String ROLLBACK_TO = "deprecated.deployment.rollback.to";

    public static final String AVAILABLE = "Available";
    public static final String PROGRESSING = "Progressing";
    public static final String REPLICA_FAILURE = "ReplicaFailure";
    public static final String NEW_RS_AVAILABLE_REASON = "NewReplicaSetAvailable";
    public static final String RS_UPDATED_REASON = "ReplicaSetUpdated";
    public static final String NEW_RS_CREATED_REASON = "NewReplicaSetCreated";
    public static final String FOUND_NEW_RS_REASON = "FoundNewReplicaSet";
    public static final String TIMED_OUT_REASON = "ProgressDeadlineExceeded";
    public static final String PAUSED_REASON = "DeploymentPaused";
    public static final String RESUMED_REASON = "DeploymentResumed";
    public static final String MIN_AVAILABLE_REASON = "MinimumReplicasAvailable";
    public static final String MIN_UNAVAILABLE_REASON = "MinimumReplicasUnavailable";

    private static final Set<String> NOT_COPIED =
            Set.of(
                    LAST_APPLIED,
                    REVISION_ANNOTATION,
                    REVISION_HISTORY_ANNOTATION,
                    DESIRED_REPLICAS_ANNOTATION,
                    MAX_REPLICAS_ANNOTATION,
                    ROLLBACK_TO);

    private DeploymentUtil() {}

    // ---- defaults
    // ------------------------------------------------------------------------------------

    public static int replicas(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    public static int replicas(ReplicaSet rs) {
        return rs == null || rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
    }

    public static boolean isRecreate(Deployment d) {
        return d.getSpec().getStrategy() != null
                && "Recreate".equals(d.getSpec().getStrategy().getType());
    }

    public static int revisionHistoryLimit(Deployment d) {
        return d.getSpec().getRevisionHistoryLimit() == null
                ? 10
                : d.getSpec().getRevisionHistoryLimit();
    }

    /** {@code progressDeadlineSeconds}, null when there is none ({@code MaxInt32}). */
    public static Integer progressDeadlineSeconds(Deployment d) {
        Integer p = d.getSpec().getProgressDeadlineSeconds();
        if (p == null) {
            return 600;
        }
        return p == Integer.MAX_VALUE ? null : p;
    }

    public static int minReadySeconds(Deployment d) {
        return d.getSpec().getMinReadySeconds() == null ? 0 : d.getSpec().getMinReadySeconds();
    }

    // ---- surge and unavailability
    // --------------------------------------------------------------------

    /** {@code GetScaledValueFromIntOrPercent}. */
    public static int scaledValue(IntOrString value, int total, boolean roundUp) {
        if (value == null) {
            return 0;
        }
        if (value.getIntVal() != null) {
            return value.getIntVal();
        }
        String s = value.getStrVal();
        if (s == null || !s.endsWith("%")) {
            throw new IllegalArgumentException(
                    "invalid value for IntOrString: invalid type: string is not a percentage: "
                            + s);
        }
        int percent = Integer.parseInt(s.substring(0, s.length() - 1));
        double v = percent * (double) total / 100.0;
        return roundUp ? (int) Math.ceil(v) : (int) Math.floor(v);
    }

    /** {@code ResolveFenceposts}: (maxSurge, maxUnavailable); both zero becomes unavailable 1. */
    public static int[] resolveFenceposts(
            IntOrString maxSurge, IntOrString maxUnavailable, int desired) {
        int surge =
                scaledValue(maxSurge == null ? new IntOrString("25%") : maxSurge, desired, true);
        int unavailable =
                scaledValue(
                        maxUnavailable == null ? new IntOrString("25%") : maxUnavailable,
                        desired,
                        false);
        if (surge == 0 && unavailable == 0) {
            unavailable = 1;
        }
        return new int[] {surge, unavailable};
    }

    private static int[] fenceposts(Deployment d) {
        var ru =
                d.getSpec().getStrategy() == null
                        ? null
                        : d.getSpec().getStrategy().getRollingUpdate();
        return resolveFenceposts(
                ru == null ? null : ru.getMaxSurge(),
                ru == null ? null : ru.getMaxUnavailable(),
                replicas(d));
    }

    /** {@code MaxSurge}: 0 for Recreate. */
    public static int maxSurge(Deployment d) {
        return isRecreate(d) ? 0 : fenceposts(d)[0];
    }

    /** {@code MaxUnavailable}: 0 for Recreate or no replicas, at most {@code replicas}. */
    public static int maxUnavailable(Deployment d) {
        if (isRecreate(d) || replicas(d) == 0) {
            return 0;
        }
        return Math.min(fenceposts(d)[1], replicas(d));
    }

    /**
     * {@code NewRSNewReplicas} (rolling update): the new ReplicaSet grows by as much as the surge
     * allows over the total of all ReplicaSets' {@code spec.replicas}, never past the desired
     * count.
     */
    public static int newRsNewReplicas(Deployment d, List<ReplicaSet> all, ReplicaSet newRs) {
        if (isRecreate(d)) {
            return replicas(d);
        }
        int maxTotal = replicas(d) + maxSurge(d);
        int current = sumSpecReplicas(all);
        if (current >= maxTotal) {
            return replicas(newRs);
        }
        int scaleUp = Math.min(maxTotal - current, replicas(d) - replicas(newRs));
        return replicas(newRs) + scaleUp;
    }

    public static int sumSpecReplicas(List<ReplicaSet> rss) {
        return rss.stream().filter(Objects::nonNull).mapToInt(DeploymentUtil::replicas).sum();
    }

    public static int sumStatusReplicas(List<ReplicaSet> rss) {
        return rss.stream()
                .filter(Objects::nonNull)
                .mapToInt(rs -> nz(rs.getStatus() == null ? null : rs.getStatus().getReplicas()))
                .sum();
    }

    public static int sumReady(List<ReplicaSet> rss) {
        return rss.stream()
                .filter(Objects::nonNull)
                .mapToInt(
                        rs -> nz(rs.getStatus() == null ? null : rs.getStatus().getReadyReplicas()))
                .sum();
    }

    public static int sumAvailable(List<ReplicaSet> rss) {
        return rss.stream().filter(Objects::nonNull).mapToInt(DeploymentUtil::available).sum();
    }

    public static int available(ReplicaSet rs) {
        return rs == null || rs.getStatus() == null ? 0 : nz(rs.getStatus().getAvailableReplicas());
    }

    static int nz(Integer i) {
        return i == null ? 0 : i;
    }

    // ---- finding the new ReplicaSet
    // --------------------------------------------------------------------

    /**
     * {@code EqualIgnoreHash}: templates equal once the pod-template-hash label is dropped from
     * both.
     */
    public static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
        return Semantic.equal(stripHash(a), stripHash(b));
    }

    private static PodTemplateSpec stripHash(PodTemplateSpec t) {
        PodTemplateSpec c = Semantic.copy(t);
        if (c.getMetadata() != null && c.getMetadata().getLabels() != null) {
            c.getMetadata().getLabels().remove(POD_TEMPLATE_HASH_LABEL);
        }
        return c;
    }

    /** {@code FindNewReplicaSet}: the oldest ReplicaSet whose template equals the Deployment's. */
    public static ReplicaSet findNew(Deployment d, List<ReplicaSet> rss) {
        List<ReplicaSet> sorted = new ArrayList<>(rss);
        sorted.sort(byCreation());
        for (ReplicaSet rs : sorted) {
            if (equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate())) {
                return rs;
            }
        }
        return null;
    }

    static Comparator<ReplicaSet> byCreation() {
        return Comparator.comparing(
                        (ReplicaSet rs) -> {
                            Instant t = Timestamps.parse(rs.getMetadata().getCreationTimestamp());
                            return t == null ? Instant.EPOCH : t;
                        })
                .thenComparing(rs -> rs.getMetadata().getName());
    }

    public static long revision(ReplicaSet rs) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        if (a == null || a.get(REVISION_ANNOTATION) == null) {
            return 0;
        }
        try {
            return Long.parseLong(a.get(REVISION_ANNOTATION));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static long maxRevision(List<ReplicaSet> rss) {
        return rss.stream().mapToLong(DeploymentUtil::revision).max().orElse(0);
    }

    /**
     * {@code SetNewReplicaSetAnnotations} on {@code rs} (modified in place, a copy): the
     * Deployment's annotations (bar the controller's own), the revision when {@code newRevision} is
     * higher, and for a new ReplicaSet the desired/max replica annotations.
     *
     * @return whether anything changed
     */
    public static boolean setNewReplicaSetAnnotations(
            Deployment d, ReplicaSet rs, String newRevision, boolean exists) {
        boolean changed = copyDeploymentAnnotations(d, rs);
        Map<String, String> a = annotations(rs);
        String oldRevision = a.get(REVISION_ANNOTATION);
        long oldRev = parseOrZero(oldRevision);
        long newRev = parseOrZero(newRevision);
        if (oldRev < newRev) {
            a.put(REVISION_ANNOTATION, newRevision);
            changed = true;
            if (oldRevision != null && !oldRevision.isEmpty()) {
                String history = a.get(REVISION_HISTORY_ANNOTATION);
                a.put(
                        REVISION_HISTORY_ANNOTATION,
                        history == null || history.isEmpty()
                                ? oldRevision
                                : history + "," + oldRevision);
            }
        }
        if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) {
            changed = true;
        }
        return changed;
    }

    private static boolean copyDeploymentAnnotations(Deployment d, ReplicaSet rs) {
        boolean changed = false;
        Map<String, String> source = d.getMetadata().getAnnotations();
        if (source == null) {
            return false;
        }
        Map<String, String> target = annotations(rs);
        for (Map.Entry<String, String> e : source.entrySet()) {
            if (NOT_COPIED.contains(e.getKey())
                    || Objects.equals(target.get(e.getKey()), e.getValue())) {
                continue;
            }
            target.put(e.getKey(), e.getValue());
            changed = true;
        }
        return changed;
    }

    /** {@code SetReplicasAnnotations}; returns whether anything changed. */
    public static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
        Map<String, String> a = annotations(rs);
        boolean changed = false;
        if (!String.valueOf(desired).equals(a.get(DESIRED_REPLICAS_ANNOTATION))) {
            a.put(DESIRED_REPLICAS_ANNOTATION, String.valueOf(desired));
            changed = true;
        }
        if (!String.valueOf(max).equals(a.get(MAX_REPLICAS_ANNOTATION))) {
            a.put(MAX_REPLICAS_ANNOTATION, String.valueOf(max));
            changed = true;
        }
        return changed;
    }

    static Map<String, String> annotations(ReplicaSet rs) {
        if (rs.getMetadata().getAnnotations() == null) {
            rs.getMetadata().setAnnotations(new LinkedHashMap<>());
        } else if (!(rs.getMetadata().getAnnotations() instanceof LinkedHashMap)) {
            rs.getMetadata().setAnnotations(new LinkedHashMap<>(rs.getMetadata().getAnnotations()));
        }
        return rs.getMetadata().getAnnotations();
    }

    static long parseOrZero(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static Integer desiredReplicasAnnotation(ReplicaSet rs) {
        return intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
    }

    static Integer intAnnotation(ReplicaSet rs, String key) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        if (a == null || a.get(key) == null) {
            return null;
        }
        try {
            return Integer.parseInt(a.get(key));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- scaling
    // ---------------------------------------------------------------------------------------

    public static List<ReplicaSet> active(List<ReplicaSet> rss) {
        return rss.stream().filter(rs -> rs != null && replicas(rs) > 0).toList();
    }

    /**
     * {@code FindActiveOrLatest}: the only active ReplicaSet, or the newest when none is active,
     * else null.
     */
    public static ReplicaSet findActiveOrLatest(ReplicaSet newRs, List<ReplicaSet> oldRss) {
        if (newRs == null && oldRss.isEmpty()) {
            return null;
        }
        List<ReplicaSet> all = new ArrayList<>(oldRss);
        all.sort(byCreation().reversed());
        List<ReplicaSet> withNew = new ArrayList<>(all);
        withNew.add(newRs);
        List<ReplicaSet> act = active(withNew);
        if (act.isEmpty()) {
            return newRs != null ? newRs : all.get(0);
        }
        return act.size() == 1 ? act.get(0) : null;
    }

    /** {@code IsSaturated}: the new ReplicaSet runs the whole desired count, all available. */
    public static boolean isSaturated(Deployment d, ReplicaSet rs) {
        if (rs == null) {
            return false;
        }
        Integer desired = desiredReplicasAnnotation(rs);
        return desired != null
                && desired == replicas(d)
                && replicas(rs) == replicas(d)
                && available(rs) == replicas(d);
    }

    /**
     * {@code GetReplicaSetProportion}: how many of {@code toAdd} replicas (negative: to remove)
     * this ReplicaSet takes, in proportion to its share of the Deployment before the resize.
     */
    public static int proportion(ReplicaSet rs, Deployment d, int toAdd, int added) {
        if (rs == null || replicas(rs) == 0 || toAdd == 0 || toAdd == added) {
            return 0;
        }
        int fraction = fraction(rs, d);
        int allowed = toAdd - added;
        return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    private static int fraction(ReplicaSet rs, Deployment d) {
        if (replicas(d) == 0) {
            return -replicas(rs);
        }
        int maxReplicas = replicas(d) + maxSurge(d);
        Integer before = intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
        int beforeScale;
        if (before == null || before == 0) {
            beforeScale = d.getStatus() == null ? 0 : nz(d.getStatus().getReplicas());
            if (beforeScale == 0) {
                return 0;
            }
        } else {
            beforeScale = before;
        }
        double newSize = (double) replicas(rs) * maxReplicas / beforeScale;
        return (int) Math.round(newSize) - replicas(rs);
    }

    // ---- status
    // ----------------------------------------------------------------------------------------

    /** {@code calculateStatus}: counts from the ReplicaSets, the Available condition. */
    public static DeploymentStatus calculateStatus(
            List<ReplicaSet> all, ReplicaSet newRs, Deployment d, Instant now) {
        int available = sumAvailable(all);
        int total = sumSpecReplicas(all);
        DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        DeploymentStatus s = new DeploymentStatus();
        s.setObservedGeneration(d.getMetadata().getGeneration());
        s.setReplicas(sumStatusReplicas(all));
        s.setUpdatedReplicas(newRs == null ? 0 : sumStatusReplicas(List.of(newRs)));
        s.setReadyReplicas(sumReady(all));
        s.setAvailableReplicas(available);
        s.setUnavailableReplicas(Math.max(0, total - available));
        s.setCollisionCount(old.getCollisionCount());
        List<DeploymentCondition> conditions = new ArrayList<>();
        if (old.getConditions() != null) {
            old.getConditions().forEach(c -> conditions.add(Semantic.copy(c)));
        }
        s.setConditions(conditions);
        if (available >= replicas(d) - maxUnavailable(d)) {
            setCondition(
                    s,
                    condition(
                            AVAILABLE,
                            "True",
                            MIN_AVAILABLE_REASON,
                            "Deployment has minimum availability.",
                            now));
        } else {
            setCondition(
                    s,
                    condition(
                            AVAILABLE,
                            "False",
                            MIN_UNAVAILABLE_REASON,
                            "Deployment does not have minimum availability.",
                            now));
        }
        return s;
    }

    public static DeploymentCondition condition(
            String type, String status, String reason, String message, Instant now) {
        DeploymentCondition c = new DeploymentCondition();
        c.setType(type);
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setLastUpdateTime(Timestamps.format(now));
        c.setLastTransitionTime(Timestamps.format(now));
        return c;
    }

    public static DeploymentCondition getCondition(DeploymentStatus s, String type) {
        if (s == null || s.getConditions() == null) {
            return null;
        }
        return s.getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
    }

    /**
     * {@code SetDeploymentCondition}: no change when status and reason are the same; the transition
     * time is kept when only the reason changes.
     */
    public static void setCondition(DeploymentStatus s, DeploymentCondition c) {
        DeploymentCondition current = getCondition(s, c.getType());
        if (current != null
                && Objects.equals(current.getStatus(), c.getStatus())
                && Objects.equals(current.getReason(), c.getReason())) {
            return;
        }
        if (current != null && Objects.equals(current.getStatus(), c.getStatus())) {
            c.setLastTransitionTime(current.getLastTransitionTime());
        }
        removeCondition(s, c.getType());
        s.getConditions().add(c);
    }

    public static void removeCondition(DeploymentStatus s, String type) {
        if (s.getConditions() == null) {
            s.setConditions(new ArrayList<>());
            return;
        }
        List<DeploymentCondition> kept = new ArrayList<>(s.getConditions());
        kept.removeIf(c -> type.equals(c.getType()));
        s.setConditions(kept);
    }

    /** {@code DeploymentComplete}. */
    public static boolean isComplete(Deployment d, DeploymentStatus s) {
        int r = replicas(d);
        return nz(s.getUpdatedReplicas()) == r
                && nz(s.getReplicas()) == r
                && nz(s.getAvailableReplicas()) == r
                && (s.getObservedGeneration() == null ? 0 : s.getObservedGeneration())
                        >= (d.getMetadata().getGeneration() == null
                                ? 0
                                : d.getMetadata().getGeneration());
    }

    /**
     * {@code DeploymentProgressing}: more updated, fewer old, more ready or more available
     * replicas.
     */
    public static boolean isProgressing(Deployment d, DeploymentStatus s) {
        DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        int oldOld = nz(old.getReplicas()) - nz(old.getUpdatedReplicas());
        int newOld = nz(s.getReplicas()) - nz(s.getUpdatedReplicas());
        return nz(s.getUpdatedReplicas()) > nz(old.getUpdatedReplicas())
                || newOld < oldOld
                || nz(s.getReadyReplicas()) > nz(old.getReadyReplicas())
                || nz(s.getAvailableReplicas()) > nz(old.getAvailableReplicas());
    }

    /** {@code DeploymentTimedOut}: no progress for {@code progressDeadlineSeconds}. */
    public static boolean isTimedOut(Deployment d, DeploymentStatus s, Instant now) {
        Integer deadline = progressDeadlineSeconds(d);
        if (deadline == null) {
            return false;
        }
        DeploymentCondition c = getCondition(s, PROGRESSING);
        if (c == null || NEW_RS_AVAILABLE_REASON.equals(c.getReason())) {
            return false;
        }
        if (TIMED_OUT_REASON.equals(c.getReason())) {
            return true;
        }
        Instant from = Timestamps.parse(c.getLastUpdateTime());
        return from != null && from.plusSeconds(deadline).isBefore(now);
    }

    /** Whether two statuses differ, absent numbers counting as zero. */
    public static boolean statusDiffers(DeploymentStatus a, DeploymentStatus b) {
        return !Semantic.equal(zeroed(a), zeroed(b));
    }

    private static DeploymentStatus zeroed(DeploymentStatus s) {
        DeploymentStatus c = s == null ? new DeploymentStatus() : Semantic.copy(s);
        c.setReplicas(nz(c.getReplicas()));
        c.setUpdatedReplicas(nz(c.getUpdatedReplicas()));
        c.setReadyReplicas(nz(c.getReadyReplicas()));
        c.setAvailableReplicas(nz(c.getAvailableReplicas()));
        c.setUnavailableReplicas(nz(c.getUnavailableReplicas()));
        c.setObservedGeneration(c.getObservedGeneration() == null ? 0L : c.getObservedGeneration());
        return c;
    }
}
