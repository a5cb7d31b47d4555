package io.j8s.server.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.J8sServer;
import io.j8s.server.ServerOptions;
import io.j8s.server.pki.Identity;
import io.j8s.server.pki.Kubeconfig;
import io.j8s.server.pki.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real j8s server for a test: a temporary data dir, a free loopback port, and the means to drive
 * it (the real kubectl, the fabric8 client), all over HTTPS: {@link #kubectl()} uses the admin
 * kubeconfig the server wrote, {@link #client()} is an admin client; {@link #clientAs}, {@link
 * #kubectlAs} and {@link #kubectlWithToken} act as other users. Close it to stop the server and
 * delete its files.
 */
public final class TestCluster implements AutoCloseable {
    /**
     * The controllers without which no Pod starts on a node: the {@code default} ServiceAccount
     * ({@code serviceaccount}) and the {@code kube-root-ca.crt} ConfigMap ({@code
     * rootcacertpublisher}) that the service account volume of every Pod needs
     * (docs/architecture.md, "Service accounts in Pods"). Tests that run Pods on a real node with a
     * chosen set of controllers add these.
     */
    public static final java.util.Set<String> POD_CONTROLLERS =
            java.util.Set.of("serviceaccount", "rootcacertpublisher");

    /** {@code names} and the {@link #POD_CONTROLLERS}. */
    public static java.util.Set<String> podControllersAnd(String... names) {
        java.util.Set<String> all = new java.util.HashSet<>(POD_CONTROLLERS);
        all.addAll(java.util.List.of(names));
        return all;
    }

    private final Path dir;
    private final ServerOptions options;
    private J8sServer server;
    private final Kubectl kubectl;
    private final java.util.List<FakeKubelet> kubelets =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private TestCluster(Path dir, ServerOptions options) throws InterruptedException {
        this.dir = dir;
        this.options = options;
        this.server = J8sServer.start(options);
        try {
            Path cache = Files.createDirectories(dir.resolve("kubectl-cache"));
            Path work = Files.createDirectories(dir.resolve("work"));
            this.kubectl = new Kubectl(server.kubeconfig(), cache, work);
        } catch (IOException e) {
            server.close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a control plane only (SQLite store, no controllers, no nodes, no proxy) on a free
     * port.
     */
    public static TestCluster start() throws InterruptedException {
        return start(o -> o);
    }

    /**
     * Starts a server with options adjusted by {@code customize}; the controllers, nodes, proxy and
     * cluster DNS are off unless {@code customize} turns them on (see {@link #withControllers}).
     */
    public static TestCluster start(UnaryOperator<ServerOptions> customize)
            throws InterruptedException {
        try {
            Path dir = Files.createTempDirectory("j8s-test-");
            ServerOptions options =
                    customize.apply(
                            ServerOptions.defaults(dir.resolve("data"))
                                    .withSecurePort(freePort())
                                    .withDataPlane(DataPlaneOptions.none())
                                    .withControllers(ControllerOptions.none())
                                    .withClusterDns(
                                            io.j8s.server.ClusterDnsOptions.defaults()
                                                    .withEnabled(false)));
            return new TestCluster(dir, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a server running the controllers: every one, with leader election, unless {@code
     * customize} says otherwise (e.g. {@code c -> c.withEnabled(Set.of("endpoints"))}).
     */
    public static TestCluster withControllers(UnaryOperator<ControllerOptions> customize)
            throws InterruptedException {
        return start(o -> o.withControllers(customize.apply(ControllerOptions.defaults())));
    }

    /**
     * Registers Nodes served by a {@link FakeKubelet} (stopped with the cluster): they get Leases,
     * report Ready, and run whatever is bound to them at once.
     */
    public FakeKubelet startNodes(String... names) {
        FakeKubelet kubelet = FakeKubelet.start(client(), java.util.List.of(names));
        kubelets.add(kubelet);
        return kubelet;
    }

    /**
     * Sum of {@code j8s_controller_writes_total} of {@code controller} (all verbs and resources).
     */
    public double controllerWrites(String controller) {
        return server
                .meterRegistry()
                .find("j8s_controller_writes_total")
                .tag("controller", controller)
                .counters()
                .stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();
    }

    /** How many keys {@code controller} reconciled successfully so far. */
    public long controllerSyncs(String controller) {
        io.micrometer.core.instrument.Timer timer =
                server.meterRegistry()
                        .find("j8s_controller_sync_duration_seconds")
                        .tag("controller", controller)
                        .tag("result", "success")
                        .timer();
        return timer == null ? 0 : timer.count();
    }

    /** Items waiting in {@code controller}'s work queue. */
    public double queueDepth(String controller) {
        io.micrometer.core.instrument.Gauge gauge =
                server.meterRegistry().find("j8s_workqueue_depth").tag("name", controller).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    /**
     * Waits until {@code controller} runs, has reconciled at least once, and has neither written
     * nor had anything queued for a second: what it was given to do is done.
     */
    public void awaitQuiet(String controller) {
        double[] last = {-1};
        long[] since = {0};
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(
                        () -> {
                            double writes = controllerWrites(controller);
                            if (writes != last[0]
                                    || queueDepth(controller) > 0
                                    || controllerSyncs(controller) == 0) {
                                last[0] = writes;
                                since[0] = System.nanoTime();
                                return false;
                            }
                            return System.nanoTime() - since[0] > 1_000_000_000L;
                        });
    }

    /** Stops the server and starts it again on the same data dir and port. */
    public void restart() throws InterruptedException {
        server.close();
        server = J8sServer.start(options);
    }

    public J8sServer server() {
        return server;
    }

    public Kubectl kubectl() {
        return kubectl;
    }

    /** Runs kubectl and returns its stdout, failing the test if it failed. */
    public String kubectlOk(String... args) {
        return kubectl.run(args).ok();
    }

    /**
     * A fabric8 client for the admin, over TLS with a client certificate (the caller closes it).
     */
    public KubernetesClient client() {
        return clientAs(Identity.admin());
    }

    /**
     * A fabric8 client acting as {@code identity} (certificate from the cluster CA; the caller
     * closes it).
     */
    public KubernetesClient clientAs(Identity identity) {
        return new KubernetesClientBuilder().withConfig(server.clientConfig(identity)).build();
    }

    /** A fabric8 client authenticating with a bearer token (the caller closes it). */
    public KubernetesClient clientWithToken(String token) {
        Config config =
                new ConfigBuilder(server.clientConfig(Identity.admin()))
                        .withClientCertData(null)
                        .withClientKeyData(null)
                        .withOauthToken(token)
                        .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /**
     * A TLS context for plain {@code java.net.http} clients: the admin's certificate, trust in the
     * CA.
     */
    public javax.net.ssl.SSLContext adminSslContext() {
        return server.credentials().sslContext(Identity.admin());
    }

    /** The real kubectl acting as {@code identity}, with its own kubeconfig and discovery cache. */
    public Kubectl kubectlAs(Identity identity) {
        return kubectlWith(identity.user(), server.credentials().kubeconfig(identity));
    }

    /** The real kubectl authenticating with a bearer token. */
    public Kubectl kubectlWithToken(String name, String token) {
        return kubectlWith(
                name, Kubeconfig.yamlWithToken(server.apiUrl(), server.pki().caPem(), name, token));
    }

    /** The real kubectl with the given kubeconfig text (written under this cluster's dir). */
    public Kubectl kubectlWith(String name, String kubeconfigYaml) {
        try {
            String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
            Path file =
                    PrivateFiles.writeSecret(
                            dir.resolve("kubeconfig-" + safe + ".yaml"), kubeconfigYaml);
            Path cache = Files.createDirectories(dir.resolve("kubectl-cache-" + safe));
            return new Kubectl(file, cache, Files.createDirectories(dir.resolve("work")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** A path of the repository (tests run in their module's directory). */
    public static Path repoFile(String relative) {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.exists(p.resolve(relative))) {
                return p.resolve(relative);
            }
        }
        throw new IllegalStateException("cannot find " + relative + " above " + here);
    }

    @Override
    public void close() {
        for (FakeKubelet kubelet : kubelets) {
            kubelet.close();
        }
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Leftover temporary files are harmless.
        }
    }

    /** A port free on 127.0.0.1 right now. */
    public static int freePort() {
        try (ServerSocket socket =
                new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
