package io.j8s.server;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.node.agent.NodeAgent;
import io.j8s.node.agent.NodeAgentResources;
import io.j8s.node.agent.NodeAgentSettings;
import io.j8s.node.agent.PodSource;
import io.j8s.node.agent.RuntimeMode;
import io.j8s.node.agent.SharedNodePods;
import io.j8s.node.server.ContainerLogServer;
import io.j8s.node.server.NodeEndpointAuthenticator;
import io.j8s.proxy.ProxySettings;
import io.j8s.proxy.ServiceProxy;
import io.j8s.proxy.model.LbPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agents and the service proxy of one process, started and stopped together. Each is an
 * API client with its own identity ({@code system:node:<name>}, {@code system:kube-proxy}), asked
 * of {@code clients}.
 */
final class DataPlane implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataPlane.class);

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private final List<NodeAgent> agents = new ArrayList<>();
    private ContainerLogServer logServer;
    private ServiceProxy proxy;
    private PodSource podSource; // null: each agent watches its own Pods

    /** Identities the data plane asks clients for. */
    static String nodeIdentity(String node) {
        return "system:node:" + node;
    }

    static final String PROXY_IDENTITY = "system:kube-proxy";

    /**
     * The identity of the one Pod watch the in-process node agents share ({@link SharedNodePods}):
     * list and watch of Pods, granted by the bootstrap role of the same name.
     */
    static final String NODE_PODS_IDENTITY = "system:j8s:node-agents";

    /**
     * @param stateDir where each real node keeps its Pod IPs and process records ({@code
     *     <dir>/<node>})
     */
    static DataPlane start(
            DataPlaneOptions options,
            Path stateDir,
            Function<String, KubernetesClient> clients,
            MeterRegistry metrics,
            Clock clock)
            throws InterruptedException {
        return start(
                options,
                stateDir,
                clients,
                null,
                NodeEndpointAuthenticator.ALLOW_ALL,
                metrics,
                clock);
    }

    /**
     * @param logTls the TLS context of the nodes' log endpoint, or null for plain HTTP
     * @param logAuthenticator who may read logs from that endpoint
     */
    static DataPlane start(
            DataPlaneOptions options,
            Path stateDir,
            Function<String, KubernetesClient> clients,
            SslContext logTls,
            NodeEndpointAuthenticator logAuthenticator,
            MeterRegistry metrics,
            Clock clock)
            throws InterruptedException {
        return start(
                options,
                stateDir,
                clients,
                logTls,
                logAuthenticator,
                PodDns.NONE,
                false,
                metrics,
                clock);
    }

    /**
     * The cluster DNS real nodes give their Pods (the kubelet's {@code --cluster-dns} and {@code
     * --cluster-domain}).
     *
     * @param address the kube-dns ClusterIP, or null: Pods with {@code dnsPolicy: ClusterFirst} get
     *     the host's resolver (see docs/architecture.md, "What a process Pod sees")
     */
    record PodDns(String address, String domain) {
        static final PodDns NONE = new PodDns(null, "cluster.local");
    }

    /**
     * As above, with the cluster DNS the real nodes' Pods resolve with.
     *
     * @param sharedPodWatch true: the agents take their Pods from one watch of all bound Pods read
     *     as {@link #NODE_PODS_IDENTITY} (a server's own agents); false: each watches its own as
     *     its node (joined agents, whose credentials are only their nodes')
     */
    static DataPlane start(
            DataPlaneOptions options,
            Path stateDir,
            Function<String, KubernetesClient> clients,
            SslContext logTls,
            NodeEndpointAuthenticator logAuthenticator,
            PodDns podDns,
            boolean sharedPodWatch,
            MeterRegistry metrics,
            Clock clock)
            throws InterruptedException {
        DataPlane plane = new DataPlane();
        try {
            plane.startAll(
                    options,
                    stateDir,
                    clients,
                    logTls,
                    logAuthenticator,
                    podDns,
                    sharedPodWatch,
                    metrics,
                    clock);
            return plane;
        } catch (RuntimeException | InterruptedException e) {
            plane.close();
            throw e;
        }
    }

    private void startAll(
            DataPlaneOptions options,
            Path stateDir,
            Function<String, KubernetesClient> clients,
            SslContext logTls,
            NodeEndpointAuthenticator logAuthenticator,
            PodDns podDns,
            boolean sharedPodWatch,
            MeterRegistry metrics,
            Clock clock)
            throws InterruptedException {
        List<String> simulated = options.simulatedNames();
        if (!options.nodes().isEmpty() || !simulated.isEmpty()) {
            NodeAgentResources shared = NodeAgentResources.create();
            closeables.push(shared);
            if (sharedPodWatch) {
                SharedNodePods pods = new SharedNodePods(clients.apply(NODE_PODS_IDENTITY));
                closeables.push(pods); // stopped after the agents that follow it
                podSource = pods;
            }
            // the log port is claimed on this host like the server's ranges (docs/architecture.md,
            // "Many clusters
            // on one host"): 10250 when free unless given, else a free one
            var portClaim =
                    new io.j8s.server.ranges.HostClaims(
                            io.j8s.server.ranges.RangeRegistry.host(),
                            "j8s nodes (state " + stateDir + ")",
                            null);
            closeables.push(portClaim);
            int wantedPort =
                    portClaim.claimPort(
                            "node log port (--kubelet-port)",
                            options.nodeIp(),
                            options.kubeletPort(),
                            0,
                            io.j8s.server.ranges.HostClaims.DEFAULT_KUBELET_PORT);
            logServer =
                    new ContainerLogServer(
                                    new InetSocketAddress(options.nodeIp(), wantedPort),
                                    shared.logs(),
                                    logTls,
                                    logAuthenticator,
                                    clock,
                                    shared.eventLoops())
                            .serveResourceMetrics(
                                    shared.resourceMetrics()::scrape, shared.blocking())
                            .start();
            closeables.push(logServer);
            int kubeletPort = logServer.address().getPort();
            for (String node : options.nodes()) {
                startAgent(
                        NodeAgentSettings.builder(node)
                                .runtimeMode(RuntimeMode.REAL)
                                .stateDir(stateDir.resolve(node))
                                .internalIp(options.nodeIp())
                                .kubeletPort(kubeletPort)
                                .annotations(options.nodeAnnotations())
                                .clusterDns(podDns.address())
                                .clusterDomain(podDns.domain())
                                .build(),
                        clients,
                        metrics,
                        clock,
                        shared);
            }
            for (String node : simulated) {
                startAgent(
                        NodeAgentSettings.builder(node)
                                .runtimeMode(RuntimeMode.SIMULATED)
                                .internalIp(options.nodeIp())
                                .kubeletPort(kubeletPort)
                                .recordEvents(false)
                                .annotations(options.nodeAnnotations())
                                .build(),
                        clients,
                        metrics,
                        clock,
                        shared);
            }
            log.atInfo()
                    .addKeyValue("nodes", options.nodes())
                    .addKeyValue("simulatedNodes", simulated.size())
                    .addKeyValue("logPort", kubeletPort)
                    .log("node agents started");
        }
        if (options.proxy()) {
            String proxyNode =
                    options.nodes().isEmpty()
                            ? DataPlaneOptions.localNodeName()
                            : options.nodes().get(0);
            ProxySettings settings =
                    ProxySettings.defaults()
                            .withLbPolicy(LbPolicy.parse(options.lbPolicy()))
                            .withNodePortAddress(options.nodePortAddress());
            proxy =
                    new ServiceProxy(
                            clients.apply(PROXY_IDENTITY), proxyNode, settings, metrics, clock);
            closeables.push(proxy);
            proxy.start();
            log.atInfo()
                    .addKeyValue("node", proxyNode)
                    .addKeyValue("lbPolicy", options.lbPolicy())
                    .log("service proxy started");
        }
    }

    private void startAgent(
            NodeAgentSettings settings,
            Function<String, KubernetesClient> clients,
            MeterRegistry metrics,
            Clock clock,
            NodeAgentResources shared) {
        NodeAgent agent =
                new NodeAgent(
                        clients.apply(nodeIdentity(settings.nodeName())),
                        settings,
                        metrics,
                        clock,
                        shared,
                        podSource);
        closeables.push(agent);
        agents.add(agent);
        agent.start();
    }

    List<NodeAgent> agents() {
        return List.copyOf(agents);
    }

    ServiceProxy proxy() {
        return proxy;
    }

    /** Stops the proxy, then the agents (their containers stop), then the shared resources. */
    @Override
    public void close() {
        Closeables.closeAll(closeables, log);
    }
}
