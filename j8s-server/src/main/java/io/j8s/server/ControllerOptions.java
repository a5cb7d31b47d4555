package io.j8s.server;

import io.j8s.controllers.ControllerManager;
import io.j8s.controllers.runtime.ControllerSettings;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How {@code j8s server} runs its controllers: which ones, whether they wait for the leader Lease,
 * and the kube-controller-manager settings j8s honours. Immutable; {@link #defaults()} gives the
 * documented defaults (every controller, leader election on).
 *
 * @param enabled controller names (see {@link ControllerManager#ALL}); empty runs none
 * @param leaderElect run the controllers only while holding the Lease {@code
 *     kube-system/j8s-controller-manager}, so two servers sharing one etcd never both act
 * @param nodeMonitorGracePeriod how long a Node's Lease may go unrenewed before it is Unknown
 * @param nodeMonitorPeriod how often Node health is checked
 * @param maxEndpointsPerSlice endpoints per EndpointSlice, 1..1000
 * @param resyncPeriod how often the informers redeliver every object
 */
public record ControllerOptions(
        Set<String> enabled,
        boolean leaderElect,
        Duration nodeMonitorGracePeriod,
        Duration nodeMonitorPeriod,
        int maxEndpointsPerSlice,
        Duration resyncPeriod) {

    public ControllerOptions {
        enabled = Set.copyOf(enabled);
        for (String name : enabled) {
            if (!ControllerManager.ALL.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown controller '"
                                + name
                                + "'; known: "
                                + String.join(", ", ControllerManager.ALL));
            }
        }
        Objects.requireNonNull(nodeMonitorGracePeriod, "nodeMonitorGracePeriod");
        Objects.requireNonNull(nodeMonitorPeriod, "nodeMonitorPeriod");
        Objects.requireNonNull(resyncPeriod, "resyncPeriod");
    }

    /**
     * Every controller, leader election on, Kubernetes' defaults (40 s, 5 s, 100) and a 5 min
     * resync.
     */
    public static ControllerOptions defaults() {
        ControllerSettings d = ControllerSettings.defaults();
        return new ControllerOptions(
                Set.copyOf(ControllerManager.ALL),
                true,
                d.nodeMonitorGracePeriod(),
                d.nodeMonitorPeriod(),
                d.maxEndpointsPerSlice(),
                d.resyncPeriod());
    }

    /** No controller at all: the API server alone. */
    public static ControllerOptions none() {
        return defaults().withEnabled(Set.of());
    }

    /**
     * kube-controller-manager's {@code --controllers} list: {@code *} enables every controller,
     * {@code foo} enables foo, {@code -foo} disables it (a disable wins); blank items are ignored.
     *
     * @throws IllegalArgumentException naming an unknown controller
     */
    public static Set<String> parseControllers(List<String> items) {
        Set<String> enabled = new LinkedHashSet<>();
        Set<String> disabled = new LinkedHashSet<>();
        for (String raw : items) {
            String item = raw.trim();
            if (item.isEmpty()) {
                continue;
            }
            if (item.equals("*")) {
                enabled.addAll(ControllerManager.ALL);
                continue;
            }
            boolean disable = item.startsWith("-");
            String name = disable ? item.substring(1) : item;
            if (!ControllerManager.ALL.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown controller '"
                                + name
                                + "' in --controllers; known: "
                                + String.join(", ", ControllerManager.ALL));
            }
            (disable ? disabled : enabled).add(name);
        }
        enabled.removeAll(disabled);
        return enabled;
    }

    /** The controllers' settings, with the pod CIDRs cut from {@code clusterCidr}. */
    public ControllerSettings settings(String clusterCidr) {
        return ControllerSettings.builder()
                .clusterCidr(clusterCidr)
                .nodeMonitorGracePeriod(nodeMonitorGracePeriod)
                .nodeMonitorPeriod(nodeMonitorPeriod)
                .maxEndpointsPerSlice(maxEndpointsPerSlice)
                .resyncPeriod(resyncPeriod)
                .build();
    }

    public ControllerOptions withEnabled(Set<String> names) {
        return new ControllerOptions(
                names,
                leaderElect,
                nodeMonitorGracePeriod,
                nodeMonitorPeriod,
                maxEndpointsPerSlice,
                resyncPeriod);
    }

    public ControllerOptions withLeaderElect(boolean v) {
        return new ControllerOptions(
                enabled,
                v,
                nodeMonitorGracePeriod,
                nodeMonitorPeriod,
                maxEndpointsPerSlice,
                resyncPeriod);
    }

    public ControllerOptions withNodeMonitor(Duration gracePeriod, Duration period) {
        return new ControllerOptions(
                enabled, leaderElect, gracePeriod, period, maxEndpointsPerSlice, resyncPeriod);
    }

    public ControllerOptions withMaxEndpointsPerSlice(int v) {
        return new ControllerOptions(
                enabled, leaderElect, nodeMonitorGracePeriod, nodeMonitorPeriod, v, resyncPeriod);
    }

    public ControllerOptions withResyncPeriod(Duration v) {
        return new ControllerOptions(
                enabled,
                leaderElect,
                nodeMonitorGracePeriod,
                nodeMonitorPeriod,
                maxEndpointsPerSlice,
                v);
    }
}
