package io.j8s.apiserver;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.admission.ServiceAllocations;
import io.j8s.apiserver.bootstrap.SystemObjects;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.discovery.Discovery;
import io.j8s.apiserver.discovery.OpenApi;
import io.j8s.apiserver.http.HttpServer;
import io.j8s.apiserver.nodeproxy.PodLogs;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.rest.ApiException;
import io.j8s.apiserver.rest.PatchSupport;
import io.j8s.apiserver.rest.ResourceHandler;
import io.j8s.apiserver.rest.Responses;
import io.j8s.store.Store;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes API server of j8s: REST and watch over the store, served to kubectl and client
 * libraries. Construct, {@link #start()}, {@link #close()}.
 *
 * <p>Wiring only: the watch cache ({@code cache}), the registry ({@code registry}), admission,
 * the REST handlers ({@code rest}), discovery, and the HTTP server ({@code http}).
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final ApiServerConfig config;
    private final Store store;
    private final List<ResourceType> types;
    private final PrometheusMeterRegistry metrics;
    private final Clock clock;
    private final WatchCache cache;
    private final ServiceAllocations allocations;
    private final ObjectRegistry registry;
    private final ExecutorService workers;
    private final ExecutorService watchExecutor;
    private final ScheduledExecutorService timer;
    private final ResourceHandler resources;
    private HttpServer http;
    private InetSocketAddress address;
    private volatile boolean ready;

    public ApiServer(ApiServerConfig config, Store store, List<ResourceType> types, PrometheusMeterRegistry metrics,
            Clock clock) {
        this.config = config;
        this.store = store;
        this.types = List.copyOf(types);
        this.metrics = metrics;
        this.clock = clock;
        this.cache = new WatchCache(store, types, config.watchHistoryPerResource(), config.bookmarkInterval(), metrics);
        this.allocations = new ServiceAllocations(store, config.serviceCidr(), config.nodePortMin(),
                config.nodePortMax());
        ResourceType namespaceType = typeOfKind("Namespace");
        // As Kubernetes' NamespaceLifecycle admission: the cache first, and on a miss the store itself,
        // so an object can be created in a namespace created a moment ago.
        this.registry = new ObjectRegistry(store, allocations, namespace -> cache.get(namespaceType, null, namespace)
                .map(ns -> isTerminating(ns.tree()))
                .or(() -> store.get(namespaceType.key(null, namespace))
                        .map(kv -> isTerminating(Json.parseObject(kv.value())))), clock);
        this.workers = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(10_000), named("j8s-api-worker"));
        ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
        this.watchExecutor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                named("j8s-watch-send"));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("j8s-api-timer"));
        this.resources = new ResourceHandler(store, cache, registry, new PatchSupport(), watchExecutor, timer, clock);
        resources.addSubresource("pods", "log", new PodLogs(registry, this::typeOfKind, config.nodeClient(),
                config.nodeScheme()));
    }

    /** Fills the cache, writes the system objects, and starts listening. */
    public void start() throws InterruptedException {
        long begin = System.nanoTime();
        cache.start();
        ApiRouter router = new ApiRouter(types, new Discovery(types, config.advertiseAddress() + ":" + config.port()),
                new OpenApi(types, ApiRouter.KUBERNETES_VERSION), resources, config.authenticator(),
                config.authorizer(), metrics::scrape, () -> ready, metrics);
        http = new HttpServer(new InetSocketAddress(config.bindAddress(), config.port()), config.tls(), router,
                workers, config.maxBodyBytes(),
                Json.writeBytes(Responses.status(ApiException.requestEntityTooLarge(config.maxBodyBytes()))),
                Json.writeBytes(Responses.status(ApiException.tooManyRequests("the server is overloaded", 1))));
        address = http.start();
        SystemObjects system = new SystemObjects(registry, this::typeOfKind, allocations.serviceIp(1),
                config.advertiseAddress(), address.getPort());
        system.reconcile();
        timer.scheduleWithFixedDelay(() -> {
            try {
                system.reconcile();
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("error", e.toString()).log("repairing the system objects failed");
            }
        }, 10, 10, TimeUnit.SECONDS);
        ready = true;
        log.atInfo().addKeyValue("address", address.getAddress().getHostAddress() + ":" + address.getPort())
                .addKeyValue("objects", types.stream().mapToInt(cache::size).sum())
                .addKeyValue("startupMs", (System.nanoTime() - begin) / 1_000_000)
                .log("API server ready");
    }

    /** Where the server listens (after {@link #start()}). */
    public InetSocketAddress address() {
        return address;
    }

    public WatchCache cache() {
        return cache;
    }

    public ResourceHandler resources() {
        return resources;
    }

    public ObjectRegistry registry() {
        return registry;
    }

    /** The resource of {@code kind} (first match), as served. */
    public ResourceType typeOfKind(String kind) {
        return findKind(kind).orElseThrow(() -> new IllegalArgumentException("no served resource of kind " + kind));
    }

    private Optional<ResourceType> findKind(String kind) {
        return types.stream().filter(t -> t.kind().equals(kind)).findFirst();
    }

    @Override
    public void close() {
        ready = false;
        if (http != null) {
            http.close();
        }
        timer.shutdownNow();
        cache.close();
        workers.shutdownNow();
        watchExecutor.shutdownNow();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static boolean isTerminating(tools.jackson.databind.JsonNode namespace) {
        return namespace.path("status").path("phase").asString("").equals("Terminating");
    }
}
