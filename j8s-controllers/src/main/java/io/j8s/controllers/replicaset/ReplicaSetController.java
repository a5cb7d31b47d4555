package io.j8s.controllers.replicaset;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.client.record.EventRecorder;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ControllerIndex;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.runtime.TerminalException;
import io.j8s.controllers.util.ControllerRefManager;
import io.j8s.controllers.util.OwnerReferences;
import io.j8s.controllers.util.Pods;
import io.j8s.controllers.util.Semantic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code spec.replicas} Pods running for every ReplicaSet (Kubernetes' replicaset
 * controller): creates Pods from the template ({@code generateName: <rs>-}, controller reference),
 * deletes the surplus in {@link PodDeletionRanking} order, adopts matching orphans and releases
 * Pods that stopped matching, uses {@link Expectations} so a lagging cache never causes extra
 * creations, and writes {@code status} (replicas, fullyLabeledReplicas, readyReplicas,
 * availableReplicas, observedGeneration).
 *
 * <p>Identity: {@value #IDENTITY}. Needs get/list/watch on replicasets and pods; create, update and
 * delete on pods; update on replicasets/status; create/update on events.
 */
public final class ReplicaSetController extends ReconcilingController {

    public static final String NAME = "replicaset";
    public static final String IDENTITY = "replicaset-controller";

    private static final Logger log = LoggerFactory.getLogger(ReplicaSetController.class);

    private final Cache<ReplicaSet> replicaSets;
    private final Cache<Pod> pods;
    private final EventRecorder events;
    private final Expectations expectations;

    public ReplicaSetController(ControllerContext context) {
        super(context, NAME, IDENTITY);
        this.replicaSets = context.informers().cache(ReplicaSet.class);
        this.pods = context.informers().cache(Pod.class);
        ControllerIndex.register(context.informers(), Pod.class);
        this.events = context.eventRecorder(IDENTITY);
        this.expectations = new Expectations(clock);
        newLoop(context.settings().workers(), List.of(replicaSets, pods));

        replicaSets
                .informer()
                .addEventHandler(
                        EventHandlers.of(
                                rs -> queue.add(Keys.keyOf(rs)),
                                (o, n) -> queue.add(Keys.keyOf(n)),
                                rs -> {
                                    expectations.delete(Keys.keyOf(rs));
                                    queue.add(Keys.keyOf(rs));
                                }));
        pods.informer()
                .addEventHandler(
                        EventHandlers.of(this::onPodAdd, this::onPodUpdate, this::onPodDelete));
    }

    // ---- event handlers: enqueue only
    // -------------------------------------------------------------

    private Optional<ReplicaSet> resolveController(String namespace, OwnerReference ref) {
        if (!"ReplicaSet".equals(ref.getKind())) {
            return Optional.empty();
        }
        return replicaSets
                .get(namespace, ref.getName())
                .filter(rs -> Objects.equals(rs.getMetadata().getUid(), ref.getUid()));
    }

    private void onPodAdd(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            onPodDelete(pod);
            return;
        }
        Optional<OwnerReference> ref = OwnerReferences.controllerOf(pod);
        if (ref.isPresent()) {
            resolveController(pod.getMetadata().getNamespace(), ref.get())
                    .ifPresent(
                            rs -> {
                                String key = Keys.keyOf(rs);
                                expectations.creationObserved(key);
                                queue.add(key);
                            });
            return;
        }
        replicaSetsSelecting(pod).forEach(queue::add);
    }

    private void onPodUpdate(Pod oldPod, Pod newPod) {
        if (Objects.equals(
                oldPod.getMetadata().getResourceVersion(),
                newPod.getMetadata().getResourceVersion())) {
            return;
        }
        boolean labelsChanged =
                !Objects.equals(oldPod.getMetadata().getLabels(), newPod.getMetadata().getLabels());
        if (newPod.getMetadata().getDeletionTimestamp() != null) {
            onPodDelete(newPod);
            if (labelsChanged) {
                onPodDelete(oldPod);
            }
            return;
        }
        Optional<OwnerReference> oldRef = OwnerReferences.controllerOf(oldPod);
        Optional<OwnerReference> newRef = OwnerReferences.controllerOf(newPod);
        boolean refChanged =
                !Objects.equals(
                        oldRef.map(OwnerReference::getUid), newRef.map(OwnerReference::getUid));
        if (refChanged && oldRef.isPresent()) {
            resolveController(oldPod.getMetadata().getNamespace(), oldRef.get())
                    .ifPresent(rs -> queue.add(Keys.keyOf(rs)));
        }
        if (newRef.isPresent()) {
            resolveController(newPod.getMetadata().getNamespace(), newRef.get())
                    .ifPresent(
                            rs -> {
                                String key = Keys.keyOf(rs);
                                queue.add(key);
                                int minReady = ReplicaSets.minReadySeconds(rs);
                                if (!Pods.isReady(oldPod) && Pods.isReady(newPod) && minReady > 0) {
                                    queue.addAfter(key, Duration.ofSeconds(minReady));
                                }
                            });
            return;
        }
        if (labelsChanged || refChanged) {
            replicaSetsSelecting(newPod).forEach(queue::add);
        }
    }

    private void onPodDelete(Pod pod) {
        Optional<OwnerReference> ref = OwnerReferences.controllerOf(pod);
        if (ref.isEmpty()) {
            return;
        }
        resolveController(pod.getMetadata().getNamespace(), ref.get())
                .ifPresent(
                        rs -> {
                            String key = Keys.keyOf(rs);
                            expectations.deletionObserved(key, Keys.keyOf(pod));
                            queue.add(key);
                        });
    }

    private Set<String> replicaSetsSelecting(Pod pod) {
        Set<String> keys = new HashSet<>();
        for (ReplicaSet rs : replicaSets.list(pod.getMetadata().getNamespace())) {
            LabelSelector selector = rs.getSpec() == null ? null : rs.getSpec().getSelector();
            if (selector != null
                    && !io.j8s.api.selector.LabelSelector.isEmpty(selector)
                    && safeMatches(selector, pod)) {
                keys.add(Keys.keyOf(rs));
            }
        }
        return keys;
    }

    private static boolean safeMatches(LabelSelector selector, Pod pod) {
        try {
            return io.j8s.api.selector.LabelSelector.fromMatchLabelsAndExpressions(selector)
                    .matches(pod.getMetadata().getLabels());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- sync
    // ---------------------------------------------------------------------------------------

    /** {@code syncReplicaSet}. */
    @Override
    protected Result reconcile(String key) {
        Optional<ReplicaSet> found = replicaSets.get(key);
        if (found.isEmpty()) {
            expectations.delete(key);
            return Result.done();
        }
        ReplicaSet rs = found.get();
        boolean needsSync = expectations.satisfied(key);
        LabelSelector selector = rs.getSpec().getSelector();
        if (selector == null || io.j8s.api.selector.LabelSelector.isEmpty(selector)) {
            throw new TerminalException(
                    "ReplicaSet " + key + " has an empty selector; refusing to select every Pod");
        }
        List<Pod> active =
                ControllerIndex.controlledByOrOrphans(pods.indexer(), rs).stream()
                        .filter(Pods::isActive)
                        .toList();
        List<Pod> claimed;
        try {
            claimed = claimPods(rs, selector, active);
        } catch (IllegalArgumentException e) {
            throw new TerminalException(
                    "ReplicaSet " + key + " has an invalid selector: " + e.getMessage(), e);
        }

        RuntimeException manageError = null;
        String manageReason = null;
        if (needsSync && rs.getMetadata().getDeletionTimestamp() == null) {
            try {
                manageReplicas(key, rs, claimed);
            } catch (ManageException e) {
                manageError = e;
                manageReason = e.reason;
            }
        }

        ReplicaSetStatus status =
                ReplicaSets.calculateStatus(
                        rs,
                        claimed,
                        manageError == null ? null : manageError.getMessage(),
                        manageReason,
                        clock.instant());
        status.setObservedGeneration(rs.getMetadata().getGeneration());
        ReplicaSet updated = rs;
        if (ReplicaSets.statusDiffers(rs, status)) {
            ReplicaSet copy = Semantic.copy(rs);
            copy.setStatus(status);
            writes.record("update", "replicasets/status");
            updated =
                    client.apps()
                            .replicaSets()
                            .inNamespace(rs.getMetadata().getNamespace())
                            .resource(copy)
                            .updateStatus();
        }
        if (manageError != null) {
            throw manageError;
        }
        int minReady = ReplicaSets.minReadySeconds(rs);
        ReplicaSetStatus s = updated.getStatus() == null ? status : updated.getStatus();
        if (minReady > 0
                && nz(s.getReadyReplicas()) == ReplicaSets.replicas(rs)
                && nz(s.getAvailableReplicas()) != ReplicaSets.replicas(rs)) {
            return Result.requeueAfter(Duration.ofSeconds(minReady));
        }
        return Result.done();
    }

    private static int nz(Integer i) {
        return i == null ? 0 : i;
    }

    private List<Pod> claimPods(ReplicaSet rs, LabelSelector selector, List<Pod> candidates) {
        ControllerRefManager<Pod> refs =
                new ControllerRefManager<>(
                        rs,
                        "apps/v1",
                        "ReplicaSet",
                        ControllerRefManager.recheck(
                                rs,
                                () ->
                                        client.apps()
                                                .replicaSets()
                                                .inNamespace(rs.getMetadata().getNamespace())
                                                .withName(rs.getMetadata().getName())
                                                .get()),
                        pod -> {
                            writes.record("update", "pods");
                            return client.pods()
                                    .inNamespace(pod.getMetadata().getNamespace())
                                    .resource(pod)
                                    .update();
                        });
        return refs.claim(selector, candidates);
    }

    /** An error while creating or deleting Pods; recorded as the ReplicaFailure condition. */
    static final class ManageException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String reason;

        ManageException(String reason, String message, Throwable cause) {
            super(message, cause);
            this.reason = reason;
        }
    }

    private void manageReplicas(String key, ReplicaSet rs, List<Pod> claimed) {
        int diff = claimed.size() - ReplicaSets.replicas(rs);
        String namespace = rs.getMetadata().getNamespace();
        if (diff < 0) {
            int toCreate = Math.min(-diff, ReplicaSets.BURST_REPLICAS);
            expectations.expectCreations(key, toCreate);
            log.info(
                    "ReplicaSet {} has {} of {} Pods, creating {}",
                    key,
                    claimed.size(),
                    ReplicaSets.replicas(rs),
                    toCreate);
            // slow start: batches of 1, 2, 4, ... so a failing create does not fail hundreds of
            // times
            int remaining = toCreate;
            int batch = 1;
            while (remaining > 0) {
                int n = Math.min(batch, remaining);
                for (int i = 0; i < n; i++) {
                    try {
                        writes.record("create", "pods");
                        Pod created =
                                client.pods()
                                        .inNamespace(namespace)
                                        .resource(ReplicaSets.podFromTemplate(rs))
                                        .create();
                        events.event(
                                rs,
                                EventRecorder.NORMAL,
                                "SuccessfulCreate",
                                "Created pod: %s",
                                created.getMetadata().getName());
                    } catch (KubernetesClientException e) {
                        // this and every Pod not attempted will never be observed
                        int notCreated = remaining - i;
                        for (int j = 0; j < notCreated; j++) {
                            expectations.creationObserved(key);
                        }
                        if (e.getCode() == 403
                                && String.valueOf(e.getMessage()).contains("being terminated")) {
                            return; // the namespace is going away
                        }
                        events.event(
                                rs,
                                EventRecorder.WARNING,
                                "FailedCreate",
                                "Error creating: %s",
                                e.getMessage());
                        throw new ManageException("FailedCreate", e.getMessage(), e);
                    }
                }
                remaining -= n;
                batch *= 2;
            }
            return;
        }
        if (diff > 0) {
            int toDelete = Math.min(diff, ReplicaSets.BURST_REPLICAS);
            List<Pod> related = relatedPods(rs);
            List<Pod> victims =
                    PodDeletionRanking.podsToDelete(claimed, related, toDelete, clock.instant());
            Set<String> victimKeys = new HashSet<>();
            victims.forEach(p -> victimKeys.add(Keys.keyOf(p)));
            expectations.expectDeletions(key, victimKeys);
            log.info(
                    "ReplicaSet {} has {} of {} Pods, deleting {}",
                    key,
                    claimed.size(),
                    ReplicaSets.replicas(rs),
                    toDelete);
            KubernetesClientException failure = null;
            for (Pod victim : victims) {
                try {
                    writes.record("delete", "pods");
                    client.pods()
                            .inNamespace(namespace)
                            .withName(victim.getMetadata().getName())
                            .delete();
                    events.event(
                            rs,
                            EventRecorder.NORMAL,
                            "SuccessfulDelete",
                            "Deleted pod: %s",
                            victim.getMetadata().getName());
                } catch (KubernetesClientException e) {
                    expectations.deletionObserved(key, Keys.keyOf(victim));
                    if (e.getCode() == 404) {
                        continue;
                    }
                    events.event(
                            rs,
                            EventRecorder.WARNING,
                            "FailedDelete",
                            "Error deleting: %s",
                            e.getMessage());
                    failure = e;
                }
            }
            if (failure != null) {
                throw new ManageException("FailedDelete", failure.getMessage(), failure);
            }
        }
    }

    /**
     * Active Pods of every ReplicaSet with the same controller (a Deployment's other revisions).
     */
    private List<Pod> relatedPods(ReplicaSet rs) {
        Optional<OwnerReference> owner = OwnerReferences.controllerOf(rs);
        if (owner.isEmpty()) {
            return ControllerIndex.controlledBy(pods.indexer(), rs.getMetadata().getUid()).stream()
                    .filter(p -> ReplicaSets.owns(rs, p) && Pods.isActive(p))
                    .toList();
        }
        List<Pod> related = new ArrayList<>();
        for (ReplicaSet other : replicaSets.list(rs.getMetadata().getNamespace())) {
            if (OwnerReferences.isControlledBy(other, owner.get().getUid())) {
                ControllerIndex.controlledBy(pods.indexer(), other.getMetadata().getUid()).stream()
                        .filter(Pods::isActive)
                        .forEach(related::add);
            }
        }
        return related;
    }
}
