package io.j8s.server;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What runs beside the control plane in {@code j8s server} (and in {@code j8s agent}): node agents
 * and the service proxy.
 *
 * @param nodes names of the node agents that run real containers (processes and built-in
 *     responders); empty: none
 * @param simulatedNodes how many simulated nodes (their Pods run nothing and go Ready at once)
 * @param simulatedPrefix the simulated nodes' names: {@code <prefix>00001}, ...
 * @param kubeletPort the port of the nodes' log endpoint (one listener serves every node of the
 *     process; 0 picks a free port; {@link io.j8s.server.ranges.HostClaims#AUTO_PORT}, the default:
 *     10250 when free on this host, else a free one)
 * @param nodeIp the nodes' InternalIP, where their log endpoint listens
 * @param nodeAnnotations extra annotations on every Node of the process
 * @param proxy whether this host runs the service proxy
 * @param lbPolicy the proxy's default balancing: round-robin, random or least-connections
 * @param nodePortAddress where the proxy listens for nodePorts
 */
public record DataPlaneOptions(
        List<String> nodes,
        int simulatedNodes,
        String simulatedPrefix,
        int kubeletPort,
        String nodeIp,
        Map<String, String> nodeAnnotations,
        boolean proxy,
        String lbPolicy,
        String nodePortAddress) {

    public DataPlaneOptions {
        nodes = List.copyOf(nodes);
        nodeAnnotations = Map.copyOf(nodeAnnotations);
        if (simulatedNodes < 0) {
            throw new IllegalArgumentException(
                    "--simulated-nodes must be 0 or more, got " + simulatedNodes);
        }
    }

    /** One real node named after this host, and the proxy. */
    public static DataPlaneOptions defaults() {
        return new DataPlaneOptions(
                List.of(localNodeName()),
                0,
                "sim-",
                io.j8s.server.ranges.HostClaims.AUTO_PORT,
                "127.0.0.1",
                Map.of(),
                true,
                "round-robin",
                "127.0.0.1");
    }

    /** Neither nodes nor proxy: the control plane only. */
    public static DataPlaneOptions none() {
        return defaults().withNodes(List.of()).withKubeletPort(0).withProxy(false);
    }

    public DataPlaneOptions withNodes(List<String> names) {
        return new DataPlaneOptions(
                names,
                simulatedNodes,
                simulatedPrefix,
                kubeletPort,
                nodeIp,
                nodeAnnotations,
                proxy,
                lbPolicy,
                nodePortAddress);
    }

    public DataPlaneOptions withSimulatedNodes(int count) {
        return new DataPlaneOptions(
                nodes,
                count,
                simulatedPrefix,
                kubeletPort,
                nodeIp,
                nodeAnnotations,
                proxy,
                lbPolicy,
                nodePortAddress);
    }

    public DataPlaneOptions withSimulatedPrefix(String prefix) {
        return new DataPlaneOptions(
                nodes,
                simulatedNodes,
                prefix,
                kubeletPort,
                nodeIp,
                nodeAnnotations,
                proxy,
                lbPolicy,
                nodePortAddress);
    }

    public DataPlaneOptions withKubeletPort(int port) {
        return new DataPlaneOptions(
                nodes,
                simulatedNodes,
                simulatedPrefix,
                port,
                nodeIp,
                nodeAnnotations,
                proxy,
                lbPolicy,
                nodePortAddress);
    }

    public DataPlaneOptions withNodeIp(String ip) {
        return new DataPlaneOptions(
                nodes,
                simulatedNodes,
                simulatedPrefix,
                kubeletPort,
                ip,
                nodeAnnotations,
                proxy,
                lbPolicy,
                nodePortAddress);
    }

    public DataPlaneOptions withNodeAnnotations(Map<String, String> annotations) {
        return new DataPlaneOptions(
                nodes,
                simulatedNodes,
                simulatedPrefix,
                kubeletPort,
                nodeIp,
                annotations,
                proxy,
                lbPolicy,
                nodePortAddress);
    }

    public DataPlaneOptions withProxy(boolean enabled) {
        return new DataPlaneOptions(
                nodes,
                simulatedNodes,
                simulatedPrefix,
                kubeletPort,
                nodeIp,
                nodeAnnotations,
                enabled,
                lbPolicy,
                nodePortAddress);
    }

    public DataPlaneOptions withLbPolicy(String policy) {
        return new DataPlaneOptions(
                nodes,
                simulatedNodes,
                simulatedPrefix,
                kubeletPort,
                nodeIp,
                nodeAnnotations,
                proxy,
                policy,
                nodePortAddress);
    }

    /** The names of the simulated nodes. */
    public List<String> simulatedNames() {
        List<String> names = new java.util.ArrayList<>(simulatedNodes);
        for (int i = 1; i <= simulatedNodes; i++) {
            names.add(simulatedPrefix + String.format("%05d", i));
        }
        return names;
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
        String name =
                host.toLowerCase(Locale.ROOT)
                        .replaceAll("[^a-z0-9.-]", "-")
                        .replaceAll("^[^a-z0-9]+", "")
                        .replaceAll("[^a-z0-9]+$", "");
        return name.isEmpty() ? "node01" : name.length() > 63 ? name.substring(0, 63) : name;
    }
}
