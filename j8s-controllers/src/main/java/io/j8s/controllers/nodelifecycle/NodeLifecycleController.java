package io.j8s.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.client.clock.Timestamps;
import io.j8s.client.record.EventRecorder;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.util.Pods;
import io.j8s.controllers.util.Semantic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices Nodes that stopped heart-beating (Kubernetes' node lifecycle controller, the monitoring
 * part): when a Node's Lease in {@code kube-node-lease} has not been renewed for the grace period
 * (40 s), its conditions become {@code Unknown} (reason {@code NodeStatusUnknown}, "Kubelet stopped
 * posting node status.") and its Pods' {@code Ready} condition {@code False}, so their addresses
 * leave Endpoints. When the Lease is renewed, the node agent reports Ready itself; this controller
 * does not fight it. Every Node is looked at again each {@code nodeMonitorPeriod}.
 *
 * <p>Identity: {@value #IDENTITY}. Needs get/list/watch on nodes, leases and pods; update on
 * nodes/status and pods/status; create/update on events.
 */
public final class NodeLifecycleController extends ReconcilingController {

    public static final String NAME = "nodelifecycle";
    public static final String IDENTITY = "node-controller";
    public static final String LEASE_NAMESPACE = "kube-node-lease";
    static final String UNKNOWN_REASON = "NodeStatusUnknown";
    static final String UNKNOWN_MESSAGE = "Kubelet stopped posting node status.";

    private static final Logger log = LoggerFactory.getLogger(NodeLifecycleController.class);

    /** The Pods of a node, by {@code spec.nodeName}: a stale node's Pods without a full scan. */
    static final String BY_NODE = "j8s/node-name";

    private final Cache<Node> nodes;
    private final Cache<Lease> leases;
    private final Cache<Pod> pods;
    private final EventRecorder events;
    private final Duration grace;
    private final Duration period;

    public NodeLifecycleController(ControllerContext context) {
        super(context, NAME, IDENTITY);
        this.nodes = context.informers().cache(Node.class);
        this.leases = context.informers().cache(Lease.class);
        this.pods = context.informers().cache(Pod.class);
        context.informers().addIndexer(Pod.class, BY_NODE, p -> List.of(Pods.nodeName(p)));
        this.events = context.eventRecorder(IDENTITY);
        this.grace = context.settings().nodeMonitorGracePeriod();
        this.period = context.settings().nodeMonitorPeriod();
        newLoop(1, List.of(nodes, leases, pods));
        nodes.informer()
                .addEventHandler(
                        EventHandlers.of(n -> queue.add(Keys.keyOf(n)), (o, n) -> {}, n -> {}));
    }

    @Override
    protected Result reconcile(String key) {
        Optional<Node> found = nodes.get(key);
        if (found.isEmpty()) {
            return Result.done();
        }
        Node node = found.get();
        Lease lease = leases.get(LEASE_NAMESPACE, node.getMetadata().getName()).orElse(null);
        Instant now = clock.instant();
        if (NodeHealth.needsUnknown(node, lease, grace, now)) {
            markUnknown(node, now);
        }
        Instant last = NodeHealth.lastHeartbeat(node, lease);
        if (last != null && last.plus(grace).isBefore(now)) {
            markPodsNotReady(node.getMetadata().getName(), now);
        }
        return Result.requeueAfter(period);
    }

    private void markUnknown(Node node, Instant now) {
        Node copy = Semantic.copy(node);
        List<NodeCondition> conditions = new ArrayList<>(copy.getStatus().getConditions());
        boolean hasReady = false;
        for (NodeCondition c : conditions) {
            if ("Ready".equals(c.getType())) {
                hasReady = true;
            }
            if (!"Unknown".equals(c.getStatus())) {
                c.setStatus("Unknown");
                c.setReason(UNKNOWN_REASON);
                c.setMessage(UNKNOWN_MESSAGE);
                c.setLastTransitionTime(Timestamps.format(now));
            }
        }
        if (!hasReady) {
            NodeCondition c = new NodeCondition();
            c.setType("Ready");
            c.setStatus("Unknown");
            c.setReason(UNKNOWN_REASON);
            c.setMessage(UNKNOWN_MESSAGE);
            c.setLastTransitionTime(Timestamps.format(now));
            c.setLastHeartbeatTime(node.getMetadata().getCreationTimestamp());
            conditions.add(c);
        }
        copy.getStatus().setConditions(conditions);
        writes.record("update", "nodes/status");
        client.nodes().resource(copy).updateStatus();
        events.event(
                node,
                EventRecorder.NORMAL,
                "NodeNotReady",
                "Node %s status is now: NodeNotReady",
                node.getMetadata().getName());
        log.warn("Node {} stopped posting status; marked Unknown", node.getMetadata().getName());
    }

    /** {@code MarkPodsNotReady}: Ready=False on every Pod of the node that is still Ready. */
    private void markPodsNotReady(String nodeName, Instant now) {
        for (Pod pod : pods.byIndex(BY_NODE, nodeName)) {
            if (!Pods.isReady(pod)) {
                continue;
            }
            Pod copy = Semantic.copy(pod);
            for (PodCondition c : copy.getStatus().getConditions()) {
                if ("Ready".equals(c.getType())) {
                    c.setStatus("False");
                    c.setLastTransitionTime(Timestamps.format(now));
                }
            }
            try {
                writes.record("update", "pods/status");
                client.pods()
                        .inNamespace(pod.getMetadata().getNamespace())
                        .resource(copy)
                        .updateStatus();
                events.event(pod, EventRecorder.WARNING, "NodeNotReady", "Node is not ready");
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404 && e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }
}
