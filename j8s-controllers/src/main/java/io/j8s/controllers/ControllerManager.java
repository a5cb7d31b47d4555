package io.j8s.controllers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.j8s.client.cache.SharedInformers;
import io.j8s.client.clock.DelayScheduler;
import io.j8s.controllers.deployment.DeploymentController;
import io.j8s.controllers.endpoint.EndpointsController;
import io.j8s.controllers.endpointslice.EndpointSliceController;
import io.j8s.controllers.endpointslicemirroring.EndpointSliceMirroringController;
import io.j8s.controllers.garbagecollector.GarbageCollector;
import io.j8s.controllers.namespace.NamespaceController;
import io.j8s.controllers.nodeipam.NodeIpamController;
import io.j8s.controllers.nodelifecycle.NodeLifecycleController;
import io.j8s.controllers.replicaset.ReplicaSetController;
import io.j8s.controllers.rootcacertpublisher.RootCaCertPublisher;
import io.j8s.controllers.runtime.ApiResource;
import io.j8s.controllers.runtime.Controller;
import io.j8s.controllers.runtime.ControllerContext;
import io.j8s.controllers.runtime.ControllerSettings;
import io.j8s.controllers.scheduler.Scheduler;
import io.j8s.controllers.serviceaccount.ServiceAccountsController;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the enabled controllers over one set of shared informers, and stops them cleanly.
 *
 * <p>With leader election (the default when more than one server may run against one store), the
 * controllers run only while this manager holds the {@code coordination.k8s.io/v1} Lease {@code
 * <leaseNamespace>/<leaseName>}: each term gets fresh informers and controllers, and losing the
 * Lease stops them before another holder can act. Without it they start at once.
 *
 * <p>Clients: the informers list and watch with {@link Builder#informerClient}; each controller
 * writes with {@code clients.apply(identity)} so it can act under its own identity (see {@link
 * #IDENTITIES}). Thread-safe; {@link #close()} is idempotent.
 */
public final class ControllerManager implements AutoCloseable {

    /** Controller name → the identity (client) it writes with. */
    public static final Map<String, String> IDENTITIES =
            Collections.unmodifiableMap(
                    new LinkedHashMap<>(
                            Map.ofEntries(
                                    Map.entry(
                                            DeploymentController.NAME,
                                            DeploymentController.IDENTITY),
                                    Map.entry(
                                            ReplicaSetController.NAME,
                                            ReplicaSetController.IDENTITY),
                                    Map.entry(Scheduler.NAME, Scheduler.IDENTITY),
                                    Map.entry(NodeIpamController.NAME, NodeIpamController.IDENTITY),
                                    Map.entry(
                                            EndpointsController.NAME, EndpointsController.IDENTITY),
                                    Map.entry(
                                            EndpointSliceController.NAME,
                                            EndpointSliceController.IDENTITY),
                                    Map.entry(
                                            EndpointSliceMirroringController.NAME,
                                            EndpointSliceMirroringController.IDENTITY),
                                    Map.entry(GarbageCollector.NAME, GarbageCollector.IDENTITY),
                                    Map.entry(
                                            NamespaceController.NAME, NamespaceController.IDENTITY),
                                    Map.entry(
                                            NodeLifecycleController.NAME,
                                            NodeLifecycleController.IDENTITY),
                                    Map.entry(
                                            ServiceAccountsController.NAME,
                                            ServiceAccountsController.IDENTITY),
                                    Map.entry(
                                            RootCaCertPublisher.NAME,
                                            RootCaCertPublisher.IDENTITY))));

    /** Every controller, in start order. */
    public static final List<String> ALL =
            List.of(
                    NodeIpamController.NAME,
                    NodeLifecycleController.NAME,
                    Scheduler.NAME,
                    DeploymentController.NAME,
                    ReplicaSetController.NAME,
                    EndpointsController.NAME,
                    EndpointSliceController.NAME,
                    EndpointSliceMirroringController.NAME,
                    GarbageCollector.NAME,
                    NamespaceController.NAME,
                    ServiceAccountsController.NAME,
                    RootCaCertPublisher.NAME);

    private static final Logger log = LoggerFactory.getLogger(ControllerManager.class);

    private final KubernetesClient informerClient;
    private final Function<String, KubernetesClient> clients;
    private final Clock clock;
    private final MeterRegistry meterRegistry;
    private final ControllerSettings settings;
    private final Set<String> enabled;
    private final List<ApiResource> resources;
    private final LeaderElectionSettings leaderElection;
    private final ScheduledExecutorService timers;

    /** The timers of the controllers' queues and of the election's retries. */
    private final DelayScheduler delays;

    private final Runnable onChange;

    /**
     * With leader election: the holder of the Lease seen last; null until the first round ended.
     */
    private volatile String observedLeader;

    private final Object lock = new Object();
    private Term term; // guarded by lock
    private CompletableFuture<?> election; // guarded by lock
    private boolean closed; // guarded by lock

    private ControllerManager(Builder b) {
        this.informerClient = Objects.requireNonNull(b.informerClient, "informerClient");
        this.clients = b.clients != null ? b.clients : identity -> b.informerClient;
        this.clock = b.clock;
        this.meterRegistry = Objects.requireNonNull(b.meterRegistry, "meterRegistry");
        this.settings = b.settings;
        this.enabled = Set.copyOf(b.enabled);
        for (String name : enabled) {
            if (!ALL.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown controller '" + name + "'; known: " + ALL);
            }
        }
        this.resources = List.copyOf(b.resources);
        this.leaderElection = b.leaderElection;
        this.onChange = b.onChange;
        this.timers =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "j8s-controller-timers");
                            t.setDaemon(true);
                            return t;
                        });
        this.delays = DelayScheduler.of(timers);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the controllers (or the election for the right to run them). Returns at once. */
    public void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the controller manager is closed");
            }
            if (leaderElection == null) {
                startTerm();
                return;
            }
            runElection();
        }
    }

    private void runElection() {
        LeaderElectionSettings le = leaderElection;
        LeaderElector elector =
                informerClient
                        .leaderElector()
                        .withConfig(
                                new LeaderElectionConfig(
                                        new LeaseLock(le.namespace(), le.name(), le.identity()),
                                        le.leaseDuration(),
                                        le.renewDeadline(),
                                        le.retryPeriod(),
                                        new LeaderCallbacks(
                                                () -> {
                                                    log.info(
                                                            "Became leader ({}), starting controllers",
                                                            le.identity());
                                                    observedLeader = le.identity();
                                                    synchronized (lock) {
                                                        if (!closed) {
                                                            startTerm();
                                                        }
                                                    }
                                                    onChange.run();
                                                },
                                                () -> {
                                                    if (isClosed()) {
                                                        log.info(
                                                                "Stopped leading ({})",
                                                                le.identity());
                                                    } else {
                                                        log.warn(
                                                                "Lost leadership ({}), stopping controllers",
                                                                le.identity());
                                                    }
                                                    stopTerm();
                                                    onChange.run();
                                                },
                                                leader -> {
                                                    log.info(
                                                            "Current controller-manager leader: {}",
                                                            leader);
                                                    observedLeader = leader;
                                                    onChange.run();
                                                }),
                                        // never released by the elector: it would release before
                                        // the controllers have stopped
                                        // (see close(), which stops them first and then releases)
                                        false,
                                        "j8s-controller-manager"))
                        .build();
        election = elector.start();
        election.whenComplete(
                (v, t) -> {
                    synchronized (lock) {
                        if (!closed) {
                            delays.schedule(
                                    le.retryPeriod(),
                                    () -> {
                                        synchronized (lock) {
                                            if (!closed) {
                                                runElection();
                                            }
                                        }
                                    });
                        }
                    }
                });
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /** Whether the controllers are running in this process now. */
    public boolean isRunning() {
        synchronized (lock) {
            return term != null;
        }
    }

    /**
     * Why the controllers cannot act yet, or null when they can: they run here and every informer
     * they read has completed its first list. With leader election, null too while another manager
     * holds the Lease (readiness does not wait for leadership), but not before the first election
     * round has ended.
     */
    public String notReadyReason() {
        synchronized (lock) {
            if (closed) {
                return "the controller manager is stopped";
            }
            if (term == null) {
                if (leaderElection == null) {
                    return "the controllers are not started";
                }
                String leader = observedLeader;
                if (leader == null || leader.isEmpty()) {
                    return "the leader election has not decided yet";
                }
                return leader.equals(leaderElection.identity())
                        ? "leading, starting the controllers"
                        : null;
            }
            return term.informers.hasSynced()
                    ? null
                    : "the controllers' informers have not synced yet";
        }
    }

    /**
     * The objects of {@code type} in the running controllers' informer cache (what they decide
     * from), or empty when the controllers do not run here or none of them watches {@code type}.
     */
    public <T extends HasMetadata> Optional<List<T>> cached(Class<T> type) {
        Term t;
        synchronized (lock) {
            t = term;
        }
        return t == null
                ? Optional.empty()
                : t.informers.existing(type).map(i -> i.getStore().list());
    }

    /** The running controllers (empty when not leading). */
    public List<Controller> controllers() {
        synchronized (lock) {
            return term == null ? List.of() : List.copyOf(term.controllers);
        }
    }

    private static final class Term {
        final SharedInformers informers;
        final ControllerContext context;
        final List<Controller> controllers = new ArrayList<>();

        Term(SharedInformers informers, ControllerContext context) {
            this.informers = informers;
            this.context = context;
        }
    }

    private void startTerm() {
        if (term != null) {
            return;
        }
        SharedInformers informers = new SharedInformers(informerClient, settings.resyncPeriod());
        ControllerContext context =
                new ControllerContext(informers, clients, clock, meterRegistry, delays, settings);
        Term t = new Term(informers, context);
        List<ApiResource> served =
                enabled.contains(GarbageCollector.NAME)
                                || enabled.contains(NamespaceController.NAME)
                        ? ApiResource.served(informerClient, resources)
                        : List.of();
        for (String name : ALL) {
            if (!enabled.contains(name)) {
                continue;
            }
            t.controllers.add(create(name, context, served));
        }
        informers
                .existing(Node.class)
                .ifPresent(
                        nodes ->
                                nodes.addEventHandler(
                                        new ResourceEventHandler<Node>() {
                                            @Override
                                            public void onAdd(Node node) {
                                                onChange.run();
                                            }

                                            @Override
                                            public void onUpdate(Node oldNode, Node newNode) {
                                                onChange.run();
                                            }

                                            @Override
                                            public void onDelete(
                                                    Node node, boolean deletedFinalStateUnknown) {
                                                onChange.run();
                                            }
                                        }));
        informers.start().whenComplete((v, e) -> onChange.run());
        for (Controller c : t.controllers) {
            c.start();
        }
        term = t;
        log.info("Started controllers {}", t.controllers.stream().map(Controller::name).toList());
    }

    private static Controller create(
            String name, ControllerContext context, List<ApiResource> served) {
        switch (name) {
            case DeploymentController.NAME:
                return new DeploymentController(context);
            case ReplicaSetController.NAME:
                return new ReplicaSetController(context);
            case Scheduler.NAME:
                return new Scheduler(context);
            case NodeIpamController.NAME:
                return new NodeIpamController(context);
            case NodeLifecycleController.NAME:
                return new NodeLifecycleController(context);
            case EndpointsController.NAME:
                return new EndpointsController(context);
            case EndpointSliceController.NAME:
                return new EndpointSliceController(context);
            case EndpointSliceMirroringController.NAME:
                return new EndpointSliceMirroringController(context);
            case GarbageCollector.NAME:
                return new GarbageCollector(context, served);
            case NamespaceController.NAME:
                return new NamespaceController(context, served);
            case ServiceAccountsController.NAME:
                return new ServiceAccountsController(context);
            case RootCaCertPublisher.NAME:
                return new RootCaCertPublisher(context);
            default:
                throw new IllegalArgumentException("unknown controller " + name);
        }
    }

    private void stopTerm() {
        Term t;
        synchronized (lock) {
            t = term;
            term = null;
        }
        if (t == null) {
            return;
        }
        List<Controller> reversed = new ArrayList<>(t.controllers);
        Collections.reverse(reversed);
        for (Controller c : reversed) {
            try {
                c.close();
            } catch (RuntimeException e) {
                log.warn("Error stopping controller {}: {}", c.name(), e.toString());
            }
        }
        t.informers.close();
        t.context.close();
    }

    @Override
    public void close() {
        CompletableFuture<?> e;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            e = election;
        }
        stopTerm();
        if (e != null) {
            e.cancel(true);
            releaseLease();
        }
        timers.shutdownNow();
    }

    /**
     * Gives the Lease up once our controllers have stopped, so the next holder need not wait for it
     * to expire (client-go's {@code ReleaseOnCancel}, which requires exactly this order).
     */
    private void releaseLease() {
        LeaderElectionSettings le = leaderElection;
        try {
            Lease lease =
                    informerClient.leases().inNamespace(le.namespace()).withName(le.name()).get();
            if (lease == null
                    || lease.getSpec() == null
                    || !le.identity().equals(lease.getSpec().getHolderIdentity())) {
                return;
            }
            Lease released =
                    new LeaseBuilder(lease)
                            .editSpec()
                            .withHolderIdentity(null)
                            .withLeaseDurationSeconds(1)
                            .withRenewTime(ZonedDateTime.now(clock))
                            .endSpec()
                            .build();
            informerClient.leases().inNamespace(le.namespace()).resource(released).update();
            log.info("Released the controller-manager Lease ({})", le.identity());
        } catch (KubernetesClientException ex) {
            log.warn("Could not release the controller-manager Lease: {}", ex.toString());
        }
    }

    /**
     * Leader election on a Lease; durations as kube-controller-manager's defaults (15 s / 10 s / 2
     * s).
     */
    public record LeaderElectionSettings(
            String namespace,
            String name,
            String identity,
            Duration leaseDuration,
            Duration renewDeadline,
            Duration retryPeriod) {

        public static LeaderElectionSettings defaults() {
            return new LeaderElectionSettings(
                    "kube-system",
                    "j8s-controller-manager",
                    hostname() + "_" + UUID.randomUUID(),
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(2));
        }

        private static String hostname() {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                return "j8s";
            }
        }
    }

    /** Builder for {@link ControllerManager}. */
    public static final class Builder {
        private KubernetesClient informerClient;
        private Function<String, KubernetesClient> clients;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry meterRegistry;
        private ControllerSettings settings = ControllerSettings.defaults();
        private Set<String> enabled = new LinkedHashSet<>(ALL);
        private List<ApiResource> resources = ApiResource.DEFAULTS;
        private LeaderElectionSettings leaderElection;
        private Runnable onChange = () -> {};

        private Builder() {}

        /** The client the shared informers list and watch with (required). */
        public Builder informerClient(KubernetesClient v) {
            this.informerClient = Objects.requireNonNull(v, "informerClient");
            return this;
        }

        /**
         * Write clients by identity (see {@link #IDENTITIES}); default: the informer client for
         * all.
         */
        public Builder clients(Function<String, KubernetesClient> v) {
            this.clients = Objects.requireNonNull(v, "clients");
            return this;
        }

        public Builder clock(Clock v) {
            this.clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        public Builder meterRegistry(MeterRegistry v) {
            this.meterRegistry = Objects.requireNonNull(v, "meterRegistry");
            return this;
        }

        public Builder settings(ControllerSettings v) {
            this.settings = Objects.requireNonNull(v, "settings");
            return this;
        }

        /** The controllers to run, by name (see {@link ControllerManager#ALL}); default all. */
        public Builder enabled(Set<String> v) {
            this.enabled = new LinkedHashSet<>(Objects.requireNonNull(v, "enabled"));
            return this;
        }

        /**
         * The kinds the garbage collector and the namespace controller handle; default {@link
         * ApiResource#DEFAULTS}.
         */
        public Builder resources(List<ApiResource> v) {
            this.resources = List.copyOf(v);
            return this;
        }

        /**
         * Called, on any thread, when what {@link ControllerManager#notReadyReason()} or {@link
         * ControllerManager#cached} answer may have changed (election, start, sync, Node changes).
         * Must not block.
         */
        public Builder onChange(Runnable v) {
            this.onChange = Objects.requireNonNull(v, "onChange");
            return this;
        }

        /** Run only while holding this Lease; null (the default) runs at once. */
        public Builder leaderElection(LeaderElectionSettings v) {
            this.leaderElection = v;
            return this;
        }

        public ControllerManager build() {
            return new ControllerManager(this);
        }
    }
}
