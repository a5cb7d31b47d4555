package io.j8s.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.client.record.EventRecorder;
import io.j8s.client.rest.ApiRequests;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.util.Pods;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds unscheduled Pods to Nodes ({@link NodeChooser} decides) through the {@code
 * pods/{name}/binding} subresource, with the Events {@code Scheduled} / {@code FailedScheduling}
 * from {@code default-scheduler}. Pods that fit nowhere are retried when Nodes change, and every 10
 * s otherwise.
 *
 * <p>A {@link ReconcilingController} like the other controllers: Pod and Node events put Pod keys
 * on its work queue, and its reconcile loop runs with one worker so that two Pods are never placed
 * from the same view of the cluster. As kube-scheduler's binding cycle, a binding is sent without
 * waiting for its answer (at most {@value #MAX_BINDINGS_IN_FLIGHT} at once); bindings not yet
 * visible in the cache are remembered ("assumed") so consecutive Pods spread, and forgotten again
 * when the binding fails. The Pods per Node are counted as Pod events arrive ({@link NodeLoad}), so
 * a decision never scans the Pods of the cluster.
 *
 * <p>Identity: {@value #IDENTITY} (kube-scheduler). Needs get/list/watch on pods and nodes; create
 * on pods/binding; create/update on events.
 */
public final class Scheduler extends ReconcilingController {

    public static final String NAME = "scheduler";
    public static final String IDENTITY = "default-scheduler";
    static final Duration UNSCHEDULABLE_RETRY = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    private final Cache<Pod> pods;
    private final Cache<Node> nodes;
    private final EventRecorder events;

    /**
     * Keys of Pods bound here whose binding the cache may not show yet. Touched by the single
     * worker and handlers.
     */
    private final Set<String> assumed = ConcurrentHashMap.newKeySet();

    private final Map<String, Boolean> unschedulable = new ConcurrentHashMap<>();
    private final NodeLoad load = new NodeLoad();

    /**
     * Where the next decision starts looking (kube-scheduler's {@code nextStartNodeIndex}); the
     * single worker's.
     */
    private int nextStartNode;

    /** Bindings sent and not yet answered; the worker waits when there are this many. */
    static final int MAX_BINDINGS_IN_FLIGHT = 32;

    private final Semaphore bindingSlots = new Semaphore(MAX_BINDINGS_IN_FLIGHT);

    public Scheduler(ControllerContext context) {
        super(context, NAME, IDENTITY);
        this.pods = context.informers().cache(Pod.class);
        this.nodes = context.informers().cache(Node.class);
        this.events = context.eventRecorder(IDENTITY);
        newLoop(1, List.of(pods, nodes));
        pods.informer()
                .addEventHandler(
                        EventHandlers.of(
                                this::onPod,
                                (o, n) -> onPod(n),
                                p -> {
                                    load.forget(p);
                                    assumed.remove(Keys.keyOf(p));
                                    unschedulable.remove(Keys.keyOf(p));
                                    if (!Pods.nodeName(p).isEmpty()) {
                                        retryUnschedulable(); // capacity freed
                                    }
                                }));
        nodes.informer()
                .addEventHandler(
                        EventHandlers.of(
                                n -> retryUnschedulable(),
                                (o, n) -> retryUnschedulable(),
                                n -> {
                                    load.forgetNode(n);
                                    retryUnschedulable();
                                }));
    }

    private void onPod(Pod pod) {
        load.observe(pod);
        String key = Keys.keyOf(pod);
        if (!Pods.nodeName(pod).isEmpty()) {
            assumed.remove(key);
            unschedulable.remove(key);
            return;
        }
        if (pod.getMetadata().getDeletionTimestamp() == null) {
            queue.add(key);
        }
    }

    private void retryUnschedulable() {
        for (String key : unschedulable.keySet()) {
            queue.add(key);
        }
    }

    @Override
    protected Result reconcile(String key) throws InterruptedException {
        Optional<Pod> found = pods.get(key);
        if (found.isEmpty() || assumed.contains(key)) {
            return Result.done();
        }
        Pod pod = found.get();
        if (!Pods.nodeName(pod).isEmpty()
                || pod.getMetadata().getDeletionTimestamp() != null
                || Pods.isTerminal(pod)) {
            unschedulable.remove(key);
            return Result.done();
        }
        String schedulerName = pod.getSpec().getSchedulerName();
        if (schedulerName != null && !schedulerName.isEmpty() && !IDENTITY.equals(schedulerName)) {
            return Result.done(); // another scheduler's Pod
        }
        List<Node> candidates = nodes.list();
        NodeChooser.Choice choice = NodeChooser.choose(pod, candidates, load, nextStartNode);
        nextStartNode =
                candidates.isEmpty() ? 0 : (nextStartNode + choice.evaluated()) % candidates.size();
        if (choice.node().isEmpty()) {
            if (unschedulable.put(key, true) == null) {
                log.info("Pod {} is unschedulable: {}", key, choice.failureMessage());
            }
            events.event(
                    pod, EventRecorder.WARNING, "FailedScheduling", "%s", choice.failureMessage());
            return Result.requeueAfter(UNSCHEDULABLE_RETRY);
        }
        String node = choice.node().get();
        // kube-scheduler's binding cycle: the Pod counts on its node from now on ("assumed"), and
        // the binding is sent without waiting for it, so the next Pod is placed meanwhile
        assumed.add(key);
        load.assume(pod, node);
        unschedulable.remove(key);
        bindingSlots.acquire(); // at most MAX_BINDINGS_IN_FLIGHT unanswered
        writes.record("create", "pods/binding");
        ApiRequests.sendAsync(
                        client,
                        "POST",
                        ApiRequests.path(
                                "/api/v1",
                                pod.getMetadata().getNamespace(),
                                "pods",
                                pod.getMetadata().getName(),
                                "binding"),
                        ApiRequests.JSON,
                        client.getKubernetesSerialization().asJson(binding(pod, node)))
                .whenComplete(
                        (answer, failure) -> {
                            bindingSlots.release();
                            if (failure == null) {
                                bound(pod, node);
                            } else {
                                bindingFailed(pod, node, failure);
                            }
                        });
        return Result.done();
    }

    private static Binding binding(Pod pod, String node) {
        return new BindingBuilder()
                .withNewMetadata()
                .withName(pod.getMetadata().getName())
                .withNamespace(pod.getMetadata().getNamespace())
                .withUid(pod.getMetadata().getUid())
                .endMetadata()
                .withNewTarget()
                .withApiVersion("v1")
                .withKind("Node")
                .withName(node)
                .endTarget()
                .build();
    }

    private void bound(Pod pod, String node) {
        events.event(
                pod,
                EventRecorder.NORMAL,
                "Scheduled",
                "Successfully assigned %s/%s to %s",
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(),
                node);
        log.atInfo()
                .addKeyValue("pod", Keys.keyOf(pod))
                .addKeyValue("node", node)
                .log("Bound Pod {} to {}", Keys.keyOf(pod), node);
    }

    /**
     * A binding that did not take: the assumption is dropped. 404 (the Pod is gone) and 409 (bound
     * meanwhile, or recreated under its name) end there, as the cache will show; anything else puts
     * the Pod back on the queue with back-off and says why in a {@code FailedScheduling} Event, as
     * kube-scheduler does with a rejected binding.
     */
    private void bindingFailed(Pod pod, String node, Throwable failure) {
        String key = Keys.keyOf(pod);
        assumed.remove(key);
        load.unassume(pod);
        int code = failure instanceof KubernetesClientException k ? k.getCode() : 0;
        if (code == 404 || code == 409) {
            log.atDebug()
                    .addKeyValue("pod", key)
                    .log(
                            "Binding Pod {} to {} answered {}: gone or bound meanwhile",
                            key,
                            node,
                            code);
            return;
        }
        log.atWarn()
                .addKeyValue("pod", key)
                .addKeyValue("node", node)
                .log("Binding Pod {} to {} failed: {}", key, node, failure.getMessage());
        events.event(
                pod,
                EventRecorder.WARNING,
                "FailedScheduling",
                "Binding rejected: %s",
                failure.getMessage());
        queue.addRateLimited(key);
    }
}
