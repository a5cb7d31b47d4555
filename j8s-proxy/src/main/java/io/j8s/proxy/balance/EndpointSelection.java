package io.j8s.proxy.balance;

import io.j8s.proxy.model.EndpointState;
import io.j8s.proxy.model.TrafficPolicy;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which of a Service port's endpoints may take new connections, after kube-proxy's {@code
 * CategorizeEndpoints} ({@code pkg/proxy/topology.go}), without topology hints:
 *
 * <ul>
 *   <li>{@code Cluster}: the ready endpoints; if none is ready anywhere, those that are {@code
 *       serving && terminating}.
 *   <li>{@code Local}: the ready endpoints on this node; if none, this node's {@code serving &&
 *       terminating} ones; otherwise nothing (traffic is rejected, never sent to another node).
 * </ul>
 *
 * Pure and thread-safe.
 */
public final class EndpointSelection {

    private EndpointSelection() {}

    /**
     * @param nodeName this proxy's node; endpoints whose {@code nodeName} equals it are local
     */
    public static List<EndpointState> usable(
            List<EndpointState> endpoints, TrafficPolicy policy, String nodeName) {
        Predicate<EndpointState> scope =
                policy == TrafficPolicy.LOCAL
                        ? e ->
                                nodeName != null
                                        && !nodeName.isEmpty()
                                        && nodeName.equals(e.nodeName())
                        : e -> true;
        List<EndpointState> ready = filter(endpoints, scope.and(EndpointState::ready));
        if (!ready.isEmpty()) {
            return ready;
        }
        return filter(endpoints, scope.and(e -> e.serving() && e.terminating()));
    }

    private static List<EndpointState> filter(
            List<EndpointState> endpoints, Predicate<EndpointState> predicate) {
        return endpoints.stream().filter(predicate).toList();
    }
}
