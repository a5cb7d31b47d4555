package io.j8s.apiserver;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.admission.AdmissionChain;
import io.j8s.apiserver.admission.ServiceAccountAdmission;
import io.j8s.apiserver.admission.ServiceAllocations;
import io.j8s.apiserver.apiextensions.CustomResourceDefinitions;
import io.j8s.apiserver.auth.ApiSecurity;
import io.j8s.apiserver.auth.Authenticator;
import io.j8s.apiserver.auth.Authorizer;
import io.j8s.apiserver.auth.UnionAuthorizer;
import io.j8s.apiserver.auth.authn.CachedTokenObjects;
import io.j8s.apiserver.auth.authn.JoinTokenAuthenticator;
import io.j8s.apiserver.auth.authn.RequestAuthenticator;
import io.j8s.apiserver.auth.authn.ServiceAccountTokens;
import io.j8s.apiserver.auth.authn.TokenAuthenticator;
import io.j8s.apiserver.auth.authn.X509Authenticator;
import io.j8s.apiserver.auth.join.JoinEndpoints;
import io.j8s.apiserver.auth.join.NodePasswords;
import io.j8s.apiserver.auth.node.CachedNodeGraph;
import io.j8s.apiserver.auth.node.NodeAuthorizer;
import io.j8s.apiserver.auth.node.NodeGraph;
import io.j8s.apiserver.auth.node.NodeRestriction;
import io.j8s.apiserver.auth.rbac.BootstrapPolicy;
import io.j8s.apiserver.auth.rbac.CachedPolicy;
import io.j8s.apiserver.auth.rbac.EscalationCheck;
import io.j8s.apiserver.auth.rbac.RbacAuthorizer;
import io.j8s.apiserver.auth.review.AccessReviews;
import io.j8s.apiserver.auth.review.CreateOnlyResource;
import io.j8s.apiserver.auth.review.TokenRequests;
import io.j8s.apiserver.bootstrap.RbacBootstrap;
import io.j8s.apiserver.bootstrap.StartTask;
import io.j8s.apiserver.bootstrap.SystemObjects;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.discovery.Discovery;
import io.j8s.apiserver.discovery.OpenApi;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.errors.Statuses;
import io.j8s.apiserver.http.ErrorBody;
import io.j8s.apiserver.http.HttpServer;
import io.j8s.apiserver.metrics.MetricsApi;
import io.j8s.apiserver.nodeproxy.PodLogs;
import io.j8s.apiserver.nodeproxy.portforward.PodPortForward;
import io.j8s.apiserver.registry.Admission;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.rest.PatchSupport;
import io.j8s.apiserver.rest.PodBinding;
import io.j8s.apiserver.rest.ResourceHandler;
import io.j8s.store.Store;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import tools.jackson.databind.JsonNode;

/**
 * The Kubernetes API server of j8s: REST and watch over the store, served to kubectl and client
 * libraries. Construct, {@link #start()}, {@link #close()}.
 *
 * <p>Wiring only: the watch cache ({@code cache}), the registry ({@code registry}), admission, the
 * REST handlers ({@code rest}), discovery, authentication and authorization ({@code auth}), and the
 * HTTP server ({@code http}).
 */
public final class ApiServer implements AutoCloseable {

    /**
     * The Kubernetes version j8s answers as ({@code /version}, and its components' User-Agents).
     */
    public static final String KUBERNETES_VERSION = ApiRouter.KUBERNETES_VERSION;

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
    private final MetricsApi metricsApi;
    private HttpServer http;
    private HttpServer plainHttp;
    private volatile io.netty.channel.local.LocalAddress inProcessAddress;
    private CachedPolicy policy;
    private RbacAuthorizer rbacAuthorizer;
    private NodePasswords nodePasswords;
    private InetSocketAddress address;
    private final HealthChecks health = new HealthChecks();
    private volatile boolean cacheStarted;
    private volatile boolean systemObjectsWritten;
    private volatile boolean rbacBootstrapped;
    private volatile boolean shuttingDown;
    private volatile SystemObjects system;
    private volatile ApiRouter router;
    private CustomResourceDefinitions crds;
    private List<ResourceType> routed;

    public ApiServer(
            ApiServerConfig config,
            Store store,
            List<ResourceType> types,
            PrometheusMeterRegistry metrics,
            Clock clock) {
        this.config = config;
        this.store = store;
        List<ResourceType> all = new ArrayList<>(types);
        if (!all.contains(CustomResourceDefinitions.TYPE)) {
            all.add(CustomResourceDefinitions.TYPE);
        }
        this.types = List.copyOf(all);
        this.metrics = metrics;
        this.clock = clock;
        this.cache =
                new WatchCache(
                        store,
                        this.types,
                        config.watchHistoryPerResource(),
                        config.bookmarkInterval(),
                        metrics);
        this.allocations =
                new ServiceAllocations(
                        store, config.serviceCidr(), config.nodePortMin(), config.nodePortMax());
        ResourceType namespaceType = typeOfKind("Namespace");
        // As Kubernetes' NamespaceLifecycle admission: the cache first, and on a miss the store
        // itself,
        // so an object can be created in a namespace created a moment ago.
        ResourceType serviceAccountType = typeOfKind("ServiceAccount");
        // ServiceAccount admission for Pods: the cache first, the store on a miss (as the
        // namespace)
        Admission admission =
                new AdmissionChain(
                        List.of(
                                allocations,
                                new ServiceAccountAdmission(
                                        (namespace, name) ->
                                                cache.get(serviceAccountType, namespace, name)
                                                        .map(sa -> (JsonNode) sa.tree())
                                                        .or(
                                                                () ->
                                                                        store.get(
                                                                                        serviceAccountType
                                                                                                .key(
                                                                                                        namespace,
                                                                                                        name))
                                                                                .map(
                                                                                        kv ->
                                                                                                Json
                                                                                                        .parseObject(
                                                                                                                kv
                                                                                                                        .value()))))));
        this.registry =
                new ObjectRegistry(
                        store,
                        admission,
                        namespace ->
                                cache.get(namespaceType, null, namespace)
                                        .map(ns -> isTerminating(ns.tree()))
                                        .or(
                                                () ->
                                                        store.get(
                                                                        namespaceType.key(
                                                                                null, namespace))
                                                                .map(
                                                                        kv ->
                                                                                isTerminating(
                                                                                        Json
                                                                                                .parseObject(
                                                                                                        kv
                                                                                                                .value())))),
                        clock);
        this.workers =
                new ThreadPoolExecutor(
                        config.workerThreads(),
                        config.workerThreads(),
                        60,
                        TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(10_000),
                        named("j8s-api-worker"));
        ((ThreadPoolExecutor) workers).allowCoreThreadTimeOut(true);
        this.watchExecutor =
                Executors.newFixedThreadPool(
                        Math.max(2, Runtime.getRuntime().availableProcessors()),
                        named("j8s-watch-send"));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("j8s-api-timer"));
        this.resources =
                new ResourceHandler(
                        store,
                        cache,
                        registry,
                        new PatchSupport(),
                        watchExecutor,
                        timer,
                        clock,
                        config.watchQueueBytes(),
                        metrics);
        resources.addSubresource("pods", "binding", new PodBinding(registry, clock));
        resources.addSubresource(
                "pods",
                "log",
                new PodLogs(registry, this::typeOfKind, config.nodeClient(), config.nodeScheme()));
        this.metricsApi =
                new MetricsApi(
                        cache,
                        this::typeOfKind,
                        config.nodeClient(),
                        config.nodeScheme(),
                        config.metricResolution(),
                        metrics,
                        clock);
        resources.addSubresource(
                "pods",
                "portforward",
                new PodPortForward(
                        registry,
                        this::typeOfKind,
                        config.nodeClient(),
                        config.nodeScheme(),
                        config.portForwardLimits()));
        io.micrometer.core.instrument.Gauge.builder(
                        "j8s_apiserver_portforward_streams",
                        config.portForwardLimits(),
                        l -> l.active())
                .description("Forwarded TCP connections (port-forward stream pairs) open now")
                .register(metrics);
        for (String stream : List.of("exec", "attach")) {
            var podStreams =
                    new io.j8s.apiserver.nodeproxy.PodStreams(
                            registry,
                            this::typeOfKind,
                            config.nodeClient(),
                            config.nodeScheme(),
                            stream,
                            io.j8s.apiserver.nodeproxy.PodStreams.maxStreamsPerUser());
            resources.addSubresource("pods", stream, podStreams);
            io.micrometer.core.instrument.Gauge.builder(
                            "j8s_apiserver_pod_streams",
                            podStreams,
                            io.j8s.apiserver.nodeproxy.PodStreams::openStreams)
                    .description("pods/exec and pods/attach streams open now")
                    .tag("subresource", stream)
                    .register(metrics);
        }
        // Kubernetes' names where j8s has the same check (see docs/architecture.md, "Health")
        health.addLivez("ping", () -> null);
        health.addLivez("etcd", this::storeFailure);
        health.addReadyz("ping", () -> null);
        health.addReadyz("etcd", this::storeFailure);
        health.addReadyz(
                "watch-cache", () -> cacheStarted ? null : "the watch cache is not filled yet");
        health.addReadyz(
                "poststarthook/start-system-namespaces-controller",
                () -> systemObjectsWritten ? null : "the system namespaces are not written yet");
        health.addReadyz(
                "poststarthook/rbac/bootstrap-roles",
                () -> rbacBootstrapped ? null : "the bootstrap RBAC policy is not written yet");
    }

    private String storeFailure() {
        try {
            store.currentRevision();
            return null;
        } catch (RuntimeException e) {
            return "the store does not answer: " + e.getMessage();
        }
    }

    /**
     * The checks of {@code /livez} and {@code /readyz}: the API server's own, and those the
     * components started beside it add (controllers, nodes).
     */
    public HealthChecks health() {
        return health;
    }

    /**
     * Fills the cache, writes the system objects and the bootstrap RBAC policy, and starts
     * listening.
     */
    public void start() throws InterruptedException {
        long begin = System.nanoTime();
        // last, after the checks others added before the start, as Kubernetes lists it
        health.addReadyz("shutdown", () -> shuttingDown ? "the server is shutting down" : null);
        cache.start();
        cacheStarted = true;
        health.changed();
        Security security = config.security() == null ? Security.NONE : security(config.security());
        List<ResourceType> createOnly =
                security.createOnly().stream().map(CreateOnlyResource::type).toList();
        OpenApi openApi = new OpenApi(types, ApiRouter.KUBERNETES_VERSION);
        crds =
                new CustomResourceDefinitions(
                        types,
                        registry,
                        cache,
                        served -> {
                            if (router != null) {
                                serve(served, createOnly);
                            }
                        },
                        clock,
                        metrics);
        crds.start();
        List<ResourceType> served = crds.served();
        if (!served.equals(types)) {
            openApi = new OpenApi(served, ApiRouter.KUBERNETES_VERSION);
        }
        // built once the server is ready, not during its start (a request before then builds them)
        health.whenFirstReady(openApi::buildInBackground);
        router =
                new ApiRouter(
                        served,
                        discovery(served, createOnly),
                        openApi,
                        resources,
                        security.authenticator(),
                        security.authorizer(),
                        security.restriction(),
                        security.createOnly(),
                        metrics::scrape,
                        health,
                        metrics);
        synchronized (this) {
            if (routed == null) {
                routed = served;
            }
        }
        // a CRD established between the first list and the router's start
        serve(crds.served(), createOnly);
        security.paths().forEach(router::addPath);
        metricsApi.types().forEach(type -> router.addComputed(type, metricsApi::handle));
        ErrorBody errors =
                (code, reason, message) ->
                        Json.writeBytes(Statuses.failure(ApiException.of(code, reason, message)));
        byte[] overloaded =
                Json.writeBytes(
                        Statuses.failure(
                                ApiException.tooManyRequests("the server is overloaded", 1)));
        http =
                new HttpServer(
                        new InetSocketAddress(config.bindAddress(), config.port()),
                        config.tls(),
                        router,
                        workers,
                        config.httpLimits(),
                        errors,
                        overloaded);
        address = http.start();
        inProcessAddress = http.startInProcess();
        if (config.insecurePort() > 0) {
            plainHttp =
                    new HttpServer(
                            new InetSocketAddress("127.0.0.1", config.insecurePort()),
                            null,
                            router,
                            workers,
                            config.httpLimits(),
                            errors,
                            overloaded);
            InetSocketAddress plain = plainHttp.start();
            log.atWarn()
                    .addKeyValue("address", "127.0.0.1:" + plain.getPort())
                    .log(
                            "serving plain HTTP on loopback as asked: bearer tokens cross it unencrypted");
        }
        system =
                new SystemObjects(
                        registry,
                        this::typeOfKind,
                        allocations.serviceIp(1),
                        config.advertiseAddress(),
                        address.getPort(),
                        cache,
                        clock);
        // the system objects and the RBAC policy are independent writes: side by side
        StartTask<Void> systemWrites =
                StartTask.start(
                        "j8s-system-objects",
                        () -> {
                            system.reconcile();
                            return null;
                        });
        RbacBootstrap rbac = new RbacBootstrap(registry, cache, this::typeOfKind);
        rbac.reconcile();
        systemWrites.join();
        systemObjectsWritten = true;
        rbac.aggregate();
        rbacBootstrapped = true;
        health.changed();
        metricsApi.start();
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        system.reconcile();
                        rbac.aggregate();
                        if (nodePasswords != null) {
                            nodePasswords.adoptByNodes();
                        }
                    } catch (RuntimeException e) {
                        log.atWarn()
                                .addKeyValue("error", e.toString())
                                .log("repairing the system objects failed");
                    }
                },
                10,
                10,
                TimeUnit.SECONDS);
        log.atInfo()
                .addKeyValue(
                        "address", address.getAddress().getHostAddress() + ":" + address.getPort())
                .addKeyValue("objects", types.stream().mapToInt(cache::size).sum())
                .addKeyValue("secure", config.security() != null)
                .addKeyValue("startupMs", (System.nanoTime() - begin) / 1_000_000)
                .log("API server ready");
    }

    /** Routing, discovery and OpenAPI follow a change of the served resources (CRDs). */
    private synchronized void serve(List<ResourceType> served, List<ResourceType> createOnly) {
        if (served.equals(routed)) {
            return;
        }
        routed = served;
        router.serve(
                served,
                discovery(served, createOnly),
                new OpenApi(served, ApiRouter.KUBERNETES_VERSION));
    }

    private Discovery discovery(List<ResourceType> served, List<ResourceType> createOnly) {
        return new Discovery(
                served,
                createOnly,
                metricsApi.types(),
                config.advertiseAddress() + ":" + config.port());
    }

    /**
     * Authentication, authorization and the auth APIs, wired over this server's cache and registry.
     */
    private record Security(
            Authenticator authenticator,
            Authorizer authorizer,
            NodeRestriction restriction,
            List<CreateOnlyResource> createOnly,
            Map<String, ApiRouter.NonResourceHandler> paths) {
        static final Security NONE = new Security(null, null, null, List.of(), Map.of());
    }

    private Security security(ApiSecurity settings) {
        ServiceAccountTokens serviceAccountTokens =
                new ServiceAccountTokens(
                        settings.serviceAccountKeys(),
                        settings.serviceAccountIssuer(),
                        List.of(settings.serviceAccountIssuer()),
                        clock,
                        new CachedTokenObjects(cache, this::typeOfKind));
        List<TokenAuthenticator> tokens = new ArrayList<>();
        if (settings.joinToken() != null) {
            tokens.add(new JoinTokenAuthenticator(settings.joinToken()));
        }
        if (settings.tokenFile() != null) {
            tokens.add(settings.tokenFile());
        }
        tokens.add(serviceAccountTokens);
        Authenticator authenticator =
                new RequestAuthenticator(
                        new X509Authenticator(settings.clientCas(), clock),
                        tokens,
                        settings.loopback());
        policy =
                new CachedPolicy(
                        cache,
                        typeOfKind("ClusterRole"),
                        typeOfKind("Role"),
                        typeOfKind("ClusterRoleBinding"),
                        typeOfKind("RoleBinding"));
        NodeGraph graph = new CachedNodeGraph(cache, typeOfKind("Pod"));
        rbacAuthorizer = new RbacAuthorizer(policy);
        Authorizer authorizer =
                new UnionAuthorizer(List.of(new NodeAuthorizer(graph), rbacAuthorizer));
        resources.addWriteAdmission(new EscalationCheck(authorizer, rbacAuthorizer, policy));
        TokenRequests tokenRequests =
                new TokenRequests(registry, serviceAccountTokens, this::typeOfKind);
        resources.addSubresource("serviceaccounts", "token", tokenRequests::handle);
        if (settings.nodeCredentials() != null) {
            nodePasswords =
                    new NodePasswords(registry, cache, typeOfKind("Secret"), typeOfKind("Node"));
        }
        JoinEndpoints join =
                new JoinEndpoints(settings.caBundle(), settings.nodeCredentials(), nodePasswords);
        Map<String, ApiRouter.NonResourceHandler> paths = new LinkedHashMap<>();
        paths.put(BootstrapPolicy.CACERTS_PATH, join::caCerts);
        if (settings.nodeCredentials() != null) {
            paths.put(BootstrapPolicy.NODE_CREDENTIAL_PATH, join::nodeCredential);
        }
        NodeRestriction restriction = new NodeRestriction(graph);
        resources.addWriteAdmission(restriction.nodeWrites());
        return new Security(
                authenticator,
                authorizer,
                restriction,
                new AccessReviews(authorizer, rbacAuthorizer).resources(),
                paths);
    }

    /** The RBAC authorizer (after {@link #start()} of a secure server; null otherwise). */
    public RbacAuthorizer rbacAuthorizer() {
        return rbacAuthorizer;
    }

    /** Where the server listens (after {@link #start()}). */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * The address of the in-process listener (after {@link #start()}): a Netty local channel
     * address for this process's own components, without TLS (docs/architecture.md, "Components").
     */
    public io.netty.channel.local.LocalAddress inProcessAddress() {
        return inProcessAddress;
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
        return findKind(kind)
                .orElseThrow(
                        () -> new IllegalArgumentException("no served resource of kind " + kind));
    }

    private Optional<ResourceType> findKind(String kind) {
        return types.stream().filter(t -> t.kind().equals(kind)).findFirst();
    }

    @Override
    public void close() {
        shuttingDown = true;
        metricsApi.close();
        timer.shutdownNow();
        if (system != null) {
            // the other servers' clients go to them from now on (see SystemObjects)
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
                system.release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.atWarn()
                        .addKeyValue("error", e.toString())
                        .log("leaving the kubernetes endpoints failed");
            }
        }
        if (http != null) {
            http.close();
        }
        if (plainHttp != null) {
            plainHttp.close();
        }
        if (policy != null) {
            policy.close();
        }
        timer.shutdownNow();
        if (crds != null) {
            crds.close();
        }
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
