package io.j8s.controllers.nodeipam;

import io.fabric8.kubernetes.api.model.Node;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.client.record.EventRecorder;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ReconcilingController;
import io.j8s.controllers.runtime.Result;
import io.j8s.controllers.util.Semantic;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every Node a {@code spec.podCIDR} (and {@code podCIDRs}) from {@code --cluster-cidr}
 * ({@link CidrAllocator}). The used set is rebuilt from the Nodes on every sync, plus the subnets
 * this instance handed out that the cache has not shown yet, so a restart changes nothing.
 *
 * <p>Identity: {@value #IDENTITY}. Needs get/list/watch and update on nodes.
 */
public final class NodeIpamController extends ReconcilingController {

    public static final String NAME = "nodeipam";
    public static final String IDENTITY = "node-controller";

    private static final Logger log = LoggerFactory.getLogger(NodeIpamController.class);

    private final Cache<Node> nodes;
    private final CidrAllocator allocator;
    private final EventRecorder events;

    /** Node name → CIDR written but maybe not yet in the cache; the single worker owns it. */
    private final java.util.Map<String, String> pending =
            new java.util.concurrent.ConcurrentHashMap<>();

    public NodeIpamController(ControllerContext context) {
        super(context, NAME, IDENTITY);
        this.nodes = context.informers().cache(Node.class);
        this.allocator =
                new CidrAllocator(
                        context.settings().clusterCidr(), context.settings().nodeCidrMaskSize());
        this.events = context.eventRecorder(IDENTITY);
        newLoop(1, List.of(nodes));
        nodes.informer()
                .addEventHandler(
                        EventHandlers.of(
                                n -> queue.add(Keys.keyOf(n)),
                                (o, n) -> queue.add(Keys.keyOf(n)),
                                n -> pending.remove(n.getMetadata().getName())));
    }

    @Override
    protected Result reconcile(String key) {
        Optional<Node> found = nodes.get(key);
        if (found.isEmpty()) {
            pending.remove(key);
            return Result.done();
        }
        Node node = found.get();
        String current = node.getSpec() == null ? null : node.getSpec().getPodCIDR();
        if (current != null && !current.isEmpty()) {
            pending.remove(key);
            return Result.done();
        }
        String assigned = pending.get(key);
        if (assigned == null) {
            Set<String> used = new HashSet<>(pending.values());
            for (Node n : nodes.list()) {
                if (n.getSpec() != null && n.getSpec().getPodCIDR() != null) {
                    used.add(n.getSpec().getPodCIDR());
                }
                if (n.getSpec() != null && n.getSpec().getPodCIDRs() != null) {
                    used.addAll(n.getSpec().getPodCIDRs());
                }
            }
            Optional<String> cidr = allocator.allocate(used);
            if (cidr.isEmpty()) {
                events.event(
                        node,
                        EventRecorder.NORMAL,
                        "CIDRNotAvailable",
                        "Node %s status is now: CIDRNotAvailable",
                        node.getMetadata().getName());
                throw new IllegalStateException(
                        "no pod CIDR left in " + allocator + " for node " + key);
            }
            assigned = cidr.get();
            pending.put(key, assigned);
        }
        Node copy = Semantic.copy(node);
        copy.getSpec().setPodCIDR(assigned);
        copy.getSpec().setPodCIDRs(List.of(assigned));
        writes.record("update", "nodes");
        client.nodes().resource(copy).update();
        log.info("Assigned pod CIDR {} to node {}", assigned, key);
        return Result.done();
    }
}
