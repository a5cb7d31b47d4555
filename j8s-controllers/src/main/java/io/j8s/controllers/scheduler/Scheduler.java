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
 * from the same view of the cluster; bindings not yet visible in the cache are remembered
 * ("assumed") so consecutive Pods spread. The Pods per Node are counted as Pod events arrive
 * ({@link NodeLoad}), so a decision never scans the Pods of the cluster.
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
    protected Result reconcile(String key) {
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
        Binding binding =
                new BindingBuilder()
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
        try {
            writes.record("create", "pods/binding");
            client.raw(
                    "/api/v1/namespaces/"
                            + pod.getMetadata().getNamespace()
                            + "/pods/"
                            + pod.getMetadata().getName()
                            + "/binding",
                    "POST",
                    binding);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 || e.getCode() == 409) {
                return Result.done(); // gone, or bound by someone else meanwhile
            }
            throw e;
        }
        assumed.add(key);
        load.assume(pod, node);
        unschedulable.remove(key);
        events.event(
                pod,
                EventRecorder.NORMAL,
                "Scheduled",
                "Successfully assigned %s/%s to %s",
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(),
                node);
        log.info("Bound Pod {} to {}", key, node);
        return Result.done();
    }
}
