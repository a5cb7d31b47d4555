package io.j8s.controllers.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.j8s.client.clock.Timestamps;
import java.time.Duration;
import java.time.Instant;

/** When a Node counts as gone silent. Pure. */
public final class NodeHealth {

    private NodeHealth() {}

    /**
     * The latest sign of life: the Lease's renewTime or the Ready condition's heartbeat, else
     * creation.
     */
    public static Instant lastHeartbeat(Node node, Lease lease) {
        Instant latest = Timestamps.parse(node.getMetadata().getCreationTimestamp());
        if (lease != null && lease.getSpec() != null && lease.getSpec().getRenewTime() != null) {
            latest = max(latest, lease.getSpec().getRenewTime().toInstant());
        }
        NodeCondition ready = readyCondition(node);
        if (ready != null) {
            latest = max(latest, Timestamps.parse(ready.getLastHeartbeatTime()));
        }
        return latest;
    }

    /** Silent for longer than {@code grace} and not yet marked Unknown. */
    public static boolean needsUnknown(Node node, Lease lease, Duration grace, Instant now) {
        Instant last = lastHeartbeat(node, lease);
        if (last == null || !last.plus(grace).isBefore(now)) {
            return false;
        }
        NodeCondition ready = readyCondition(node);
        return ready == null || !"Unknown".equals(ready.getStatus());
    }

    static NodeCondition readyCondition(Node node) {
        if (node.getStatus() == null || node.getStatus().getConditions() == null) {
            return null;
        }
        return node.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .findFirst()
                .orElse(null);
    }

    private static Instant max(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isAfter(b) ? a : b;
    }
}
