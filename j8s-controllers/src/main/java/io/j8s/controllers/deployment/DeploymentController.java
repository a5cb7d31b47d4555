package io.j8s.controllers.deployment;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.client.clock.Timestamps;
import io.j8s.client.record.EventRecorder;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ControllerIndex;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.util.ControllerRefManager;
import io.j8s.controllers.util.OwnerReferences;
import io.j8s.controllers.util.Pods;
import io.j8s.controllers.util.Semantic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Deployments through ReplicaSets (Kubernetes' deployment controller): one ReplicaSet per Pod
 * template, named {@code <deployment>-<pod-template-hash>} and labelled {@code pod-template-hash};
 * RollingUpdate ({@link RollingUpdate}) and Recreate; proportional scaling; revision annotations;
 * status with the {@code Available} and {@code Progressing} conditions that {@code kubectl rollout
 * status} reads. {@code kubectl rollout restart} changes the template (an annotation), which makes
 * a new ReplicaSet like any other template change.
 *
 * <p>Identity: {@value #IDENTITY}. Needs get/list/watch on deployments, replicasets and pods;
 * create/update/delete on replicasets; update on deployments and deployments/status; create/update
 * on events.
 */
public final class DeploymentController extends ReconcilingController {

    public static final String NAME = "deployment";
    public static final String IDENTITY = "deployment-controller";

    private static final Logger log = LoggerFactory.getLogger(DeploymentController.class);

    private final Cache<Deployment> deployments;
    private final Cache<ReplicaSet> replicaSets;
    private final Cache<Pod> pods;
    private final EventRecorder events;

    public DeploymentController(ControllerContext context) {
        super(context, NAME, IDENTITY);
        this.deployments = context.informers().cache(Deployment.class);
        this.replicaSets = context.informers().cache(ReplicaSet.class);
        this.pods = context.informers().cache(Pod.class);
        ControllerIndex.register(context.informers(), Pod.class);
        this.events = context.eventRecorder(IDENTITY);
        newLoop(context.settings().workers(), List.of(deployments, replicaSets, pods));

        deployments.informer().addEventHandler(EventHandlers.onAny(d -> queue.add(Keys.keyOf(d))));
        replicaSets
                .informer()
                .addEventHandler(
                        EventHandlers.of(
                                this::onReplicaSet,
                                (o, n) -> {
                                    onReplicaSet(o);
                                    onReplicaSet(n);
                                },
                                this::onReplicaSet));
        // Recreate waits for old Pods to go: their deletion must wake the Deployment up
        pods.informer().addEventHandler(EventHandlers.of(p -> {}, (o, n) -> {}, this::onPodDelete));
    }

    private void onReplicaSet(ReplicaSet rs) {
        Optional<OwnerReference> ref = OwnerReferences.controllerOf(rs);
        if (ref.isPresent()) {
            if ("Deployment".equals(ref.get().getKind())) {
                deployments
                        .get(rs.getMetadata().getNamespace(), ref.get().getName())
                        .filter(d -> Objects.equals(d.getMetadata().getUid(), ref.get().getUid()))
                        .ifPresent(d -> queue.add(Keys.keyOf(d)));
            }
            return;
        }
        for (Deployment d : deployments.list(rs.getMetadata().getNamespace())) {
            LabelSelector s = d.getSpec().getSelector();
            if (s != null
                    && !io.j8s.api.selector.LabelSelector.isEmpty(s)
                    && safeMatches(s, rs.getMetadata().getLabels())) {
                queue.add(Keys.keyOf(d));
            }
        }
    }

    private void onPodDelete(Pod pod) {
        OwnerReferences.controllerOf(pod)
                .filter(r -> "ReplicaSet".equals(r.getKind()))
                .flatMap(r -> replicaSets.get(pod.getMetadata().getNamespace(), r.getName()))
                .ifPresent(this::onReplicaSet);
    }

    private static boolean safeMatches(LabelSelector s, Map<String, String> labels) {
        try {
            return io.j8s.api.selector.LabelSelector.fromMatchLabelsAndExpressions(s)
                    .matches(labels);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- sync
    // ---------------------------------------------------------------------------------------

    /** Mutable state of one sync: the Deployment as last written. */
    private final class Sync {
        Deployment d;
        final String namespace;

        Sync(Deployment d) {
            this.d = Semantic.copy(d);
            this.namespace = d.getMetadata().getNamespace();
        }
    }

    /** {@code syncDeployment}. */
    @Override
    protected Result reconcile(String key) {
        Optional<Deployment> found = deployments.get(key);
        if (found.isEmpty()) {
            return Result.done();
        }
        Sync s = new Sync(found.get());
        LabelSelector selector = s.d.getSpec().getSelector();
        if (selector == null || io.j8s.api.selector.LabelSelector.isEmpty(selector)) {
            events.event(
                    s.d,
                    EventRecorder.WARNING,
                    "SelectingAll",
                    "This deployment is selecting all pods. A non-empty selector is required.");
            if (observedGeneration(s.d) < generation(s.d)) {
                DeploymentStatus st =
                        s.d.getStatus() == null
                                ? new DeploymentStatus()
                                : Semantic.copy(s.d.getStatus());
                st.setObservedGeneration(s.d.getMetadata().getGeneration());
                writeStatus(s, st);
            }
            return Result.done();
        }
        List<ReplicaSet> rsList = claimReplicaSets(s, selector);
        if (s.d.getMetadata().getDeletionTimestamp() != null) {
            ReplicaSet newRs = DeploymentUtil.findNew(s.d, rsList);
            syncDeploymentStatus(s, rsList, newRs);
            return Result.done();
        }
        checkPausedConditions(s);
        if (Boolean.TRUE.equals(s.d.getSpec().getPaused())) {
            return syncScaling(s, rsList);
        }
        if (isScalingEvent(s, rsList)) {
            return syncScaling(s, rsList);
        }
        return DeploymentUtil.isRecreate(s.d)
                ? rolloutRecreate(s, rsList)
                : rolloutRolling(s, rsList);
    }

    private static long generation(Deployment d) {
        return d.getMetadata().getGeneration() == null ? 0 : d.getMetadata().getGeneration();
    }

    private static long observedGeneration(Deployment d) {
        return d.getStatus() == null || d.getStatus().getObservedGeneration() == null
                ? 0
                : d.getStatus().getObservedGeneration();
    }

    private List<ReplicaSet> claimReplicaSets(Sync s, LabelSelector selector) {
        ControllerRefManager<ReplicaSet> refs =
                new ControllerRefManager<>(
                        s.d,
                        "apps/v1",
                        "Deployment",
                        ControllerRefManager.recheck(
                                s.d,
                                () ->
                                        client.apps()
                                                .deployments()
                                                .inNamespace(s.namespace)
                                                .withName(s.d.getMetadata().getName())
                                                .get()),
                        rs -> {
                            writes.record("update", "replicasets");
                            return client.apps()
                                    .replicaSets()
                                    .inNamespace(s.namespace)
                                    .resource(rs)
                                    .update();
                        });
        return refs.claim(selector, replicaSets.list(s.namespace));
    }

    /** {@code isScalingEvent}: an active ReplicaSet was sized for another replica count. */
    private boolean isScalingEvent(Sync s, List<ReplicaSet> rsList) {
        for (ReplicaSet rs : DeploymentUtil.active(rsList)) {
            Integer desired = DeploymentUtil.desiredReplicasAnnotation(rs);
            if (desired != null && desired != DeploymentUtil.replicas(s.d)) {
                return true;
            }
        }
        return false;
    }

    /** {@code sync}: scale (paused or resized Deployments) and record status. */
    private Result syncScaling(Sync s, List<ReplicaSet> rsList) {
        List<ReplicaSet> old = new ArrayList<>();
        ReplicaSet newRs = newAndOld(s, rsList, false, old);
        List<ReplicaSet> all = scale(s, newRs, old);
        if (Boolean.TRUE.equals(s.d.getSpec().getPaused())) {
            cleanup(
                    s,
                    all.stream()
                            .filter(
                                    rs ->
                                            newRs == null
                                                    || !rs.getMetadata()
                                                            .getName()
                                                            .equals(newRs.getMetadata().getName()))
                            .toList());
        }
        ReplicaSet currentNew = newRs == null ? null : byName(all, newRs.getMetadata().getName());
        syncDeploymentStatus(s, all, currentNew);
        return Result.done();
    }

    private List<ReplicaSet> scale(Sync s, ReplicaSet newRs, List<ReplicaSet> old) {
        List<ReplicaSet> all = new ArrayList<>(old);
        if (newRs != null) {
            all.add(newRs);
        }
        ReplicaSet activeOrLatest = DeploymentUtil.findActiveOrLatest(newRs, old);
        if (activeOrLatest != null) {
            if (DeploymentUtil.replicas(activeOrLatest) != DeploymentUtil.replicas(s.d)
                    || DeploymentUtil.desiredReplicasAnnotation(activeOrLatest) == null
                    || DeploymentUtil.desiredReplicasAnnotation(activeOrLatest)
                            != DeploymentUtil.replicas(s.d)) {
                replace(all, scaleReplicaSet(s, activeOrLatest, DeploymentUtil.replicas(s.d)));
            }
            return all;
        }
        if (DeploymentUtil.isSaturated(s.d, newRs)) {
            for (ReplicaSet rs : DeploymentUtil.active(old)) {
                replace(all, scaleReplicaSet(s, rs, 0));
            }
            return all;
        }
        if (!DeploymentUtil.isRecreate(s.d)) {
            List<ReplicaSet> active = DeploymentUtil.active(all);
            Map<String, Integer> sizes = RollingUpdate.proportionalSizes(s.d, active);
            for (ReplicaSet rs : active) {
                replace(all, scaleReplicaSet(s, rs, sizes.get(rs.getMetadata().getName())));
            }
        }
        return all;
    }

    private static void replace(List<ReplicaSet> all, ReplicaSet updated) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).getMetadata().getName().equals(updated.getMetadata().getName())) {
                all.set(i, updated);
                return;
            }
        }
    }

    private static ReplicaSet byName(List<ReplicaSet> all, String name) {
        return all.stream()
                .filter(rs -> rs.getMetadata().getName().equals(name))
                .findFirst()
                .orElse(null);
    }

    /**
     * {@code scaleReplicaSetAndRecordEvent}: size and replica annotations; an event when the size
     * changes.
     */
    private ReplicaSet scaleReplicaSet(Sync s, ReplicaSet rs, int newSize) {
        int oldSize = DeploymentUtil.replicas(rs);
        ReplicaSet copy = Semantic.copy(rs);
        boolean annotationsChanged =
                DeploymentUtil.setReplicasAnnotations(
                        copy,
                        DeploymentUtil.replicas(s.d),
                        DeploymentUtil.replicas(s.d) + DeploymentUtil.maxSurge(s.d));
        if (oldSize == newSize && !annotationsChanged) {
            return rs;
        }
        copy.getSpec().setReplicas(newSize);
        writes.record("update", "replicasets");
        ReplicaSet updated =
                client.apps().replicaSets().inNamespace(s.namespace).resource(copy).update();
        if (oldSize != newSize) {
            String direction = oldSize < newSize ? "up" : "down";
            events.event(
                    s.d,
                    EventRecorder.NORMAL,
                    "ScalingReplicaSet",
                    "Scaled %s replica set %s from %d to %d",
                    direction,
                    rs.getMetadata().getName(),
                    oldSize,
                    newSize);
            log.info(
                    "Deployment {}: scaled {} replica set {} from {} to {}",
                    Keys.keyOf(s.d),
                    direction,
                    rs.getMetadata().getName(),
                    oldSize,
                    newSize);
        }
        return updated;
    }

    // ---- strategies
    // --------------------------------------------------------------------------------

    private Result rolloutRolling(Sync s, List<ReplicaSet> rsList) {
        List<ReplicaSet> old = new ArrayList<>();
        ReplicaSet newRs = newAndOld(s, rsList, true, old);
        List<ReplicaSet> all = new ArrayList<>(old);
        all.add(newRs);
        int newSize = RollingUpdate.newReplicaSetSize(s.d, all, newRs);
        if (newSize != DeploymentUtil.replicas(newRs)) {
            newRs = scaleReplicaSet(s, newRs, newSize);
            replace(all, newRs);
            return syncRolloutStatus(s, all, newRs);
        }
        Map<String, Integer> oldSizes = RollingUpdate.oldReplicaSetSizes(s.d, old, newRs);
        boolean scaledDown = false;
        for (Map.Entry<String, Integer> e : oldSizes.entrySet()) {
            ReplicaSet rs = byName(all, e.getKey());
            if (DeploymentUtil.replicas(rs) != e.getValue()) {
                replace(all, scaleReplicaSet(s, rs, e.getValue()));
                scaledDown = true;
            }
        }
        if (scaledDown) {
            return syncRolloutStatus(s, all, newRs);
        }
        if (DeploymentUtil.isComplete(
                s.d, s.d.getStatus() == null ? new DeploymentStatus() : s.d.getStatus())) {
            cleanup(s, old);
        }
        return syncRolloutStatus(s, all, newRs);
    }

    private Result rolloutRecreate(Sync s, List<ReplicaSet> rsList) {
        List<ReplicaSet> old = new ArrayList<>();
        ReplicaSet newRs = newAndOld(s, rsList, false, old);
        List<ReplicaSet> all = new ArrayList<>(old);
        if (newRs != null) {
            all.add(newRs);
        }
        boolean scaledDown = false;
        for (ReplicaSet rs : DeploymentUtil.active(old)) {
            replace(all, scaleReplicaSet(s, rs, 0));
            scaledDown = true;
        }
        if (scaledDown) {
            return syncRolloutStatus(s, all, newRs);
        }
        if (oldPodsRunning(newRs, old)) {
            return syncRolloutStatus(s, all, newRs);
        }
        if (newRs == null) {
            old.clear();
            newRs = newAndOld(s, rsList, true, old);
            all = new ArrayList<>(old);
            all.add(newRs);
        }
        if (DeploymentUtil.replicas(newRs) != DeploymentUtil.replicas(s.d)) {
            newRs = scaleReplicaSet(s, newRs, DeploymentUtil.replicas(s.d));
            replace(all, newRs);
        }
        if (DeploymentUtil.isComplete(
                s.d, s.d.getStatus() == null ? new DeploymentStatus() : s.d.getStatus())) {
            cleanup(s, old);
        }
        return syncRolloutStatus(s, all, newRs);
    }

    /**
     * {@code oldPodsRunning}: an old ReplicaSet still reports Pods, or one of its Pods is not
     * terminal.
     */
    private boolean oldPodsRunning(ReplicaSet newRs, List<ReplicaSet> old) {
        if (DeploymentUtil.sumStatusReplicas(old) > 0) {
            return true;
        }
        for (ReplicaSet rs : old) {
            for (Pod pod :
                    ControllerIndex.controlledBy(pods.indexer(), rs.getMetadata().getUid())) {
                if (!Pods.isTerminal(pod)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- the new ReplicaSet
    // ------------------------------------------------------------------------

    /**
     * {@code getAllReplicaSetsAndSyncRevision}: the new ReplicaSet (created when {@code create} and
     * missing), its revision and annotations brought up to date; {@code old} receives the others.
     */
    private ReplicaSet newAndOld(
            Sync s, List<ReplicaSet> rsList, boolean create, List<ReplicaSet> old) {
        ReplicaSet existing = DeploymentUtil.findNew(s.d, rsList);
        for (ReplicaSet rs : rsList) {
            if (existing == null
                    || !rs.getMetadata().getUid().equals(existing.getMetadata().getUid())) {
                old.add(rs);
            }
        }
        String newRevision = String.valueOf(DeploymentUtil.maxRevision(old) + 1);
        if (existing != null) {
            ReplicaSet copy = Semantic.copy(existing);
            boolean changed =
                    DeploymentUtil.setNewReplicaSetAnnotations(s.d, copy, newRevision, true);
            int minReady = DeploymentUtil.minReadySeconds(s.d);
            if (!Objects.equals(
                    copy.getSpec().getMinReadySeconds() == null
                            ? 0
                            : copy.getSpec().getMinReadySeconds(),
                    minReady)) {
                copy.getSpec().setMinReadySeconds(minReady);
                changed = true;
            }
            ReplicaSet result = existing;
            if (changed) {
                writes.record("update", "replicasets");
                result =
                        client.apps()
                                .replicaSets()
                                .inNamespace(s.namespace)
                                .resource(copy)
                                .update();
            }
            setDeploymentRevision(
                    s,
                    DeploymentUtil.annotations(Semantic.copy(result))
                            .get(DeploymentUtil.REVISION_ANNOTATION));
            if (DeploymentUtil.getCondition(s.d.getStatus(), DeploymentUtil.PROGRESSING) == null
                    && DeploymentUtil.progressDeadlineSeconds(s.d) != null) {
                DeploymentStatus st = statusCopy(s.d);
                DeploymentUtil.setCondition(
                        st,
                        DeploymentUtil.condition(
                                DeploymentUtil.PROGRESSING,
                                "True",
                                DeploymentUtil.FOUND_NEW_RS_REASON,
                                "Found new replica set \"" + result.getMetadata().getName() + "\"",
                                clock.instant()));
                writeStatus(s, st);
            }
            return result;
        }
        if (!create) {
            return null;
        }
        Integer collisionCount =
                s.d.getStatus() == null ? null : s.d.getStatus().getCollisionCount();
        String hash = PodTemplateHash.compute(s.d.getSpec().getTemplate(), collisionCount);
        PodTemplateSpec template = Semantic.copy(s.d.getSpec().getTemplate());
        Map<String, String> labels =
                new LinkedHashMap<>(
                        template.getMetadata().getLabels() == null
                                ? Map.of()
                                : template.getMetadata().getLabels());
        labels.put(DeploymentUtil.POD_TEMPLATE_HASH_LABEL, hash);
        template.getMetadata().setLabels(labels);
        LabelSelector selector = Semantic.copy(s.d.getSpec().getSelector());
        Map<String, String> matchLabels =
                new LinkedHashMap<>(
                        selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels());
        matchLabels.put(DeploymentUtil.POD_TEMPLATE_HASH_LABEL, hash);
        selector.setMatchLabels(matchLabels);
        ReplicaSet fresh =
                new ReplicaSetBuilder()
                        .withNewMetadata()
                        .withName(s.d.getMetadata().getName() + "-" + hash)
                        .withNamespace(s.namespace)
                        .withLabels(labels)
                        .withOwnerReferences(
                                OwnerReferences.controllerRef(s.d, "apps/v1", "Deployment"))
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(0)
                        .withMinReadySeconds(DeploymentUtil.minReadySeconds(s.d))
                        .withSelector(selector)
                        .withTemplate(template)
                        .endSpec()
                        .build();
        List<ReplicaSet> all = new ArrayList<>(old);
        all.add(fresh);
        int size = DeploymentUtil.newRsNewReplicas(s.d, all, fresh);
        fresh.getSpec().setReplicas(size);
        DeploymentUtil.setNewReplicaSetAnnotations(s.d, fresh, newRevision, false);
        ReplicaSet created;
        try {
            writes.record("create", "replicasets");
            created = client.apps().replicaSets().inNamespace(s.namespace).resource(fresh).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            ReplicaSet live =
                    client.apps()
                            .replicaSets()
                            .inNamespace(s.namespace)
                            .withName(fresh.getMetadata().getName())
                            .get();
            if (live != null
                    && OwnerReferences.isControlledBy(live, s.d.getMetadata().getUid())
                    && DeploymentUtil.equalIgnoreHash(
                            live.getSpec().getTemplate(), s.d.getSpec().getTemplate())) {
                return live; // ours; the cache had not seen it yet
            }
            // a hash collision with a foreign ReplicaSet: bump the collision count and try again
            DeploymentStatus st = statusCopy(s.d);
            st.setCollisionCount(collisionCount == null ? 1 : collisionCount + 1);
            writeStatus(s, st);
            throw new IllegalStateException(
                    "pod-template-hash collision for " + fresh.getMetadata().getName(), e);
        }
        if (size > 0) {
            events.event(
                    s.d,
                    EventRecorder.NORMAL,
                    "ScalingReplicaSet",
                    "Scaled up replica set %s from 0 to %d",
                    created.getMetadata().getName(),
                    size);
        }
        log.info(
                "Deployment {}: created replica set {} with {} replicas",
                Keys.keyOf(s.d),
                created.getMetadata().getName(),
                size);
        setDeploymentRevision(s, newRevision);
        if (DeploymentUtil.progressDeadlineSeconds(s.d) != null) {
            DeploymentStatus st = statusCopy(s.d);
            DeploymentUtil.setCondition(
                    st,
                    DeploymentUtil.condition(
                            DeploymentUtil.PROGRESSING,
                            "True",
                            DeploymentUtil.NEW_RS_CREATED_REASON,
                            "Created new replica set \"" + created.getMetadata().getName() + "\"",
                            clock.instant()));
            writeStatus(s, st);
        }
        return created;
    }

    private void setDeploymentRevision(Sync s, String revision) {
        if (revision == null) {
            return;
        }
        Map<String, String> annotations = s.d.getMetadata().getAnnotations();
        if (annotations != null
                && revision.equals(annotations.get(DeploymentUtil.REVISION_ANNOTATION))) {
            return;
        }
        Deployment copy = Semantic.copy(s.d);
        Map<String, String> a = new LinkedHashMap<>(annotations == null ? Map.of() : annotations);
        a.put(DeploymentUtil.REVISION_ANNOTATION, revision);
        copy.getMetadata().setAnnotations(a);
        writes.record("update", "deployments");
        s.d = client.apps().deployments().inNamespace(s.namespace).resource(copy).update();
    }

    /**
     * {@code cleanupDeployment}: delete the oldest idle ReplicaSets beyond {@code
     * revisionHistoryLimit}.
     */
    private void cleanup(Sync s, List<ReplicaSet> old) {
        List<ReplicaSet> cleanable =
                new ArrayList<>(
                        old.stream()
                                .filter(rs -> rs.getMetadata().getDeletionTimestamp() == null)
                                .toList());
        int diff = cleanable.size() - DeploymentUtil.revisionHistoryLimit(s.d);
        if (diff <= 0) {
            return;
        }
        cleanable.sort(
                java.util.Comparator.comparingLong(DeploymentUtil::revision)
                        .thenComparing(DeploymentUtil.byCreation()));
        for (int i = 0; i < diff; i++) {
            ReplicaSet rs = cleanable.get(i);
            int statusReplicas =
                    rs.getStatus() == null || rs.getStatus().getReplicas() == null
                            ? 0
                            : rs.getStatus().getReplicas();
            long gen =
                    rs.getMetadata().getGeneration() == null ? 0 : rs.getMetadata().getGeneration();
            long observed =
                    rs.getStatus() == null || rs.getStatus().getObservedGeneration() == null
                            ? 0
                            : rs.getStatus().getObservedGeneration();
            if (statusReplicas != 0 || DeploymentUtil.replicas(rs) != 0 || gen > observed) {
                continue;
            }
            writes.record("delete", "replicasets");
            client.apps()
                    .replicaSets()
                    .inNamespace(s.namespace)
                    .withName(rs.getMetadata().getName())
                    .delete();
        }
    }

    // ---- status
    // ---------------------------------------------------------------------------------------

    private DeploymentStatus statusCopy(Deployment d) {
        DeploymentStatus st =
                d.getStatus() == null ? new DeploymentStatus() : Semantic.copy(d.getStatus());
        if (st.getConditions() == null) {
            st.setConditions(new ArrayList<>());
        } else {
            st.setConditions(new ArrayList<>(st.getConditions()));
        }
        return st;
    }

    private void writeStatus(Sync s, DeploymentStatus status) {
        if (!DeploymentUtil.statusDiffers(s.d.getStatus(), status)) {
            return;
        }
        Deployment copy = Semantic.copy(s.d);
        copy.setStatus(status);
        writes.record("update", "deployments/status");
        s.d = client.apps().deployments().inNamespace(s.namespace).resource(copy).updateStatus();
    }

    private void syncDeploymentStatus(Sync s, List<ReplicaSet> all, ReplicaSet newRs) {
        writeStatus(s, DeploymentUtil.calculateStatus(all, newRs, s.d, clock.instant()));
    }

    private void checkPausedConditions(Sync s) {
        if (DeploymentUtil.progressDeadlineSeconds(s.d) == null) {
            return;
        }
        DeploymentCondition cond =
                DeploymentUtil.getCondition(s.d.getStatus(), DeploymentUtil.PROGRESSING);
        if (cond != null && DeploymentUtil.TIMED_OUT_REASON.equals(cond.getReason())) {
            return;
        }
        boolean pausedCond = cond != null && DeploymentUtil.PAUSED_REASON.equals(cond.getReason());
        boolean paused = Boolean.TRUE.equals(s.d.getSpec().getPaused());
        DeploymentStatus st = statusCopy(s.d);
        if (paused && !pausedCond) {
            DeploymentUtil.setCondition(
                    st,
                    DeploymentUtil.condition(
                            DeploymentUtil.PROGRESSING,
                            "Unknown",
                            DeploymentUtil.PAUSED_REASON,
                            "Deployment is paused",
                            clock.instant()));
            writeStatus(s, st);
        } else if (!paused && pausedCond) {
            DeploymentUtil.setCondition(
                    st,
                    DeploymentUtil.condition(
                            DeploymentUtil.PROGRESSING,
                            "Unknown",
                            DeploymentUtil.RESUMED_REASON,
                            "Deployment is resumed",
                            clock.instant()));
            writeStatus(s, st);
        }
    }

    /**
     * {@code syncRolloutStatus}: status plus the Progressing condition; requeues before the
     * deadline.
     */
    private Result syncRolloutStatus(Sync s, List<ReplicaSet> all, ReplicaSet newRs) {
        Instant now = clock.instant();
        DeploymentStatus st = DeploymentUtil.calculateStatus(all, newRs, s.d, now);
        Integer deadline = DeploymentUtil.progressDeadlineSeconds(s.d);
        if (deadline == null) {
            DeploymentUtil.removeCondition(st, DeploymentUtil.PROGRESSING);
        }
        DeploymentCondition current =
                DeploymentUtil.getCondition(s.d.getStatus(), DeploymentUtil.PROGRESSING);
        boolean complete =
                Objects.equals(st.getReplicas(), st.getUpdatedReplicas())
                        && current != null
                        && DeploymentUtil.NEW_RS_AVAILABLE_REASON.equals(current.getReason());
        String rsName = newRs == null ? null : newRs.getMetadata().getName();
        if (deadline != null && !complete) {
            if (DeploymentUtil.isComplete(s.d, st)) {
                DeploymentUtil.setCondition(
                        st,
                        DeploymentUtil.condition(
                                DeploymentUtil.PROGRESSING,
                                "True",
                                DeploymentUtil.NEW_RS_AVAILABLE_REASON,
                                rsName == null
                                        ? "Deployment \""
                                                + s.d.getMetadata().getName()
                                                + "\" has successfully progressed."
                                        : "ReplicaSet \""
                                                + rsName
                                                + "\" has successfully progressed.",
                                now));
            } else if (DeploymentUtil.isProgressing(s.d, st)) {
                DeploymentCondition c =
                        DeploymentUtil.condition(
                                DeploymentUtil.PROGRESSING,
                                "True",
                                DeploymentUtil.RS_UPDATED_REASON,
                                rsName == null
                                        ? "Deployment \""
                                                + s.d.getMetadata().getName()
                                                + "\" is progressing."
                                        : "ReplicaSet \"" + rsName + "\" is progressing.",
                                now);
                if (current != null) {
                    if ("True".equals(current.getStatus())) {
                        c.setLastTransitionTime(current.getLastTransitionTime());
                    }
                    DeploymentUtil.removeCondition(st, DeploymentUtil.PROGRESSING);
                }
                DeploymentUtil.setCondition(st, c);
            } else if (DeploymentUtil.isTimedOut(s.d, st, now)) {
                DeploymentUtil.setCondition(
                        st,
                        DeploymentUtil.condition(
                                DeploymentUtil.PROGRESSING,
                                "False",
                                DeploymentUtil.TIMED_OUT_REASON,
                                rsName == null
                                        ? "Deployment \""
                                                + s.d.getMetadata().getName()
                                                + "\" has timed out progressing."
                                        : "ReplicaSet \""
                                                + rsName
                                                + "\" has timed out progressing.",
                                now));
            }
        }
        DeploymentUtil.removeCondition(st, DeploymentUtil.REPLICA_FAILURE);
        for (ReplicaSet rs : all) {
            if (rs != null && rs.getStatus() != null && rs.getStatus().getConditions() != null) {
                rs.getStatus().getConditions().stream()
                        .filter(c -> DeploymentUtil.REPLICA_FAILURE.equals(c.getType()))
                        .findFirst()
                        .ifPresent(
                                c ->
                                        DeploymentUtil.setCondition(
                                                st,
                                                DeploymentUtil.condition(
                                                        DeploymentUtil.REPLICA_FAILURE,
                                                        c.getStatus(),
                                                        c.getReason(),
                                                        c.getMessage(),
                                                        now)));
            }
        }
        writeStatus(s, st);
        // requeue a rollout in progress so that the deadline is noticed
        DeploymentCondition progressing =
                DeploymentUtil.getCondition(st, DeploymentUtil.PROGRESSING);
        if (deadline != null
                && progressing != null
                && !DeploymentUtil.isComplete(s.d, st)
                && DeploymentUtil.RS_UPDATED_REASON.equals(progressing.getReason())) {
            Instant updated = Timestamps.parse(progressing.getLastUpdateTime());
            if (updated != null) {
                Duration after =
                        Duration.between(now, updated.plusSeconds(deadline)).plusSeconds(1);
                if (!after.isNegative()) {
                    return Result.requeueAfter(after);
                }
            }
        }
        return Result.done();
    }
}
