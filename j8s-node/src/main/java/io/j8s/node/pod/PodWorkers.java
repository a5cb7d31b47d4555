package io.j8s.node.pod;

import io.fabric8.kubernetes.api.model.Pod;
import io.j8s.node.status.PodPhases;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Pod workers of one node, keyed by Pod UID. The agent feeds it the Pods bound to the node
 * ({@link #update}) and the ones that disappeared ({@link #remove}); each call only hands the Pod
 * to its worker's executor, so callers never block.
 *
 * <p>Admission: a new Pod beyond {@code maxPods} active Pods is rejected with {@code OutOfpods}, as
 * the kubelet does. Metrics: {@code j8s_node_pods{node}} (workers), {@code
 * j8s_node_pod_start_duration_seconds{node}} (Pod creation → all containers ready), {@code
 * j8s_node_container_restarts_total{node}}. Thread-safe.
 */
public final class PodWorkers {

    private static final Logger log = LoggerFactory.getLogger(PodWorkers.class);

    private final PodWorkerContext ctx;
    private final ConcurrentHashMap<String, PodWorker> workers = new ConcurrentHashMap<>();
    private final Timer startDuration;
    private final Counter restarts;
    private final Counter volumeFailures;
    private final Counter configErrors;

    public PodWorkers(PodWorkerContext ctx) {
        this.ctx = ctx;
        Gauge.builder("j8s.node.pods", workers, ConcurrentHashMap::size)
                .description("Pods the node agent has workers for")
                .tag("node", ctx.nodeName())
                .register(ctx.registry());
        this.startDuration =
                Timer.builder("j8s.node.pod.start.duration")
                        .description(
                                "Time from Pod creation until all its containers are ready on this node")
                        .tag("node", ctx.nodeName())
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofMinutes(5))
                        .register(ctx.registry());
        this.restarts =
                Counter.builder("j8s.node.container.restarts")
                        .description("Container restarts (crashes, failed liveness probes)")
                        .tag("node", ctx.nodeName())
                        .register(ctx.registry());
        this.volumeFailures =
                Counter.builder("j8s.node.volume.setup.failures")
                        .description(
                                "Failed attempts to set up or update a Pod's volumes (FailedMount)")
                        .tag("node", ctx.nodeName())
                        .register(ctx.registry());
        this.configErrors =
                Counter.builder("j8s.node.container.config.errors")
                        .description(
                                "Container starts refused for a missing ConfigMap, Secret or key (CreateContainerConfigError)")
                        .tag("node", ctx.nodeName())
                        .register(ctx.registry());
    }

    void volumeSetupFailed() {
        volumeFailures.increment();
    }

    void containerConfigError() {
        configErrors.increment();
    }

    /** Creates or updates the worker for {@code pod} (which must be bound to this node). */
    public void update(Pod pod) {
        String uid = pod.getMetadata().getUid();
        PodWorker existing = workers.get(uid);
        if (existing != null) {
            existing.update(pod);
            return;
        }
        PodWorker worker = new PodWorker(this, ctx, pod);
        PodWorker raced = workers.putIfAbsent(uid, worker);
        if (raced != null) {
            raced.update(pod);
            return;
        }
        long active = activeCount();
        boolean alreadyTerminal =
                pod.getStatus() != null && PodPhases.isTerminal(pod.getStatus().getPhase());
        if (!alreadyTerminal
                && pod.getMetadata().getDeletionTimestamp() == null
                && active > ctx.maxPods()) {
            String message =
                    "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: "
                            + (active - 1)
                            + ", capacity: "
                            + ctx.maxPods();
            log.warn("pod {}: {}", worker.key(), message);
            worker.reject(pod, "OutOfpods", message);
            return;
        }
        worker.update(pod);
    }

    /** The Pod with this UID is gone from the API (or from this node): stop it. */
    public void remove(String uid) {
        PodWorker w = workers.get(uid);
        if (w != null) {
            w.removed();
        }
    }

    /** Drops a worker whose termination is done (after the agent finished the deletion). */
    public void forget(String uid) {
        PodWorker w = workers.get(uid);
        if (w != null && (w.terminationDone() || isRejected(w))) {
            workers.remove(uid);
            ctx.logs().remove(w.namespace(), w.name(), uid);
        }
    }

    private static boolean isRejected(PodWorker w) {
        return w.snapshot() != null && w.snapshot().rejection() != null;
    }

    public Optional<PodWorker> get(String uid) {
        return Optional.ofNullable(workers.get(uid));
    }

    public Collection<PodWorker> all() {
        return List.copyOf(workers.values());
    }

    public int size() {
        return workers.size();
    }

    /** Workers whose Pods still hold (or will hold) resources: not terminal, not rejected. */
    public long activeCount() {
        return workers.values().stream()
                .filter(
                        w ->
                                w.snapshot() == null
                                        || (!w.snapshot().terminal()
                                                && w.snapshot().rejection() == null))
                .count();
    }

    /**
     * Stops every Pod's containers (agent shutdown) with a short grace period, keeping their IPs,
     * and waits up to {@code timeout} for them to exit.
     */
    public void stopAll(Duration grace, Duration timeout) {
        List<java.util.concurrent.CompletableFuture<Void>> done = new java.util.ArrayList<>();
        for (PodWorker w : workers.values()) {
            done.add(w.shutdown(grace));
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(
                            done.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("node {}: some containers did not stop within {}", ctx.nodeName(), timeout);
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("node {}: stopping containers failed", ctx.nodeName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void containerRestarted() {
        restarts.increment();
    }

    void podStarted(Pod pod, Instant readyAt) {
        Instant created = null;
        try {
            String ts = pod.getMetadata().getCreationTimestamp();
            created = ts == null ? null : Instant.parse(ts);
        } catch (RuntimeException e) {
            // unparseable timestamp: no sample
        }
        if (created != null && !readyAt.isBefore(created)) {
            startDuration.record(Duration.between(created, readyAt));
        }
    }
}
