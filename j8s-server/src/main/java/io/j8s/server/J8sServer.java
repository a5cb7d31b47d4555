package io.j8s.server;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.j8s.api.ResourceTypes;
import io.j8s.apiserver.ApiServer;
import io.j8s.apiserver.ApiServerConfig;
import io.j8s.apiserver.admission.Cidr;
import io.j8s.controllers.ControllerManager;
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
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running j8s server: the store, the API server and everything started beside it, wired from
 * {@link ServerOptions}. Used by {@code j8s server} and by tests, which start it on free ports in a
 * temporary data dir.
 */
public final class J8sServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(J8sServer.class);

    private final ServerOptions options;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private Store store;
    private ApiServer apiServer;
    private Path kubeconfig;
    private MeterRegistry meterRegistry;
    private ControllerManager controllerManager;
    private DataPlane dataPlane;
    private KubernetesClient adminClient;

    private J8sServer(ServerOptions options) {
        this.options = options;
    }

    /** Starts everything; on failure, stops what was started and rethrows. */
    public static J8sServer start(ServerOptions options) throws InterruptedException {
        J8sServer server = new J8sServer(options);
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
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meterRegistry = metrics;
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(metrics);
        new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(metrics);
        store = Stores.open(options);
        closeables.push(store);
        log.atInfo().addKeyValue("store", store.toString()).addKeyValue("revision", store.currentRevision())
                .log("store open");

        ApiServerConfig config = ApiServerConfig.builder()
                .bindAddress(options.bindAddress())
                .port(options.securePort())
                .advertiseAddress(options.advertiseAddress())
                .serviceCidr(Cidr.parse(options.serviceClusterIpRange()))
                .nodePortRange(options.nodePortMin(), options.nodePortMax())
                .build();
        apiServer = new ApiServer(config, store, servedTypes(), metrics,
                Clock.systemUTC());
        closeables.push(apiServer);
        apiServer.start();
        kubeconfig = Kubeconfigs.writePlain(options.dataDir(), apiUrl());
        startControllers(metrics);

        dataPlane = DataPlane.start(options.dataPlane(), options.dataDir().resolve("nodes"), this::clientFor,
                metrics, Clock.systemUTC());
        closeables.push(dataPlane);
    }

    /**
     * Starts the controller manager once the API server serves, so it is stopped before it (the
     * closeables are a stack) and after the data plane. Controllers write with
     * {@code clientFor(identity)} ({@link ControllerManager#IDENTITIES}), the informers read with
     * the manager's own identity.
     */
    private void startControllers(MeterRegistry metrics) {
        ControllerOptions c = options.controllers();
        if (c.enabled().isEmpty()) {
            log.atInfo().log("no controllers enabled");
            return;
        }
        controllerManager = ControllerManager.builder()
                .informerClient(clientFor("controller-manager"))
                .clients(this::clientFor)
                .meterRegistry(metrics)
                .settings(c.settings(options.clusterCidr()))
                .enabled(c.enabled())
                .leaderElection(c.leaderElect() ? ControllerManager.LeaderElectionSettings.defaults() : null)
                .build();
        closeables.push(controllerManager);
        controllerManager.start();
    }

    /**
     * A client for an in-process component acting as {@code identity}. All components share one
     * admin client for now.
     */
    private synchronized KubernetesClient clientFor(String identity) {
        if (adminClient == null) {
            Config config = new ConfigBuilder(Config.empty()).withMasterUrl(apiUrl()).withRequestTimeout(30_000)
                    .build();
            adminClient = new KubernetesClientBuilder().withConfig(config).build();
            closeables.addLast(adminClient);
        }
        return adminClient;
    }

    /**
     * The resources this server serves: the whole catalog except {@code events.k8s.io/v1}, which in
     * Kubernetes is a second view of the core Events (a conversion j8s does not do yet); kubectl's
     * {@code describe} and {@code events} read the core ones.
     */
    static java.util.List<io.j8s.api.ResourceType> servedTypes() {
        return ResourceTypes.all().stream().filter(t -> !t.group().equals("events.k8s.io")).toList();
    }

    /** The API server's base URL, e.g. {@code http://127.0.0.1:6443}. */
    public String apiUrl() {
        InetSocketAddress address = apiServer.address();
        return "http://" + address.getAddress().getHostAddress() + ":" + address.getPort();
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

    /** Stops everything started, in reverse order. Idempotent. */
    @Override
    public synchronized void close() {
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                log.atWarn().addKeyValue("component", c.getClass().getSimpleName()).addKeyValue("error", e.toString())
                        .log("error while stopping");
            }
        }
    }

    private static void createDataDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data dir " + dir + ": " + e.getMessage(), e);
        }
    }
}
