package io.j8s.controllers.scheduler;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Picks a Node for a Pod, the way a minimal kube-scheduler would. Filters: Node Ready, not {@code
 * spec.unschedulable}, {@code nodeSelector} matches the Node's labels, every NoSchedule / NoExecute
 * taint tolerated, fewer Pods than {@code status.allocatable.pods}. Among the feasible Nodes:
 * fewest Pods of the same owner (spreads a ReplicaSet), then fewest Pods overall, then name. Pure.
 */
public final class NodeChooser {

    private NodeChooser() {}

    /**
     * A Node, or the reason why none fits ({@code "0/2 nodes are available: ..."}), and how many
     * Nodes were looked at.
     */
    public record Choice(Optional<String> node, String failureMessage, int evaluated) {}

    /**
     * Below this many Nodes every Node is looked at (kube-scheduler's {@code
     * minFeasibleNodesToFind}).
     */
    static final int MIN_FEASIBLE_NODES_TO_FIND = 100;

    /**
     * @param assigned every Pod already bound (or being bound) to a Node, not terminal
     */
    public static Choice choose(Pod pod, List<Node> nodes, List<Pod> assigned) {
        return choose(pod, nodes, NodeLoad.of(assigned), 0);
    }

    /**
     * Chooses with the Pods per Node that {@code load} counts. Like kube-scheduler, it stops
     * looking once it found {@link #feasibleNodesToFind} feasible Nodes, starting at Node {@code
     * start} (the caller moves it on by {@link Choice#evaluated()} so every Node gets its turn): in
     * a cluster of 1,500 Nodes a decision looks at 570 of them.
     */
    static Choice choose(Pod pod, List<Node> nodes, NodeLoad load, int start) {
        String ownerUid = NodeLoad.ownerUid(pod);
        Map<String, Integer> reasons = new TreeMap<>();
        List<Node> feasible = new ArrayList<>();
        int toFind = feasibleNodesToFind(nodes.size());
        int evaluated = 0;
        while (evaluated < nodes.size() && feasible.size() < toFind) {
            Node node = nodes.get((start + evaluated) % nodes.size());
            evaluated++;
            String reason = unfit(pod, node, load);
            if (reason == null) {
                feasible.add(node);
            } else {
                reasons.merge(reason, 1, Integer::sum);
            }
        }
        if (feasible.isEmpty()) {
            StringBuilder msg =
                    new StringBuilder()
                            .append("0/")
                            .append(nodes.size())
                            .append(" nodes are available");
            if (reasons.isEmpty()) {
                msg.append(".");
            } else {
                msg.append(": ");
                List<String> parts = new ArrayList<>();
                reasons.forEach((r, n) -> parts.add(n + " " + r));
                parts.sort(null); // kube-scheduler's FitError sorts the "<count> <reason>" strings
                msg.append(String.join(", ", parts)).append(".");
            }
            return new Choice(Optional.empty(), msg.toString(), evaluated);
        }
        Node best = null;
        int bestOfOwner = 0;
        int bestAll = 0;
        for (Node node : feasible) {
            String name = node.getMetadata().getName();
            int ofOwner = ownerUid == null ? 0 : load.ofOwnerOnNode(ownerUid, name);
            int all = load.onNode(name);
            if (best == null
                    || ofOwner < bestOfOwner
                    || (ofOwner == bestOfOwner
                            && (all < bestAll
                                    || (all == bestAll
                                            && name.compareTo(best.getMetadata().getName())
                                                    < 0)))) {
                best = node;
                bestOfOwner = ofOwner;
                bestAll = all;
            }
        }
        return new Choice(Optional.of(best.getMetadata().getName()), null, evaluated);
    }

    /** kube-scheduler's {@code numFeasibleNodesToFind} with its default, adaptive percentage. */
    static int feasibleNodesToFind(int allNodes) {
        if (allNodes < MIN_FEASIBLE_NODES_TO_FIND) {
            return allNodes;
        }
        int percentage = Math.max(5, 50 - allNodes / 125);
        return Math.max(MIN_FEASIBLE_NODES_TO_FIND, allNodes * percentage / 100);
    }

    /**
     * Why {@code node} cannot take {@code pod} (kube-scheduler's wording), or null when it can. The
     * first failing filter gives the reason, in kube-scheduler's filter order: NodeUnschedulable,
     * TaintToleration, NodeAffinity, then the pod count. Readiness comes first: Kubernetes
     * expresses it as the {@code node.kubernetes.io/not-ready} taint, which j8s does not set.
     */
    private static String unfit(Pod pod, Node node, NodeLoad load) {
        if (!isReady(node)) {
            return "node(s) were not ready";
        }
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            return "node(s) were unschedulable";
        }
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            for (Taint taint : node.getSpec().getTaints()) {
                if (("NoSchedule".equals(taint.getEffect())
                                || "NoExecute".equals(taint.getEffect()))
                        && !tolerated(taint, pod.getSpec().getTolerations())) {
                    return "node(s) had untolerated taint {"
                            + taint.getKey()
                            + (taint.getValue() == null || taint.getValue().isEmpty()
                                    ? ""
                                    : ": " + taint.getValue())
                            + "}";
                }
            }
        }
        Map<String, String> selector = pod.getSpec().getNodeSelector();
        Map<String, String> labels =
                node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        if (selector != null) {
            for (Map.Entry<String, String> e : selector.entrySet()) {
                if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
                    return "node(s) didn't match Pod's node affinity/selector";
                }
            }
        }
        Integer capacity = load.capacity(node);
        if (capacity != null && load.onNode(node.getMetadata().getName()) >= capacity) {
            return "Too many pods";
        }
        return null;
    }

    /** {@code Toleration.ToleratesTaint}. */
    static boolean tolerated(Taint taint, List<Toleration> tolerations) {
        if (tolerations == null) {
            return false;
        }
        for (Toleration t : tolerations) {
            if (t.getEffect() != null
                    && !t.getEffect().isEmpty()
                    && !t.getEffect().equals(taint.getEffect())) {
                continue;
            }
            if (t.getKey() != null && !t.getKey().isEmpty() && !t.getKey().equals(taint.getKey())) {
                continue;
            }
            String op =
                    t.getOperator() == null || t.getOperator().isEmpty()
                            ? "Equal"
                            : t.getOperator();
            if ("Exists".equals(op)) {
                return true;
            }
            if ("Equal".equals(op)
                    && t.getKey() != null
                    && !t.getKey().isEmpty()
                    && Objects.equals(nullToEmpty(t.getValue()), nullToEmpty(taint.getValue()))) {
                return true;
            }
        }
        return false;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    static boolean isReady(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return false;
        }
        for (NodeCondition c : node.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    static Integer podCapacity(Node node) {
        if (node.getStatus() == null || node.getStatus().getAllocatable() == null) {
            return null;
        }
        Quantity q = node.getStatus().getAllocatable().get("pods");
        if (q == null) {
            return null;
        }
        try {
            return Quantity.getAmountInBytes(q).intValue();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
