package io.j8s.proxy.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The desired forwarding state of one Service port: where to listen and which endpoints to forward
 * to. Immutable; built by {@link DesiredStateBuilder}, consumed by the data plane.
 *
 * @param name namespace/name, port name and protocol
 * @param clusterIp the IPv4 ClusterIP to listen on
 * @param port the Service port to listen on at the ClusterIP
 * @param nodePort the node port to listen on at the proxy's node-port address, or 0 for none
 * @param policy the effective load-balancing policy (annotation or host default)
 * @param affinityTimeout the ClientIP session affinity timeout; empty for no affinity
 * @param internalTrafficPolicy which endpoints ClusterIP traffic may use
 * @param externalTrafficPolicy which endpoints node-port traffic may use
 * @param endpoints every endpoint listed for this port, sorted by address, without duplicates
 */
public record ServicePortState(
        ServicePortName name,
        String clusterIp,
        int port,
        int nodePort,
        LbPolicy policy,
        Optional<Duration> affinityTimeout,
        TrafficPolicy internalTrafficPolicy,
        TrafficPolicy externalTrafficPolicy,
        List<EndpointState> endpoints) {

    public ServicePortState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(affinityTimeout, "affinityTimeout");
        Objects.requireNonNull(internalTrafficPolicy, "internalTrafficPolicy");
        Objects.requireNonNull(externalTrafficPolicy, "externalTrafficPolicy");
        if (!Ipv4.isLiteral(clusterIp)) {
            throw new IllegalArgumentException(
                    name + ": clusterIP must be an IPv4 literal, got \"" + clusterIp + "\"");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + ": port must be 1..65535, got " + port);
        }
        if (nodePort < 0 || nodePort > 65535) {
            throw new IllegalArgumentException(
                    name + ": nodePort must be 0..65535, got " + nodePort);
        }
        affinityTimeout.ifPresent(
                t -> {
                    if (t.isNegative() || t.isZero()) {
                        throw new IllegalArgumentException(
                                name + ": affinity timeout must be positive, got " + t);
                    }
                });
        endpoints = List.copyOf(endpoints);
    }

    /** A ClusterIP-only TCP/UDP port with round-robin, no affinity, Cluster traffic policies. */
    public static ServicePortState of(
            ServicePortName name, String clusterIp, int port, List<EndpointState> endpoints) {
        return new ServicePortState(
                name,
                clusterIp,
                port,
                0,
                LbPolicy.ROUND_ROBIN,
                Optional.empty(),
                TrafficPolicy.CLUSTER,
                TrafficPolicy.CLUSTER,
                endpoints);
    }

    public ServicePortState withEndpoints(List<EndpointState> newEndpoints) {
        return new ServicePortState(
                name,
                clusterIp,
                port,
                nodePort,
                policy,
                affinityTimeout,
                internalTrafficPolicy,
                externalTrafficPolicy,
                newEndpoints);
    }

    public ServicePortState withPolicy(LbPolicy newPolicy) {
        return new ServicePortState(
                name,
                clusterIp,
                port,
                nodePort,
                newPolicy,
                affinityTimeout,
                internalTrafficPolicy,
                externalTrafficPolicy,
                endpoints);
    }

    public ServicePortState withAffinity(Duration timeout) {
        return new ServicePortState(
                name,
                clusterIp,
                port,
                nodePort,
                policy,
                Optional.of(timeout),
                internalTrafficPolicy,
                externalTrafficPolicy,
                endpoints);
    }

    public ServicePortState withNodePort(int newNodePort) {
        return new ServicePortState(
                name,
                clusterIp,
                port,
                newNodePort,
                policy,
                affinityTimeout,
                internalTrafficPolicy,
                externalTrafficPolicy,
                endpoints);
    }

    public ServicePortState withTrafficPolicies(TrafficPolicy internal, TrafficPolicy external) {
        return new ServicePortState(
                name,
                clusterIp,
                port,
                nodePort,
                policy,
                affinityTimeout,
                internal,
                external,
                endpoints);
    }

    /** The {@code port} tag of this port's metrics: its name, or its number when unnamed. */
    public String portTag() {
        return name.portName().isEmpty() ? Integer.toString(port) : name.portName();
    }
}
