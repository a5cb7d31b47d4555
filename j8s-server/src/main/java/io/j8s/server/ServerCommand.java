package io.j8s.server;

import io.j8s.apiserver.http.HttpLimits;
import io.j8s.server.join.ClusterBootstrap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code j8s server}: the control plane (and, by default, a node and the proxy) in one process. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description =
                "Run the j8s control plane: the Kubernetes API over the store, until SIGTERM or Ctrl-C.")
final class ServerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

    /** How long the start-up message waits for /readyz to pass before it says what is not ready. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Where state, certificates and the kubeconfig live (default: ${DEFAULT-VALUE}).")
    Path dataDir = ServerDataDir.home().resolve(".j8s");

    @Option(
            names = "--store",
            paramLabel = "sqlite|etcd",
            description =
                    "Store backend: sqlite (embedded, in the data dir) or etcd (default: ${DEFAULT-VALUE}).")
    ServerOptions.StoreKind store = ServerOptions.StoreKind.SQLITE;

    @Option(
            names = "--store-fsync",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "BOOL",
            description =
                    "With --store sqlite: fsync every commit, so a write survives a power loss (default:"
                            + " ${DEFAULT-VALUE}). false for throw-away test clusters: a write still survives a crash of"
                            + " the process, not of the machine.")
    boolean storeFsync = true;

    @Option(
            names = "--etcd-endpoints",
            split = ",",
            paramLabel = "URL",
            description = "etcd client URLs, comma separated (default: ${DEFAULT-VALUE}).")
    List<String> etcdEndpoints = List.of("http://127.0.0.1:2379");

    @Option(
            names = "--etcd-prefix",
            paramLabel = "PREFIX",
            description = "Key prefix of all j8s keys in etcd (default: ${DEFAULT-VALUE}).")
    String etcdPrefix = "/registry/";

    @Option(
            names = "--bind-address",
            paramLabel = "IP",
            description = "Address the API server listens on (default: ${DEFAULT-VALUE}).")
    String bindAddress = "127.0.0.1";

    @Option(
            names = "--secure-port",
            paramLabel = "PORT",
            description =
                    "Port of the API server (default: 6443 when free on this host, else a free port, kept in"
                            + " the data dir and written to the kubeconfig).")
    Integer securePort;

    @Option(
            names = "--advertise-address",
            paramLabel = "IP",
            description =
                    "Address published in the kubernetes Service's endpoints (default: the bind address).")
    String advertiseAddress;

    @Option(
            names = "--service-cluster-ip-range",
            paramLabel = "CIDR",
            description =
                    "Range ClusterIPs are allocated from (default: a free range of this host, 127.96.0.0/16"
                            + " when free; kept in the data dir).")
    String serviceClusterIpRange;

    @Option(
            names = "--service-node-port-range",
            paramLabel = "MIN-MAX",
            description = "Range nodePorts are allocated from (default: ${DEFAULT-VALUE}).")
    String nodePortRange = "30000-32767";

    @Option(
            names = "--cluster-cidr",
            paramLabel = "CIDR",
            description =
                    "Range each Node's /24 podCIDR is taken from (default: a free range of this host,"
                            + " 127.244.0.0/16 when free; kept in the data dir).")
    String clusterCidr;

    @Option(
            names = "--tls-san",
            split = ",",
            paramLabel = "NAME|IP",
            description =
                    "Extra DNS names or IP addresses of the serving certificate (repeatable).")
    List<String> tlsSans = List.of();

    @Option(
            names = "--token-auth-file",
            paramLabel = "FILE",
            description =
                    "Static bearer tokens, Kubernetes' CSV format: token,user,uid[,\"group1,group2\"].")
    Path tokenAuthFile;

    @Option(
            names = "--token",
            paramLabel = "TOKEN",
            description =
                    "With --store etcd: the cluster's token (the first server's 'j8s token', or <id>:<secret>"
                            + " given to every server). A server on an etcd that holds a cluster loads its CA, service"
                            + " account key and token with it (default: the data dir's token).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "A file holding --token.")
    Path tokenFile;

    @Option(
            names = "--insecure-port",
            paramLabel = "PORT",
            description =
                    "Also serve plain HTTP on 127.0.0.1:PORT (credentials still required; default: none).")
    int insecurePort;

    @Option(
            names = "--max-request-body-bytes",
            paramLabel = "BYTES",
            description =
                    "Larger request bodies are answered 413 (default: ${DEFAULT-VALUE}, as Kubernetes).")
    int maxRequestBodyBytes = HttpLimits.DEFAULTS.maxBodyBytes();

    @Option(
            names = "--max-request-header-bytes",
            paramLabel = "BYTES",
            description =
                    "Larger request lines and headers are answered 431 (default: ${DEFAULT-VALUE}).")
    int maxRequestHeaderBytes = HttpLimits.DEFAULTS.maxHeaderBytes();

    @Option(
            names = "--tls-handshake-timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "A TLS handshake must complete within this (default: 10s).")
    Duration tlsHandshakeTimeout = HttpLimits.DEFAULTS.handshakeTimeout();

    @Option(
            names = "--request-header-timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "A request's headers must arrive within this of its first byte, else 408 (default: 10s).")
    Duration requestHeaderTimeout = HttpLimits.DEFAULTS.headerTimeout();

    @Option(
            names = "--request-body-timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "A request's body must arrive within this of its headers, else 408 (default: 1m0s).")
    Duration requestBodyTimeout = HttpLimits.DEFAULTS.bodyTimeout();

    @Option(
            names = "--idle-connection-timeout",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "A connection with no request in flight is closed after this (default: 1m30s).")
    Duration idleConnectionTimeout = HttpLimits.DEFAULTS.idleTimeout();

    @Option(
            names = "--nodes",
            split = ",",
            paramLabel = "NAME",
            description =
                    "Node agents to run in this process, comma separated (default: one named after this host)."
                            + " --nodes= runs none.")
    List<String> nodes;

    @Option(
            names = "--simulated-nodes",
            paramLabel = "N",
            description =
                    "Also run N simulated nodes whose Pods run nothing and go Ready at once (default: 0).")
    int simulatedNodes;

    @Option(
            names = "--kubelet-port",
            paramLabel = "PORT",
            description =
                    "Port of the nodes' log endpoint, on 127.0.0.1 (default: 10250 when free on this host,"
                            + " else a free port).")
    Integer kubeletPort;

    @Option(
            names = "--proxy",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Run the service proxy on this host (default: on; --no-proxy to disable).")
    boolean proxy = true;

    @Option(
            names = "--lb-policy",
            paramLabel = "POLICY",
            description =
                    "The proxy's default balancing: round-robin, random or least-connections"
                            + " (default: ${DEFAULT-VALUE}); per Service: annotation j8s.io/lb-policy.")
    String lbPolicy = "round-robin";

    @Option(
            names = "--cluster-domain",
            paramLabel = "DOMAIN",
            description =
                    "The cluster DNS domain: Services are <svc>.<ns>.svc.<domain> (default: ${DEFAULT-VALUE}).")
    String clusterDomain = "cluster.local";

    @Option(
            names = "--cluster-dns",
            paramLabel = "IP",
            description =
                    "The ClusterIP of kube-system/kube-dns, the cluster DNS (default: the 10th address of"
                            + " --service-cluster-ip-range, 127.96.0.10 with the default range).")
    String clusterDns;

    @Option(
            names = "--cluster-dns-forward",
            paramLabel = "host|refuse",
            description =
                    "Names outside the cluster domain: 'host' forwards them to the nameservers of the host's"
                            + " /etc/resolv.conf, 'refuse' answers REFUSED (default: ${DEFAULT-VALUE}).")
    String clusterDnsForward = "host";

    @Option(
            names = "--serve-cluster-dns",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Serve the cluster DNS and keep the kube-dns Service (default: on; --no-serve-cluster-dns"
                            + " to disable).")
    boolean clusterDnsEnabled = true;

    @Option(
            names = "--controllers",
            split = ",",
            paramLabel = "NAME",
            description =
                    "Controllers to run, as kube-controller-manager's list: '*' is every controller, 'foo'"
                            + " enables foo, '-foo' disables it; an empty value runs none (default: ${DEFAULT-VALUE})."
                            + " Known: nodeipam, nodelifecycle, scheduler, deployment, replicaset, endpoints, endpointslice,"
                            + " endpointslicemirroring, garbagecollector, namespace.")
    List<String> controllers = List.of("*");

    @Option(
            names = "--leader-elect",
            arity = "0..1",
            fallbackValue = "true",
            paramLabel = "BOOL",
            description =
                    "Run the controllers only while holding the Lease kube-system/j8s-controller-manager,"
                            + " so that servers sharing one etcd never both act (default: ${DEFAULT-VALUE}).")
    boolean leaderElect = true;

    @Option(
            names = "--node-monitor-grace-period",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "How long a Node's Lease may go unrenewed before the Node is marked Unknown and its"
                            + " Pods not ready (default: 40s).")
    Duration nodeMonitorGracePeriod = ControllerOptions.defaults().nodeMonitorGracePeriod();

    @Option(
            names = "--node-monitor-period",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How often Node health is checked (default: 5s).")
    Duration nodeMonitorPeriod = ControllerOptions.defaults().nodeMonitorPeriod();

    @Option(
            names = "--max-endpoints-per-slice",
            paramLabel = "N",
            description = "Endpoints per EndpointSlice, 1..1000 (default: ${DEFAULT-VALUE}).")
    int maxEndpointsPerSlice = ControllerOptions.defaults().maxEndpointsPerSlice();

    @Option(
            names = "--min-resync-period",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "How often the controllers' informers redeliver every object (default: 5m).")
    Duration resyncPeriod = ControllerOptions.defaults().resyncPeriod();

    @Option(
            names = "--metric-resolution",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description =
                    "How often the Metrics API (kubectl top) scrapes the nodes, at least 1s (default: 15s).")
    Duration metricResolution = Duration.ofSeconds(15);

    /** The options the flags give; a {@code ParameterException} names a bad value. */
    ServerOptions toOptions() {
        if (metricResolution.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--metric-resolution must be at least 1s, got "
                            + metricResolution.toMillis()
                            + "ms");
        }
        String[] range = nodePortRange.split("-");
        if (range.length != 2) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--service-node-port-range must look like 30000-32767, got " + nodePortRange);
        }
        ControllerOptions controllerOptions;
        try {
            controllerOptions =
                    new ControllerOptions(
                            ControllerOptions.parseControllers(controllers),
                            leaderElect,
                            nodeMonitorGracePeriod,
                            nodeMonitorPeriod,
                            maxEndpointsPerSlice,
                            resyncPeriod);
            controllerOptions.settings(
                    clusterCidr != null
                            ? clusterCidr
                            : io.j8s.server.ranges.HostClaims
                                    .DEFAULT_CLUSTER_CIDR); // checks the values
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), e.getMessage());
        }
        HttpLimits httpLimits;
        try {
            httpLimits =
                    new HttpLimits(
                            maxRequestBodyBytes,
                            maxRequestHeaderBytes,
                            tlsHandshakeTimeout,
                            requestHeaderTimeout,
                            requestBodyTimeout,
                            idleConnectionTimeout);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), e.getMessage());
        }
        ClusterDnsOptions dnsOptions;
        try {
            dnsOptions =
                    new ClusterDnsOptions(
                            clusterDnsEnabled,
                            clusterDomain,
                            clusterDns,
                            io.j8s.dns.DnsSettings.ForwardMode.parse(clusterDnsForward));
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this), e.getMessage());
        }
        String clusterToken = token;
        if (clusterToken == null && tokenFile != null) {
            clusterToken = io.j8s.server.pki.PrivateFiles.readIfExists(tokenFile);
            if (clusterToken == null) {
                throw new picocli.CommandLine.ParameterException(
                        new picocli.CommandLine(this),
                        "--token-file " + tokenFile + " does not exist");
            }
        }
        if (clusterToken != null && store != ServerOptions.StoreKind.ETCD) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "--token and --token-file join servers sharing an etcd; they need --store etcd");
        }
        return new ServerOptions(
                dataDir.toAbsolutePath(),
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort == null ? io.j8s.server.ranges.HostClaims.AUTO_PORT : securePort,
                advertiseAddress,
                serviceClusterIpRange,
                Integer.parseInt(range[0].trim()),
                Integer.parseInt(range[1].trim()),
                clusterCidr,
                DataPlaneOptions.defaults()
                        .withNodes(
                                nodes == null
                                        ? List.of(DataPlaneOptions.localNodeName())
                                        : nodes.stream().filter(n -> !n.isBlank()).toList())
                        .withSimulatedNodes(simulatedNodes)
                        .withKubeletPort(
                                kubeletPort == null
                                        ? io.j8s.server.ranges.HostClaims.AUTO_PORT
                                        : kubeletPort)
                        .withProxy(proxy)
                        .withLbPolicy(lbPolicy),
                controllerOptions,
                tlsSans,
                tokenAuthFile == null ? null : tokenAuthFile.toAbsolutePath(),
                insecurePort,
                httpLimits,
                clusterToken == null ? null : clusterToken.trim(),
                metricResolution,
                dnsOptions,
                storeFsync);
    }

    @Override
    public Integer call() throws Exception {
        ServerOptions options = toOptions();
        CountDownLatch stopped = new CountDownLatch(1);
        J8sServer server;
        try {
            server = J8sServer.start(options);
        } catch (ClusterBootstrap.RefusedException | io.j8s.server.ranges.CollisionException e) {
            System.err.println("j8s server: " + e.getMessage());
            return 1;
        }
        Thread hook =
                new Thread(
                        () -> {
                            log.atInfo().log("stopping");
                            server.close();
                            stopped.countDown();
                        },
                        "j8s-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long begin = System.nanoTime();
        Map<String, String> notReady = server.awaitReady(READY_TIMEOUT);
        System.err.println();
        if (notReady.isEmpty()) {
            log.atInfo().addKeyValue("ms", (System.nanoTime() - begin) / 1_000_000).log("ready");
            System.err.println("j8s is running. Point kubectl at it with:");
        } else {
            System.err.println(
                    "j8s is serving but not ready after "
                            + READY_TIMEOUT.toSeconds()
                            + " s: "
                            + notReady);
            System.err.println("Point kubectl at it with:");
        }
        System.err.println("  export KUBECONFIG=" + server.kubeconfig());
        System.err.println(
                "  # the API server: "
                        + server.apiUrl()
                        + " (its address ranges: "
                        + io.j8s.server.ranges.HostClaims.FILE
                        + " in the data dir)");
        System.err.println("  kubectl get nodes,svc,endpoints -A");
        System.err.println(
                "Join a node agent with the token that 'j8s token --data-dir "
                        + options.dataDir()
                        + "' prints.");
        System.err.println();
        stopped.await();
        return 0;
    }
}
