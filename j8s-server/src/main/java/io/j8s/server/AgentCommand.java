package io.j8s.server;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.apiserver.auth.authn.JoinToken;
import io.j8s.server.join.AgentBootstrap;
import io.j8s.server.join.JoinException;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Join this machine to a j8s server as a node (verifying the server by the CA hash in the"
                + " token) and run the node agent, until SIGTERM or Ctrl-C.")
final class AgentCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(AgentCommand.class);

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The server, https://host:port.")
    URI server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "The join token ('j8s token' on the server).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding the join token.")
    Path tokenFile;

    @Option(names = "--node-name", paramLabel = "NAME", description = "This node's name (default: the host name).")
    String nodeName;

    @Option(names = "--simulated-nodes", paramLabel = "N",
            description = "Run N simulated nodes (<node-name>-sim-00001, ...) whose Pods run nothing and go Ready"
                    + " at once, instead of one real node.")
    int simulatedNodes;

    @Option(names = "--node-ip", paramLabel = "IP",
            description = "The node's InternalIP, where its log endpoint listens (default: ${DEFAULT-VALUE}).")
    String nodeIp = "127.0.0.1";

    @Option(names = "--kubelet-port", paramLabel = "PORT",
            description = "Port of the node's log endpoint (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int kubeletPort = 10250;

    @Option(names = "--proxy", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Also run the service proxy (default: off, as the server's host already runs one; turn it"
                    + " on when this agent is on another machine).")
    boolean proxy;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the nodes' credentials and state live (default: ${DEFAULT-VALUE}).")
    Path dataDir = ServerDataDir.home().resolve(".j8s-agent");

    @Override
    public Integer call() throws InterruptedException {
        String text = token != null ? token : tokenFile != null ? PrivateFiles.readIfExists(tokenFile) : null;
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
        DataPlaneOptions options = DataPlaneOptions.none().withKubeletPort(kubeletPort).withNodeIp(nodeIp)
                .withProxy(proxy);
        options = simulatedNodes > 0
                ? options.withSimulatedNodes(simulatedNodes).withSimulatedPrefix(name + "-sim-")
                : options.withNodes(List.of(name));
        List<String> names = new ArrayList<>(options.nodes());
        names.addAll(options.simulatedNames());

        AgentBootstrap bootstrap = new AgentBootstrap(Clock.systemUTC());
        Map<String, KubernetesClient> clients = new LinkedHashMap<>();
        ClientTransport transport = new ClientTransport();
        try {
            for (String node : names) {
                Path nodeDir = names.size() == 1 ? dir : dir.resolve("nodes").resolve(node);
                AgentBootstrap.Joined joined = bootstrap.join(server, parsed, node, nodeDir);
                clients.put(DataPlane.nodeIdentity(node),
                        transport.client(Config.fromKubeconfig(joined.kubeconfig().toFile())));
                if (names.size() == 1) {
                    System.err.println((joined.reused() ? "Already joined " : "Joined ") + server + " as node " + node
                            + "; its kubeconfig is " + joined.kubeconfig());
                }
            }
        } catch (JoinException e) {
            clients.values().forEach(KubernetesClient::close);
            transport.close();
            System.err.println("joining failed: " + e.getMessage());
            return 1;
        }
        if (names.size() > 1) {
            System.err.println("Joined " + server + " as " + names.size() + " simulated nodes (" + names.get(0)
                    + " ...)");
        }

        NodeEndpointTls.AgentEndpoint endpoint = NodeEndpointTls.agentEndpoint(dir.resolve("tls"), name,
                List.of(nodeIp, "localhost", "127.0.0.1"), clusterCa(clients.values().iterator().next()),
                Clock.systemUTC());
        options = options.withNodeAnnotations(Map.of(NodeEndpointTls.CERTIFICATE_SHA256_ANNOTATION,
                endpoint.sha256()));
        KubernetesClient first = clients.values().iterator().next();
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        DataPlane plane = DataPlane.start(options, dir.resolve("state"),
                identity -> identity.equals(DataPlane.PROXY_IDENTITY) ? first : clients.get(identity),
                endpoint.sslContext(), NodeEndpointTls.authenticator(), metrics, Clock.systemUTC());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.atInfo().log("stopping");
            plane.close();
            clients.values().forEach(KubernetesClient::close);
            transport.close();
            stopped.countDown();
        }, "j8s-agent-shutdown"));
        System.err.println("The node agent is running (" + names.size() + " node" + (names.size() == 1 ? "" : "s")
                + "); stop it with Ctrl-C.");
        stopped.await();
        return 0;
    }

    /** The cluster CA, from the joined kubeconfig: the CA whose client certificates may read logs. */
    private static java.security.cert.X509Certificate clusterCa(KubernetesClient client) {
        String data = client.getConfiguration().getCaCertData();
        String pem = new String(java.util.Base64.getDecoder().decode(data), java.nio.charset.StandardCharsets.UTF_8);
        return io.j8s.server.pki.Pem.certificate(pem);
    }

}
