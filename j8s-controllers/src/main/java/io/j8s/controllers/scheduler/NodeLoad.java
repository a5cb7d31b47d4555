package io.j8s.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.j8s.client.cache.Keys;
import io.j8s.controllers.util.OwnerReferences;
import io.j8s.controllers.util.Pods;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many Pods each Node runs, in all and per controlling owner, kept up to date one Pod change at
 * a time (kube-scheduler's node cache): a scheduling decision reads it per Node instead of counting
 * every Pod of the cluster, which at 150,000 Pods made scheduling cost grow with the square of the
 * Pods. A Pod counts from the moment it is bound (or the scheduler assumes its binding) until it is
 * deleted or terminal. It also remembers each Node's Pod capacity ({@code status.allocatable.pods})
 * per resourceVersion, since parsing the quantity for every Node of every decision cost more than
 * the rest of the decision. Thread-safe: changes are serialized, reads see the counts of a moment
 * (a decision's reads may straddle one change, as kube-scheduler's snapshot may be a change
 * behind).
 */
final class NodeLoad {

    /** Where one Pod counts. */
    private record Placement(String node, String ownerUid) {}

    private final Map<String, Placement> placements = new HashMap<>();

    /** Pods bound by the scheduler whose binding the cache does not show yet. */
    private final Set<String> assumed = new HashSet<>();

    private final Map<String, Integer> perNode = new ConcurrentHashMap<>();

    /** Owner uid → node → Pods. */
    private final Map<String, Map<String, Integer>> perOwner = new ConcurrentHashMap<>();

    /** Node name → its capacity at one resourceVersion. */
    private final Map<String, Capacity> capacities = new ConcurrentHashMap<>();

    private record Capacity(String resourceVersion, Integer pods) {}

    /** Counts {@code pods} as they are (what a list of the cluster shows). */
    static NodeLoad of(Iterable<Pod> pods) {
        NodeLoad load = new NodeLoad();
        pods.forEach(load::observe);
        return load;
    }

    /** A Pod was added or changed as the cache shows it. */
    synchronized void observe(Pod pod) {
        String key = Keys.keyOf(pod);
        String node = Pods.nodeName(pod);
        if (node.isEmpty() && assumed.contains(key)) {
            return; // an older state than the binding the scheduler made
        }
        assumed.remove(key);
        place(
                key,
                node.isEmpty() || Pods.isTerminal(pod) ? null : new Placement(node, ownerUid(pod)));
    }

    /**
     * The scheduler bound {@code pod} to {@code node}; it counts there before the cache shows it.
     */
    synchronized void assume(Pod pod, String node) {
        String key = Keys.keyOf(pod);
        assumed.add(key);
        place(key, new Placement(node, ownerUid(pod)));
    }

    /**
     * The binding of an assumed Pod failed: it no longer counts on the assumed node, unless the
     * cache has shown where it really is meanwhile.
     */
    synchronized void unassume(Pod pod) {
        String key = Keys.keyOf(pod);
        if (assumed.remove(key)) {
            place(key, null);
        }
    }

    /** A Pod was deleted. */
    synchronized void forget(Pod pod) {
        String key = Keys.keyOf(pod);
        assumed.remove(key);
        place(key, null);
    }

    /** Pods on {@code node}. */
    int onNode(String node) {
        return perNode.getOrDefault(node, 0);
    }

    /** Pods of the owner with {@code ownerUid} on {@code node}. */
    int ofOwnerOnNode(String ownerUid, String node) {
        return perOwner.getOrDefault(ownerUid, Map.of()).getOrDefault(node, 0);
    }

    /**
     * How many Pods {@code node} takes ({@code status.allocatable.pods}), or null when it does not
     * say.
     */
    Integer capacity(Node node) {
        String rv = node.getMetadata().getResourceVersion();
        if (rv == null) {
            return NodeChooser.podCapacity(node);
        }
        Capacity known = capacities.get(node.getMetadata().getName());
        if (known == null || !known.resourceVersion().equals(rv)) {
            known = new Capacity(rv, NodeChooser.podCapacity(node));
            capacities.put(node.getMetadata().getName(), known);
        }
        return known.pods();
    }

    /** A Node was deleted. */
    void forgetNode(Node node) {
        capacities.remove(node.getMetadata().getName());
    }

    private void place(String key, Placement now) {
        Placement before = now == null ? placements.remove(key) : placements.put(key, now);
        if (before != null && before.equals(now)) {
            return;
        }
        if (before != null) {
            add(before, -1);
        }
        if (now != null) {
            add(now, 1);
        }
    }

    private void add(Placement placement, int delta) {
        perNode.merge(placement.node(), delta, NodeLoad::sumOrNull);
        if (placement.ownerUid() != null) {
            Map<String, Integer> byNode =
                    perOwner.computeIfAbsent(placement.ownerUid(), o -> new ConcurrentHashMap<>());
            byNode.merge(placement.node(), delta, NodeLoad::sumOrNull);
            if (byNode.isEmpty()) {
                perOwner.remove(placement.ownerUid());
            }
        }
    }

    /** Sums counts, dropping an entry that reaches zero. */
    private static Integer sumOrNull(Integer a, Integer b) {
        int sum = a + b;
        return sum == 0 ? null : sum;
    }

    static String ownerUid(Pod pod) {
        return OwnerReferences.controllerOf(pod).map(OwnerReference::getUid).orElse(null);
    }
}
