package io.j8s.server;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.apiserver.auth.authn.JoinToken;
import io.j8s.server.join.AgentBootstrap;
import io.j8s.server.join.JoinException;
import io.j8s.server.join.ServerLoadBalancer;
import io.j8s.server.pki.ClientTransport;
import io.j8s.server.pki.NodeEndpointTls;
import io.j8s.server.pki.PrivateFiles;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code j8s agent}: joins nodes to a server with a join token ({@link AgentBootstrap}: each node
 * gets its own {@code system:node:<name>} credential) and runs their node agents in this process,
 * until SIGTERM or Ctrl-C. The agents' log endpoint serves a self-signed certificate whose
 * fingerprint each Node publishes, so the API server knows it talks to this process.
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description =
                "Join this machine to a j8s server as a node (verifying the server by the CA hash in the"
                        + " token) and run the node agent, until SIGTERM or Ctrl-C.")
final class AgentCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(AgentCommand.class);

    private static final java.time.Duration DISCOVERY_PERIOD = java.time.Duration.ofSeconds(15);

    @Option(
            names = "--server",
            required = true,
            split = ",",
            paramLabel = "URL",
            description =
                    "The server, https://host:port; several (repeated or comma separated) for servers sharing"
                            + " an etcd. The agent uses the first it reaches and moves to the next when that one fails; the"
                            + " servers the kubernetes Endpoints name are added to the list.")
    List<URI> servers;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description = "The join token ('j8s token' on the server).")
    String token;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "A file holding the join token.")
    Path tokenFile;

    @Option(
            names = "--node-name",
            paramLabel = "NAME",
            description = "This node's name (default: the host name).")
    String nodeName;

    @Option(
            names = "--simulated-nodes",
            paramLabel = "N",
            description =
                    "Run N simulated nodes (<node-name>-sim-00001, ...) whose Pods run nothing and go Ready"
                            + " at once, instead of one real node.")
    int simulatedNodes;

    @Option(
            names = "--node-ip",
            paramLabel = "IP",
            description =
                    "The node's InternalIP, where its log endpoint listens (default: ${DEFAULT-VALUE}).")
    String nodeIp = "127.0.0.1";

    @Option(
            names = "--kubelet-port",
            paramLabel = "PORT",
            description =
                    "Port of the node's log endpoint (default: 10250 when free on this host, else a free one;"
                            + " 0 picks a free one).")
    Integer kubeletPort;

    @Option(
            names = "--proxy",
            negatable = true,
            defaultValue = "false",
            fallbackValue = "true",
            description =
                    "Also run the service proxy (default: off, as the server's host already runs one; turn it"
                            + " on when this agent is on another machine).")
    boolean proxy;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Where the nodes' credentials and state live (default: ${DEFAULT-VALUE}).")
    Path dataDir = ServerDataDir.home().resolve(".j8s-agent");

    @Override
    public Integer call() throws InterruptedException {
        String text =
                token != null
                        ? token
                        : tokenFile != null ? PrivateFiles.readIfExists(tokenFile) : null;
        if (text == null || text.isBlank()) {
            System.err.println("a join token is needed: --token or --token-file");
            return 2;
        }
        JoinToken parsed;
        try {
            parsed = JoinToken.parse(text.trim());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        Path dir = dataDir.toAbsolutePath();
        String name = nodeName != null ? nodeName : DataPlaneOptions.localNodeName();
        DataPlaneOptions options =
                DataPlaneOptions.none()
                        .withKubeletPort(
                                kubeletPort == null
                                        ? io.j8s.server.ranges.HostClaims.AUTO_PORT
                                        : kubeletPort)
                        .withNodeIp(nodeIp)
                        .withProxy(proxy);
        options =
                simulatedNodes > 0
                        ? options.withSimulatedNodes(simulatedNodes)
                                .withSimulatedPrefix(name + "-sim-")
                        : options.withNodes(List.of(name));
        List<String> names = new ArrayList<>(options.nodes());
        names.addAll(options.simulatedNames());

        AgentBootstrap bootstrap = new AgentBootstrap(Clock.systemUTC());
        Map<String, KubernetesClient> clients = new LinkedHashMap<>();
        ClientTransport transport = new ClientTransport();
        // Every client dials the load balancer, which passes it to a live server (k3s' agent
        // design).
        ServerLoadBalancer balancer = ServerLoadBalancer.start(servers);
        URI server = servers.get(0);
        try {
            for (String node : names) {
                Path nodeDir = names.size() == 1 ? dir : dir.resolve("nodes").resolve(node);
                AgentBootstrap.Joined joined = null;
                JoinException failure = null;
                for (URI candidate : servers) {
                    try {
                        joined = bootstrap.join(candidate, parsed, node, nodeDir);
                        server = candidate;
                        break;
                    } catch (JoinException e) {
                        failure = e;
                        if (servers.size() > 1) {
                            log.atWarn()
                                    .addKeyValue("server", candidate)
                                    .addKeyValue("error", e.getMessage())
                                    .log("joining through this server failed; trying the next");
                        }
                    }
                }
                if (joined == null) {
                    throw failure;
                }
                Config config = Config.fromKubeconfig(joined.kubeconfig().toFile());
                config.setMasterUrl(balancer.url().toString());
                clients.put(DataPlane.nodeIdentity(node), transport.componentClient(config));
                if (names.size() == 1) {
                    System.err.println(
                            (joined.reused() ? "Already joined " : "Joined ")
                                    + server
                                    + " as node "
                                    + node
                                    + "; its kubeconfig is "
                                    + joined.kubeconfig());
                }
            }
        } catch (JoinException e) {
            clients.values().forEach(KubernetesClient::close);
            transport.close();
            balancer.close();
            System.err.println("joining failed: " + e.getMessage());
            return 1;
        }
        if (names.size() > 1) {
            System.err.println(
                    "Joined "
                            + server
                            + " as "
                            + names.size()
                            + " simulated nodes ("
                            + names.get(0)
                            + " ...)");
        }

        NodeEndpointTls.AgentEndpoint endpoint =
                NodeEndpointTls.agentEndpoint(
                        dir.resolve("tls"),
                        name,
                        List.of(nodeIp, "localhost", "127.0.0.1"),
                        clusterCa(clients.values().iterator().next()),
                        Clock.systemUTC());
        options =
                options.withNodeAnnotations(
                        Map.of(NodeEndpointTls.CERTIFICATE_SHA256_ANNOTATION, endpoint.sha256()));
        KubernetesClient first = clients.values().iterator().next();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DataPlane plane =
                DataPlane.start(
                        options,
                        dir.resolve("state"),
                        identity ->
                                identity.equals(DataPlane.PROXY_IDENTITY)
                                        ? first
                                        : clients.get(identity),
                        endpoint.sslContext(),
                        NodeEndpointTls.authenticator(),
                        metrics,
                        Clock.systemUTC());
        // the servers the kubernetes Endpoints name join the list (they are every live server)
        ScheduledExecutorService discovery =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "j8s-server-discovery");
                            t.setDaemon(true);
                            return t;
                        });
        discovery.scheduleWithFixedDelay(
                () -> discoverServers(first, balancer),
                0,
                DISCOVERY_PERIOD.toSeconds(),
                TimeUnit.SECONDS);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    log.atInfo().log("stopping");
                                    discovery.shutdownNow();
                                    plane.close();
                                    clients.values().forEach(KubernetesClient::close);
                                    transport.close();
                                    balancer.close();
                                    stopped.countDown();
                                },
                                "j8s-agent-shutdown"));
        System.err.println(
                "The node agent is running ("
                        + names.size()
                        + " node"
                        + (names.size() == 1 ? "" : "s")
                        + "); stop it with Ctrl-C.");
        stopped.await();
        return 0;
    }

    /**
     * Sets the balancer's servers to those given with {@code --server}, then those the {@code
     * kubernetes} Endpoints name (every live server, see docs/architecture.md).
     */
    private void discoverServers(KubernetesClient client, ServerLoadBalancer balancer) {
        try {
            Endpoints endpoints =
                    client.endpoints().inNamespace("default").withName("kubernetes").get();
            if (endpoints == null) {
                return;
            }
            Set<URI> all = new LinkedHashSet<>(servers);
            for (EndpointSubset subset : endpoints.getSubsets()) {
                for (EndpointAddress address : subset.getAddresses()) {
                    for (EndpointPort port : subset.getPorts()) {
                        String host =
                                address.getIp().contains(":")
                                        ? "[" + address.getIp() + "]"
                                        : address.getIp();
                        all.add(URI.create("https://" + host + ":" + port.getPort()));
                    }
                }
            }
            balancer.setServers(List.copyOf(all));
        } catch (RuntimeException e) {
            log.atDebug()
                    .addKeyValue("error", e.toString())
                    .log("reading the kubernetes endpoints failed");
        }
    }

    /**
     * The cluster CA, from the joined kubeconfig: the CA whose client certificates may read logs.
     */
    private static java.security.cert.X509Certificate clusterCa(KubernetesClient client) {
        String data = client.getConfiguration().getCaCertData();
        String pem =
                new String(
                        java.util.Base64.getDecoder().decode(data),
                        java.nio.charset.StandardCharsets.UTF_8);
        return io.j8s.server.pki.Pem.certificate(pem);
    }
}
