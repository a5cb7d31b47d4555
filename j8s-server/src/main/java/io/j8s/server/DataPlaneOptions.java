package io.j8s.server;

import java.util.List;
import java.util.Locale;

/**
 * What runs beside the control plane in {@code j8s server}: node agents and the service proxy.
 *
 * @param nodes names of the in-process node agents that run real containers (processes and
 *     built-in responders); empty: none
 * @param simulatedNodes how many simulated nodes (their Pods run nothing and go Ready at once)
 * @param kubeletPort the port of the nodes' log endpoint (one listener serves every in-process
 *     node; 0 picks a free port)
 * @param proxy whether this host runs the service proxy
 * @param lbPolicy the proxy's default balancing: round-robin, random or least-connections
 * @param nodePortAddress where the proxy listens for nodePorts
 */
public record DataPlaneOptions(List<String> nodes, int simulatedNodes, int kubeletPort, boolean proxy,
        String lbPolicy, String nodePortAddress) {

    public DataPlaneOptions {
        nodes = List.copyOf(nodes);
        if (simulatedNodes < 0) {
            throw new IllegalArgumentException("--simulated-nodes must be 0 or more, got " + simulatedNodes);
        }
    }

    /** One real node named after this host, and the proxy. */
    public static DataPlaneOptions defaults() {
        return new DataPlaneOptions(List.of(localNodeName()), 0, 10250, true, "round-robin", "127.0.0.1");
    }

    /** Neither nodes nor proxy: the control plane only. */
    public static DataPlaneOptions none() {
        return new DataPlaneOptions(List.of(), 0, 0, false, "round-robin", "127.0.0.1");
    }

    public DataPlaneOptions withNodes(List<String> names) {
        return new DataPlaneOptions(names, simulatedNodes, kubeletPort, proxy, lbPolicy, nodePortAddress);
    }

    public DataPlaneOptions withSimulatedNodes(int count) {
        return new DataPlaneOptions(nodes, count, kubeletPort, proxy, lbPolicy, nodePortAddress);
    }

    public DataPlaneOptions withKubeletPort(int port) {
        return new DataPlaneOptions(nodes, simulatedNodes, port, proxy, lbPolicy, nodePortAddress);
    }

    public DataPlaneOptions withProxy(boolean enabled) {
        return new DataPlaneOptions(nodes, simulatedNodes, kubeletPort, enabled, lbPolicy, nodePortAddress);
    }

    public DataPlaneOptions withLbPolicy(String policy) {
        return new DataPlaneOptions(nodes, simulatedNodes, kubeletPort, proxy, policy, nodePortAddress);
    }

    /** This host's name as a Node name (a DNS-1123 subdomain), as k3s names its node. */
    public static String localNodeName() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "node01";
            }
        }
        String name = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[^a-z0-9]+", "")
                .replaceAll("[^a-z0-9]+$", "");
        return name.isEmpty() ? "node01" : name.length() > 63 ? name.substring(0, 63) : name;
    }
}
