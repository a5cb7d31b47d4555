package io.j8s.node.agent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.clock.DelayScheduler;
import io.j8s.client.rest.ApiRequests;
import io.j8s.client.workqueue.ExecutorWorker;
import io.j8s.client.workqueue.ExponentialBackoffRateLimiter;
import io.j8s.client.workqueue.WorkQueue;
import io.j8s.node.pod.PodWorker;
import io.j8s.node.pod.PodWorkers;
import io.j8s.node.status.PodSnapshot;
import io.j8s.node.status.PodStatusGenerator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Pod status through the {@code status} subresource, only when it changed — the kubelet's
 * status manager. Workers' "status changed" signals are coalesced per Pod UID in a {@link
 * WorkQueue} drained on the shared workers; processing regenerates the status from the worker's
 * latest snapshot, so a burst of changes costs one write. The write is a JSON merge patch of the
 * whole {@code status} plus {@code metadata.uid} (so it cannot land on a recreated Pod of the same
 * name). Failed writes are retried with back-off (1 s doubling up to 10 s, as long as the Pod
 * exists); 404/409 mean the Pod is gone and drop it. Thread-safe.
 */
final class PodStatusWriter {

    private static final Logger log = LoggerFactory.getLogger(PodStatusWriter.class);

    private final KubernetesClient client;
    private final Function<String, Pod> cache;
    private final String hostIp;
    private final WorkQueue<String> queue;
    private final Map<String, PodStatus> lastWritten = new ConcurrentHashMap<>();
    private final Counter writes;
    private final Counter failures;
    private volatile PodWorkers workers;

    /**
     * @param cache the informer's Pod by {@code namespace/name}
     */
    PodStatusWriter(
            KubernetesClient client,
            Function<String, Pod> cache,
            String hostIp,
            Executor executor,
            ScheduledExecutorService scheduler,
            MeterRegistry registry,
            String nodeName) {
        this.client = client;
        this.cache = cache;
        this.hostIp = hostIp;
        this.queue =
                new WorkQueue<>(
                        "pod status writer " + nodeName,
                        retryBackoff(),
                        DelayScheduler.of(scheduler),
                        registry);
        new ExecutorWorker<>(queue, executor, Integer.MAX_VALUE, this::sync);
        this.writes =
                Counter.builder("j8s.node.pod.status.writes")
                        .tag("node", nodeName)
                        .tag("result", "ok")
                        .register(registry);
        this.failures =
                Counter.builder("j8s.node.pod.status.writes")
                        .tag("node", nodeName)
                        .tag("result", "error")
                        .register(registry);
    }

    /**
     * The back-off of the agent's API writes that must eventually happen: 1 s doubling, at most 10
     * s.
     */
    static <T> ExponentialBackoffRateLimiter<T> retryBackoff() {
        return new ExponentialBackoffRateLimiter<>(Duration.ofSeconds(1), Duration.ofSeconds(10));
    }

    /** Stops queueing writes (the agent is closing). */
    void close() {
        queue.shutDown();
    }

    void attach(PodWorkers workers) {
        this.workers = workers;
    }

    void enqueue(String uid) {
        queue.add(uid);
    }

    void forget(String uid) {
        lastWritten.remove(uid);
    }

    /**
     * Writes the Pod's status now if it changed; returns false when the write failed. Synchronized
     * so the final write before a deletion and the queue's write of the same Pod never interleave.
     */
    synchronized boolean sync(String uid) {
        PodWorkers w = workers;
        PodWorker worker = w == null ? null : w.get(uid).orElse(null);
        if (worker == null) {
            return true;
        }
        PodSnapshot snap = worker.snapshot();
        Pod cached = cache.apply(worker.key());
        if (snap == null || cached == null || !uid.equals(cached.getMetadata().getUid())) {
            return true;
        }
        PodStatus base = baseStatus(cached.getStatus(), lastWritten.get(uid));
        Pod withBase = new PodBuilder(cached).withStatus(base).build();
        PodStatus next = PodStatusGenerator.generate(withBase, snap, hostIp);
        if (next.equals(lastWritten.get(uid)) || next.equals(cached.getStatus())) {
            return true;
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("metadata", Map.of("uid", uid));
        patch.put("status", next);
        try {
            ApiRequests.mergePatch(
                    client,
                    ApiRequests.path(
                            "/api/v1", worker.namespace(), "pods", worker.name(), "status"),
                    client.getKubernetesSerialization().asJson(patch));
            lastWritten.put(uid, next);
            writes.increment();
            log.debug("pod {}: status written (phase {})", worker.key(), next.getPhase());
            return true;
        } catch (KubernetesClientException e) {
            failures.increment();
            if (e.getCode() == 404 || e.getCode() == 409) {
                log.debug(
                        "pod {}: status not written, the Pod is gone ({})",
                        worker.key(),
                        e.getCode());
                return true;
            }
            log.warn("pod {}: writing status failed, retrying: {}", worker.key(), e.getMessage());
            if (!queue.isProcessing(uid)) {
                queue.addRateLimited(
                        uid); // a direct call (the final write before a deletion): retry it from
                // the queue
            }
            return false;
        }
    }

    /**
     * The status to compute transitions from: the cache's, but with the conditions this node wrote
     * last (the cache may not have caught up with our own write yet) — others' conditions come from
     * the cache.
     */
    private static PodStatus baseStatus(PodStatus cached, PodStatus written) {
        if (written == null) {
            return cached;
        }
        PodStatus base = new PodStatusBuilder(cached == null ? new PodStatus() : cached).build();
        List<PodCondition> conditions = new ArrayList<>();
        if (written.getConditions() != null) {
            for (PodCondition c : written.getConditions()) {
                if (isOwned(c.getType())) {
                    conditions.add(c);
                }
            }
        }
        if (cached != null && cached.getConditions() != null) {
            for (PodCondition c : cached.getConditions()) {
                if (!isOwned(c.getType())) {
                    conditions.add(c);
                }
            }
        }
        base.setConditions(conditions);
        if (base.getStartTime() == null) {
            base.setStartTime(written.getStartTime());
        }
        if (!io.j8s.node.status.PodPhases.isTerminal(base.getPhase())) {
            base.setPhase(written.getPhase());
        }
        return base;
    }

    private static boolean isOwned(String type) {
        return switch (type) {
            case "PodReadyToStartContainers",
                    "Initialized",
                    "Ready",
                    "ContainersReady",
                    "PodScheduled" ->
                    true;
            default -> false;
        };
    }
}
