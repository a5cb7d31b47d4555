package io.j8s.server;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.api.ResourceTypes;
import io.j8s.apiserver.ApiServer;
import io.j8s.apiserver.ApiServerConfig;
import io.j8s.apiserver.admission.Cidr;
import io.j8s.apiserver.auth.ApiSecurity;
import io.j8s.apiserver.auth.authn.JoinToken;
import io.j8s.apiserver.auth.authn.LoopbackTokens;
import io.j8s.apiserver.auth.authn.TokenFile;
import io.j8s.apiserver.bootstrap.StartTask;
import io.j8s.controllers.ControllerManager;
import io.j8s.server.join.ClusterBootstrap;
import io.j8s.server.join.JoinTokens;
import io.j8s.server.join.NodeCredentials;
import io.j8s.server.pki.ClientCredentials;
import io.j8s.server.pki.ClusterPki;
import io.j8s.server.pki.Identity;
import io.j8s.server.pki.Kubeconfig;
import io.j8s.server.pki.Leaf;
import io.j8s.server.pki.NodeEndpointTls;
import io.j8s.server.pki.PrivateFiles;
import io.j8s.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running j8s server: the store, the API server and everything started beside it, wired from
 * {@link ServerOptions}. Used by {@code j8s server} and by tests, which start it on free ports in a
 * temporary data dir.
 */
public final class J8sServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(J8sServer.class);

    /** As given, then with the ranges and ports claimed on this host ({@link #claimHostRanges}). */
    private ServerOptions options;

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private Store store;
    private ApiServer apiServer;
    private Path kubeconfig;
    private ClusterPki pki;
    private ClientCredentials credentials;
    private MeterRegistry meterRegistry;
    private volatile ControllerManager controllerManager;
    private volatile DataPlane dataPlane;
    private volatile ClusterDnsRunner clusterDns;
    private final Clock clock;

    /** The admin kubeconfig's file name in the data dir. */
    public static final String KUBECONFIG = "kubeconfig.yaml";

    private J8sServer(ServerOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    /** Starts everything; on failure, stops what was started and rethrows. */
    public static J8sServer start(ServerOptions options) throws InterruptedException {
        return start(options, Clock.systemUTC());
    }

    /** Starts everything with {@code clock} (certificate validity, token expiry); for tests. */
    public static J8sServer start(ServerOptions options, Clock clock) throws InterruptedException {
        StartupWarmup.start();
        J8sServer server = new J8sServer(options, clock);
        try {
            server.startAll();
            return server;
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
    }

    private void startAll() throws InterruptedException {
        createDataDir(options.dataDir());
        claimHostRanges();
        // on sqlite the certificates do not depend on the store: loaded or issued on a thread of
        // their own while the store opens (docs/architecture.md, "Start-up")
        StartTask<ClusterPki> localPki = null;
        if (options.store() != ServerOptions.StoreKind.ETCD) {
            List<String> hosts = servingHosts(options, Cidr.parse(options.serviceClusterIpRange()));
            java.nio.file.Path dataDir = options.dataDir();
            localPki =
                    StartTask.start(
                            "j8s-pki", () -> ClusterPki.loadOrCreate(dataDir, hosts, clock));
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meterRegistry = metrics;
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(metrics);
        new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(metrics);
        store = Stores.open(options);
        closeables.push(store);
        log.atInfo()
                .addKeyValue("store", store.toString())
                .addKeyValue("revision", store.currentRevision())
                .log("store open");
        if (options.store() == ServerOptions.StoreKind.ETCD) {
            claimClusterRanges();
        }

        // ---- security: certificates, join token, credentials (see docs/architecture.md,
        // "Security") ----
        // on etcd the ranges are the cluster's, known once the store is open
        Cidr serviceCidr = Cidr.parse(options.serviceClusterIpRange());
        JoinToken joinToken;
        if (options.store() == ServerOptions.StoreKind.ETCD) {
            // Servers sharing an etcd share the CA, service account key and token through it.
            ClusterBootstrap.Joined joined =
                    ClusterBootstrap.loadOrCreate(
                            store,
                            options.dataDir(),
                            options.token(),
                            servingHosts(options, serviceCidr),
                            clock);
            pki = joined.pki();
            joinToken = joined.token();
        } else {
            pki = localPki.join();
            joinToken = JoinTokens.loadOrCreate(options.dataDir(), pki.caBundle());
        }
        ApiSecurity security =
                ApiSecurity.of(
                                List.of(pki.ca().certificate()),
                                pki.caBundle(),
                                pki.serviceAccountKeys())
                        .withJoining(joinToken, new NodeCredentials(pki.ca()));
        if (options.tokenAuthFile() != null) {
            security = security.withTokenFile(TokenFile.load(options.tokenAuthFile()));
        }
        // the in-process components reach the API over its in-process listener with loopback
        // tokens, as kube-apiserver's loopback client (docs/architecture.md, "Components");
        // -Dj8s.loopback=false: over TLS with client certificates, for comparisons
        ClientCredentials.Loopback loopback = null;
        if (Boolean.parseBoolean(System.getProperty("j8s.loopback", "true"))) {
            LoopbackTokens tokens = new LoopbackTokens();
            security = security.withLoopback(tokens);
            loopback = new ClientCredentials.Loopback(tokens, () -> apiServer.inProcessAddress());
        }
        credentials = new ClientCredentials(pki.ca(), pki.caPem(), this::apiUrl, loopback);
        closeables.push(credentials);
        ApiServerConfig config =
                ApiServerConfig.builder()
                        .bindAddress(options.bindAddress())
                        .port(options.securePort())
                        .advertiseAddress(options.advertiseAddress())
                        .serviceCidr(serviceCidr)
                        .nodePortRange(options.nodePortMin(), options.nodePortMax())
                        .tls(pki.tls())
                        .security(security)
                        .insecurePort(options.insecurePort())
                        .httpLimits(options.httpLimits())
                        .nodeClient(NodeEndpointTls.apiServerClients(credentials), "https")
                        .metricResolution(options.metricResolution())
                        .build();
        apiServer = new ApiServer(config, store, servedTypes(), metrics, clock);
        closeables.push(apiServer);
        ServerReadiness readiness =
                new ServerReadiness(options, apiServer, () -> controllerManager, () -> dataPlane);
        apiServer.start();
        readiness.watchNodes();
        closeables.push(readiness);
        kubeconfig = writeAdminKubeconfig();
        ScheduledExecutorService renewal =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "j8s-certificate-renewal");
                            t.setDaemon(true);
                            return t;
                        });
        closeables.push(renewal::shutdownNow);
        renewal.scheduleWithFixedDelay(this::renewCertificates, 12, 12, TimeUnit.HOURS);
        startControllers(metrics);

        dataPlane =
                DataPlane.start(
                        options.dataPlane(),
                        options.dataDir().resolve("nodes"),
                        this::clientFor,
                        NodeEndpointTls.serverContext(pki.ca()),
                        NodeEndpointTls.authenticator(),
                        new DataPlane.PodDns(
                                options.clusterDns().enabled() ? options.clusterDnsAddress() : null,
                                options.clusterDomain()),
                        true,
                        metrics,
                        clock);
        closeables.push(dataPlane);
        readiness.agentsStarted(dataPlane);
        if (options.clusterDns().enabled()) {
            clusterDns =
                    ClusterDnsRunner.start(
                            options,
                            this::clientFor,
                            credentials.componentClient(Identity.admin()),
                            metrics);
            closeables.push(clusterDns);
        }
    }

    /**
     * Claims this server's Service and Pod ranges and API port in the host's {@link
     * io.j8s.server.ranges.RangeRegistry} (free ones unless given; held until close), so that
     * servers on one host never share addresses. A server on etcd claims only its port here: its
     * ranges are the cluster's ({@link #claimClusterRanges}, once the store is open).
     */
    private void claimHostRanges() {
        var claims =
                new io.j8s.server.ranges.HostClaims(
                        io.j8s.server.ranges.RangeRegistry.host(),
                        "j8s server (data dir " + options.dataDir() + ")",
                        null);
        closeables.push(claims);
        if (options.store() == ServerOptions.StoreKind.ETCD) {
            options =
                    options.withSecurePort(
                            claims.claimApiPort(
                                    options.bindAddress(),
                                    options.securePort(),
                                    options.dataDir()));
            return;
        }
        var resolved =
                claims.claimServer(
                        options.serviceClusterIpRange(),
                        options.clusterCidr(),
                        options.bindAddress(),
                        options.securePort(),
                        options.dataDir(),
                        false);
        options = options.withSecurePort(resolved.securePort());
        useRanges(resolved.serviceRange(), resolved.clusterCidr());
    }

    /**
     * The ranges of a server on etcd: the cluster's, recorded in the store by its first server and
     * claimed on this host shared with the other servers of the cluster ({@link
     * io.j8s.server.ranges.ClusterRanges}).
     */
    private void claimClusterRanges() {
        var claims =
                new io.j8s.server.ranges.HostClaims(
                        io.j8s.server.ranges.RangeRegistry.host(),
                        "j8s server (data dir " + options.dataDir() + ")",
                        "etcd "
                                + String.join(",", new java.util.TreeSet<>(options.etcdEndpoints()))
                                + " "
                                + options.etcdPrefix());
        closeables.push(claims);
        var resolved =
                io.j8s.server.ranges.ClusterRanges.claim(
                        store,
                        claims,
                        options.serviceClusterIpRange(),
                        options.clusterCidr(),
                        options.dataDir());
        useRanges(resolved.serviceRange(), resolved.clusterCidr());
    }

    private void useRanges(String serviceRange, String clusterCidr) {
        options = options.withRanges(serviceRange, clusterCidr);
        log.atInfo()
                .addKeyValue("serviceRange", serviceRange)
                .addKeyValue("clusterCidr", clusterCidr)
                .addKeyValue("securePort", options.securePort())
                .log("host ranges claimed");
    }

    /**
     * Waits until {@code /readyz} passes: the store and the watch cache serve, the controllers run
     * with synced informers (when this server leads; when another server holds the Lease, it does
     * not wait for leadership), and every in-process node is Ready (see {@link ServerReadiness}).
     * Wakes on the changes that can make it pass, not on a timer.
     *
     * @return the checks still failing at the timeout, name to reason (empty: ready)
     */
    public Map<String, String> awaitReady(Duration timeout) throws InterruptedException {
        return apiServer.health().awaitReady(timeout);
    }

    /**
     * Starts the controller manager once the API server serves, so it is stopped before it (the
     * closeables are a stack) and after the data plane. Controllers write with {@code
     * clientFor(identity)} ({@link ControllerManager#IDENTITIES}), the informers read with the
     * manager's own identity.
     */
    private void startControllers(MeterRegistry metrics) {
        ControllerOptions c = options.controllers();
        if (c.enabled().isEmpty()) {
            log.atInfo().log("no controllers enabled");
            return;
        }
        controllerManager =
                ControllerManager.builder()
                        .informerClient(clientFor("controller-manager"))
                        .clients(this::clientFor)
                        .meterRegistry(metrics)
                        // the bundle verifying this server, published as kube-root-ca.crt in every
                        // namespace
                        .settings(
                                c.settings(options.clusterCidr()).toBuilder()
                                        .rootCaBundle(pki.caPem())
                                        .build())
                        .enabled(c.enabled())
                        .leaderElection(
                                c.leaderElect()
                                        ? ControllerManager.LeaderElectionSettings.defaults()
                                        : null)
                        .onChange(apiServer.health()::changed)
                        .build();
        closeables.push(controllerManager);
        if (c.leaderElect()) {
            controllerManager.start(); // the election runs on the elector's own thread
        } else {
            // creating the controllers and starting their informers takes a while in a fresh JVM:
            // beside the data plane's start, as an elected term would be (a close waits for it)
            ControllerManager manager = controllerManager;
            Thread starter =
                    new Thread(
                            () -> {
                                try {
                                    manager.start();
                                } catch (IllegalStateException closedMeanwhile) {
                                    log.atDebug().log("server closed before its controllers ran");
                                }
                            },
                            "j8s-controllers-start");
            starter.setDaemon(true);
            starter.start();
        }
    }

    /**
     * The client of an in-process component acting as {@code identity}, a name as components give
     * it ({@link Identity#forComponent}), shared per identity: over the in-process transport with
     * its loopback token, or with {@code -Dj8s.loopback=false} over TLS with its own client
     * certificate; it reads objects without their managed fields ({@link
     * ClientCredentials#componentClient}).
     */
    private KubernetesClient clientFor(String identity) {
        return credentials.componentClient(Identity.forComponent(identity));
    }

    /**
     * Every name clients may dial the API server by: loopback, the {@code kubernetes} Service's
     * ClusterIP and DNS names, the bind and advertise addresses, and {@code --tls-san}.
     */
    static List<String> servingHosts(ServerOptions options, Cidr serviceCidr) {
        Set<String> hosts =
                new LinkedHashSet<>(
                        List.of(
                                "127.0.0.1",
                                "localhost",
                                serviceCidr.address(1),
                                "kubernetes",
                                "kubernetes.default",
                                "kubernetes.default.svc",
                                "kubernetes.default.svc.cluster.local"));
        if (!isWildcard(options.bindAddress())) {
            hosts.add(options.bindAddress());
        }
        if (options.advertiseAddress() != null && !options.advertiseAddress().isEmpty()) {
            hosts.add(options.advertiseAddress());
        }
        hosts.addAll(options.tlsSans());
        return List.copyOf(hosts);
    }

    private static boolean isWildcard(String address) {
        return address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
    }

    private Path writeAdminKubeconfig() {
        Leaf admin = pki.admin();
        return PrivateFiles.writeSecret(
                options.dataDir().resolve(KUBECONFIG),
                Kubeconfig.yaml(
                        apiUrl(), pki.caPem(), "admin", admin.certificatePem(), admin.keyPem()));
    }

    private void renewCertificates() {
        try {
            if (pki.renewIfNeeded()) {
                writeAdminKubeconfig();
            }
        } catch (RuntimeException e) {
            log.atError().setCause(e).log("renewing certificates failed");
        }
    }

    /**
     * The resources this server serves: the whole catalog except {@code events.k8s.io/v1}, which in
     * Kubernetes is a second view of the core Events (a conversion j8s does not do yet); kubectl's
     * {@code describe} and {@code events} read the core ones.
     */
    static java.util.List<io.j8s.api.ResourceType> servedTypes() {
        return ResourceTypes.all().stream()
                .filter(t -> !t.group().equals("events.k8s.io"))
                .toList();
    }

    /** The API server's base URL, e.g. {@code https://127.0.0.1:6443}. */
    public String apiUrl() {
        InetSocketAddress address = apiServer.address();
        String host =
                address.getAddress().isAnyLocalAddress()
                        ? "127.0.0.1"
                        : address.getAddress().getHostAddress();
        return "https://" + host + ":" + address.getPort();
    }

    /**
     * A fabric8 configuration acting as {@code identity} over TLS: a client certificate issued by
     * the cluster CA (in memory, once per identity). For example {@code
     * clientConfig(Identity.forController("deployment-controller"))}.
     */
    public Config clientConfig(Identity identity) {
        return credentials.config(identity);
    }

    /**
     * The shared fabric8 client of {@code identity}, owned by this server (closed by {@link
     * #close()}; callers must not close it). Wire the controllers with {@code
     * ControllerManager.builder().informerClient(client(Identity.controllerManager())) .clients(id
     * -> client(Identity.forController(id)))}.
     */
    public KubernetesClient client(Identity identity) {
        return credentials.client(identity);
    }

    /** The issuer of per-identity credentials (kubeconfigs for other users, tests). */
    public ClientCredentials credentials() {
        return credentials;
    }

    /** The cluster's certificates and keys. */
    public ClusterPki pki() {
        return pki;
    }

    /** The kubeconfig file that points kubectl at this server. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public ApiServer apiServer() {
        return apiServer;
    }

    public Store store() {
        return store;
    }

    /** The controller manager, or null when no controller is enabled. */
    public ControllerManager controllerManager() {
        return controllerManager;
    }

    /** The registry behind {@code /metrics} (API server and controllers). */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** The in-process node agents and proxy (null when not started). */
    DataPlane dataPlane() {
        return dataPlane;
    }

    /** Where the cluster DNS listens (the kube-dns endpoint), or null when it does not run. */
    public InetSocketAddress clusterDnsAddress() {
        return clusterDns == null ? null : clusterDns.address();
    }

    /** Stops everything started, in reverse order. Idempotent. */
    @Override
    public synchronized void close() {
        Closeables.closeAll(closeables, log);
    }

    private static void createDataDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the data dir " + dir + ": " + e.getMessage(), e);
        }
    }
}
