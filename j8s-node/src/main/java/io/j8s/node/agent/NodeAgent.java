package io.j8s.node.agent;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.j8s.client.clock.DelayScheduler;
import io.j8s.client.record.EventRecorder;
import io.j8s.client.rest.ApiRequests;
import io.j8s.client.workqueue.ExecutorWorker;
import io.j8s.client.workqueue.ExponentialBackoffRateLimiter;
import io.j8s.client.workqueue.WorkQueue;
import io.j8s.node.ipam.Ipv4Cidr;
import io.j8s.node.ipam.PodIpAllocator;
import io.j8s.node.logs.ContainerLogRegistry;
import io.j8s.node.pod.CrashLoopBackOff;
import io.j8s.node.pod.PodSetup;
import io.j8s.node.pod.PodWorker;
import io.j8s.node.pod.PodWorkerContext;
import io.j8s.node.pod.PodWorkerListener;
import io.j8s.node.pod.PodWorkers;
import io.j8s.node.pod.RuntimeSelector;
import io.j8s.node.probe.ProbeManager;
import io.j8s.node.probe.Prober;
import io.j8s.node.runtime.BuiltinRuntime;
import io.j8s.node.runtime.ContainerView;
import io.j8s.node.runtime.ProcessRuntime;
import io.j8s.node.runtime.ProcessTable;
import io.j8s.node.runtime.SimulatedRuntime;
import io.j8s.node.volume.TokenManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent (the kubelet's job) for one Node, talking to the API server only through a fabric8
 * {@link KubernetesClient}.
 *
 * <p>Lifecycle: {@link #start()} returns at once and, in the background:
 *
 * <ol>
 *   <li>kills processes a previous run of this node left behind (real nodes);
 *   <li>registers the Node (creates it, or updates labels of an existing one) with conditions,
 *       addresses, capacity and node info, retrying until the API server answers;
 *   <li>renews the Lease {@code kube-node-lease/<node>} every {@code leaseRenewInterval} and
 *       recomputes the Node status every {@code nodeStatusUpdateInterval} (written on change, or as
 *       a heartbeat every {@code nodeStatusReportInterval});
 *   <li>waits for {@code spec.podCIDR} (or uses the configured one) — until then the Node is
 *       NotReady, saying why;
 *   <li>follows the Pods with {@code spec.nodeName=<node>} (its own watch, or one the agents of a
 *       process share: {@link PodSource}) and runs a {@link PodWorker} per Pod; writes their status
 *       via the status subresource when it changed, records their Events, and finishes deletions
 *       (DELETE with {@code gracePeriodSeconds: 0} and a UID precondition) once their containers
 *       are stopped.
 * </ol>
 *
 * {@link #ready()} completes when Pods are being run. {@link #close()} stops the watch and the
 * timers and stops every container (SIGTERM, SIGKILL after {@code shutdownGracePeriod}) without
 * releasing Pod IPs, so a restarted agent gives Pods their IPs back and restarts their containers
 * (restart counts continue from the Pod status).
 *
 * <p>Several agents can share one JVM, one {@link NodeAgentResources} and one {@link
 * SharedNodePods}. Informer callbacks only enqueue {@code namespace/name} keys; the work happens on
 * the shared worker pool. Thread-safe.
 */
public final class NodeAgent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);

    /**
     * A Pod sync that throws is retried with back-off this often, then waits for the Pod's next
     * change.
     */
    private static final int POD_SYNC_RETRIES = 5;

    private final KubernetesClient client;
    private final NodeAgentSettings settings;
    private final MeterRegistry registry;
    private final Clock clock;
    private final NodeAgentResources resources;
    private final boolean ownsResources;
    private final String nodeName;
    private final LeaseRenewer lease;
    private final EventRecorder events;
    private final PodStatusWriter statusWriter;
    private final WorkQueue<String> podQueue;
    private final WorkQueue<String> finishQueue;
    private final Map<String, Set<String>> uidsByKey = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    // Written by the start sequence (timer thread), read by others.
    private volatile String nodeUid;
    private volatile String podCidr;
    private volatile PodWorkers workers;
    private final PodSource podSource;
    private volatile PodSource.View pods;
    private volatile SharedIndexInformer<io.fabric8.kubernetes.api.model.Service> serviceInformer;
    private final ApiSources apiSources;
    private volatile io.fabric8.kubernetes.client.Watch nodeWatch;
    private volatile NodeStatus lastReported;
    private volatile Instant lastReportTime = Instant.EPOCH;
    private volatile boolean registered;
    private volatile boolean closed;
    private volatile String notReadyReason = "pod CIDR not assigned yet";
    private final DelayScheduler delays;
    private final List<DelayScheduler.Timer> timers =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** An agent with its own threads (closed with the agent). */
    public NodeAgent(
            KubernetesClient client,
            NodeAgentSettings settings,
            MeterRegistry registry,
            Clock clock) {
        this(client, settings, registry, clock, NodeAgentResources.create(), true, null);
    }

    /** An agent on shared threads (several nodes in one JVM); {@code resources} outlive it. */
    public NodeAgent(
            KubernetesClient client,
            NodeAgentSettings settings,
            MeterRegistry registry,
            Clock clock,
            NodeAgentResources resources) {
        this(client, settings, registry, clock, resources, false, null);
    }

    /**
     * An agent on shared threads that takes its Pods from {@code podSource} (one watch shared by
     * the agents of a process, {@link SharedNodePods}) instead of a watch of its own.
     */
    public NodeAgent(
            KubernetesClient client,
            NodeAgentSettings settings,
            MeterRegistry registry,
            Clock clock,
            NodeAgentResources resources,
            PodSource podSource) {
        this(client, settings, registry, clock, resources, false, podSource);
    }

    private NodeAgent(
            KubernetesClient client,
            NodeAgentSettings settings,
            MeterRegistry registry,
            Clock clock,
            NodeAgentResources resources,
            boolean ownsResources,
            PodSource podSource) {
        this.client = client;
        this.podSource = podSource != null ? podSource : PodSource.ownWatch(client);
        this.settings = settings;
        this.registry = registry;
        this.clock = clock;
        this.resources = resources;
        this.ownsResources = ownsResources;
        this.nodeName = settings.nodeName();
        this.lease = new LeaseRenewer(client, nodeName, settings.leaseDuration(), clock);
        this.events = new EventRecorder(client, "kubelet", nodeName, clock, resources.workers());
        this.statusWriter =
                new PodStatusWriter(
                        client,
                        this::cachedPod,
                        settings.internalIp(),
                        resources.workers(),
                        resources.scheduler(),
                        registry,
                        nodeName);
        // one drain at a time per queue on the shared workers: a key is never synced twice at once
        this.delays = DelayScheduler.of(resources.scheduler());
        this.podQueue =
                new WorkQueue<>(
                        "pod sync " + nodeName,
                        ExponentialBackoffRateLimiter.controllerDefault(),
                        delays,
                        registry);
        new ExecutorWorker<>(
                podQueue,
                resources.workers(),
                POD_SYNC_RETRIES,
                key -> {
                    syncPod(key);
                    return true;
                });
        this.finishQueue =
                new WorkQueue<>(
                        "pod finish " + nodeName, PodStatusWriter.retryBackoff(), delays, registry);
        new ExecutorWorker<>(finishQueue, resources.workers(), Integer.MAX_VALUE, this::finishPod);
        this.apiSources =
                new ApiSources(
                        client,
                        () -> {
                            NodeStatus st = lastReported;
                            return st == null ? null : st.getAllocatable();
                        });
    }

    public String nodeName() {
        return nodeName;
    }

    /**
     * Where this node's container logs are published (serve them with a {@code
     * ContainerLogServer}).
     */
    public ContainerLogRegistry logs() {
        return resources.logs();
    }

    /** Completes once the node has its Pod CIDR and its Pod watch has synced. */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The Pod workers, once the node runs Pods (null before). */
    public PodWorkers podWorkers() {
        return workers;
    }

    /** Begins registration, heartbeats and Pod handling in the background; returns at once. */
    public NodeAgent start() {
        if (settings.runtimeMode() == RuntimeMode.REAL) {
            List<String> killed = processTable().killOrphans();
            if (!killed.isEmpty()) {
                log.info(
                        "node {}: stopped {} containers left running by a previous agent",
                        nodeName,
                        killed.size());
            }
        }
        schedule(this::registerStep, Duration.ZERO, Duration.ofSeconds(1));
        return this;
    }

    // ---- registration, Pod CIDR, heartbeats ----------------------------------------------------

    private void registerStep() {
        if (closed || registered) {
            return;
        }
        try {
            register();
            registered = true;
            log.info("node {}: registered", nodeName);
            schedule(this::renewLease, Duration.ZERO, settings.leaseRenewInterval());
            schedule(
                    this::updateNodeStatus,
                    settings.nodeStatusUpdateInterval(),
                    settings.nodeStatusUpdateInterval());
            if (settings.podCidr() != null) {
                onPodCidr(settings.podCidr());
            } else {
                watchPodCidr();
                schedule(this::pollPodCidr, Duration.ZERO, settings.podCidrPollInterval());
            }
        } catch (KubernetesClientException e) {
            log.warn("node {}: registration failed, retrying: {}", nodeName, e.getMessage());
        }
    }

    private void register() {
        Node desired = NodeObjects.node(settings, settings.podCidr());
        NodeStatus status = NodeObjects.status(settings, readiness(), null, clock.instant());
        desired.setStatus(status);
        Node node;
        try {
            node = client.nodes().resource(desired).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            Map<String, Object> patch =
                    Map.of(
                            "metadata",
                            Map.of(
                                    "labels",
                                    NodeObjects.labels(settings),
                                    "annotations",
                                    settings.annotations()));
            node =
                    client.nodes()
                            .withName(nodeName)
                            .patch(PatchContext.of(PatchType.JSON_MERGE), json(patch));
        }
        nodeUid = node.getMetadata().getUid();
        writeNodeStatus(node.getStatus(), true);
    }

    /**
     * Takes the Pod CIDR the moment node IPAM writes it, from a watch of this Node; the poll stays
     * as the fallback (a watch that ends, a Node deleted and registered again).
     */
    private void watchPodCidr() {
        try {
            nodeWatch =
                    client.nodes()
                            .withName(nodeName)
                            .watch(
                                    new io.fabric8.kubernetes.client.Watcher<Node>() {
                                        @Override
                                        public void eventReceived(Action action, Node node) {
                                            String cidr =
                                                    node == null || node.getSpec() == null
                                                            ? null
                                                            : node.getSpec().getPodCIDR();
                                            if (cidr != null
                                                    && !cidr.isEmpty()
                                                    && podCidr == null) {
                                                resources
                                                        .heartbeats()
                                                        .execute(() -> onPodCidr(cidr));
                                            }
                                        }

                                        @Override
                                        public void onClose(
                                                io.fabric8.kubernetes.client.WatcherException
                                                        cause) {
                                            // the poll goes on
                                        }
                                    });
        } catch (KubernetesClientException e) {
            log.warn(
                    "node {}: watching the Node failed, polling for the pod CIDR: {}",
                    nodeName,
                    e.getMessage());
        }
    }

    private void stopNodeWatch() {
        io.fabric8.kubernetes.client.Watch w = nodeWatch;
        if (w != null) {
            nodeWatch = null;
            w.close();
        }
    }

    private void pollPodCidr() {
        if (closed || podCidr != null) {
            return;
        }
        try {
            Node node = client.nodes().withName(nodeName).get();
            if (node == null) {
                log.warn("node {}: the Node object is gone; registering again", nodeName);
                register();
                return;
            }
            String cidr = node.getSpec() == null ? null : node.getSpec().getPodCIDR();
            if (cidr != null && !cidr.isEmpty()) {
                onPodCidr(cidr);
            }
        } catch (KubernetesClientException e) {
            log.warn("node {}: reading the Node failed: {}", nodeName, e.getMessage());
        }
    }

    private synchronized void onPodCidr(String cidr) {
        if (podCidr != null || closed) {
            return;
        }
        Ipv4Cidr parsed;
        try {
            parsed = Ipv4Cidr.parse(cidr);
        } catch (IllegalArgumentException e) {
            notReadyReason = "pod CIDR " + cidr + " is unusable: " + e.getMessage();
            log.error("node {}: {}", nodeName, notReadyReason);
            return;
        }
        PodIpAllocator ipam =
                new PodIpAllocator(
                        parsed,
                        settings.stateDir() == null
                                ? null
                                : settings.stateDir().resolve("pod-ips"));
        PodWorkers w = new PodWorkers(workerContext(ipam));
        statusWriter.attach(w);
        workers = w;
        podCidr = cidr;
        log.info("node {}: pod CIDR {}", nodeName, cidr);
        resources.heartbeats().execute(this::stopNodeWatch);
        startPodInformer();
        resources.heartbeats().execute(this::updateNodeStatus);
    }

    private PodWorkerContext workerContext(PodIpAllocator ipam) {
        RuntimeSelector runtimes;
        ProbeManager probes = null;
        if (settings.runtimeMode() == RuntimeMode.SIMULATED) {
            runtimes = RuntimeSelector.all(new SimulatedRuntime(clock));
        } else {
            runtimes =
                    RuntimeSelector.real(
                            new ProcessRuntime(
                                    clock, delays, processTable(), resources.processes()),
                            new BuiltinRuntime(resources.eventLoops(), clock));
            probes =
                    new ProbeManager(
                            resources.scheduler(),
                            new Prober(resources.blocking()),
                            clock,
                            registry,
                            nodeName);
        }
        PodWorkerListener listener =
                new PodWorkerListener() {
                    @Override
                    public void statusChanged(PodWorker worker) {
                        statusWriter.enqueue(worker.uid());
                    }

                    @Override
                    public void terminated(PodWorker worker) {
                        finishQueue.add(worker.uid());
                    }
                };
        PodSetup setup = PodSetup.NONE;
        if (settings.runtimeMode() == RuntimeMode.REAL) {
            boolean namespaced =
                    settings.mountNamespaces() == null
                            ? ContainerView.mountNamespacesAvailable()
                            : settings.mountNamespaces()
                                    && ContainerView.mountNamespacesAvailable();
            setup =
                    new PodSetup(
                            settings.stateDir().resolve("pods"),
                            apiSources,
                            new TokenManager(apiSources, clock),
                            settings.clusterDns(),
                            settings.clusterDomain(),
                            settings.hostResolvConf(),
                            settings.volumeSyncPeriod(),
                            namespaced,
                            client.getMasterUrl().toString(),
                            clock);
        }
        return new PodWorkerContext(
                nodeName,
                settings.internalIp(),
                clock,
                resources.workers(),
                resources.scheduler(),
                runtimes,
                ipam,
                probes,
                settings.recordEvents() ? events::eventOnField : io.j8s.node.pod.PodEventSink.NONE,
                listener,
                resources.logs(),
                new CrashLoopBackOff(settings.backOffInitial(), settings.backOffMax()),
                settings.logCapacityBytes(),
                settings.maxPods(),
                registry,
                setup,
                delays);
    }

    private ProcessTable processTable;

    private synchronized ProcessTable processTable() {
        if (processTable == null) {
            processTable = new ProcessTable(settings.stateDir().resolve("processes"));
        }
        return processTable;
    }

    private void renewLease() {
        if (!closed) {
            lease.renew(nodeUid);
        }
    }

    private NodeObjects.Readiness readiness() {
        if (podCidr == null) {
            return new NodeObjects.Readiness(
                    false,
                    "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:"
                            + notReadyReason);
        }
        if (settings.stateDir() != null && !stateDirWritable()) {
            return new NodeObjects.Readiness(
                    false, "state directory " + settings.stateDir() + " is not writable");
        }
        return new NodeObjects.Readiness(true, null);
    }

    private boolean stateDirWritable() {
        Path dir = settings.stateDir();
        try {
            Files.createDirectories(dir);
            return Files.isWritable(dir);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private void updateNodeStatus() {
        if (closed || !registered) {
            return;
        }
        try {
            writeNodeStatus(lastReported, false);
        } catch (KubernetesClientException e) {
            log.warn("node {}: updating Node status failed: {}", nodeName, e.getMessage());
        }
    }

    private synchronized void writeNodeStatus(NodeStatus old, boolean force) {
        Instant now = clock.instant();
        NodeStatus next = NodeObjects.status(settings, readiness(), old, now);
        boolean changed = NodeObjects.materiallyDifferent(next, lastReported);
        boolean due =
                Duration.between(lastReportTime, now).compareTo(settings.nodeStatusReportInterval())
                        >= 0;
        if (!force && !changed && !due) {
            return;
        }
        ApiRequests.mergePatch(
                client,
                ApiRequests.path("/api/v1", null, "nodes", nodeName, "status"),
                json(Map.of("status", next)));
        lastReported = next;
        lastReportTime = now;
        if (changed) {
            log.info("node {}: status reported, Ready={}", nodeName, readiness().ready());
        }
    }

    // ---- Pods -----------------------------------------------------------------------------------

    /**
     * Real nodes first sync a Service informer (all namespaces), as the kubelet waits for its
     * Service lister: the Service variables of a container are those of the Services that exist
     * when it starts.
     */
    private void startPodInformer() {
        if (settings.runtimeMode() != RuntimeMode.REAL) {
            startPodWatch();
            return;
        }
        SharedIndexInformer<io.fabric8.kubernetes.api.model.Service> svc =
                client.services().inAnyNamespace().runnableInformer(0);
        serviceInformer = svc;
        apiSources.services(svc);
        svc.start()
                .whenComplete(
                        (v, e) -> {
                            if (e != null) {
                                log.warn(
                                        "node {}: the Service watch failed to start; containers get no Service variables: {}",
                                        nodeName,
                                        e.toString());
                            }
                            if (!closed) {
                                startPodWatch();
                            }
                        });
    }

    private void startPodWatch() {
        PodSource.View view = podSource.follow(nodeName, podQueue::add);
        pods = view;
        view.synced()
                .whenComplete(
                        (v, e) -> {
                            if (e != null) {
                                log.error("node {}: the Pod watch failed to start", nodeName, e);
                                ready.completeExceptionally(e);
                            } else {
                                log.info("node {}: watching its Pods", nodeName);
                                ready.complete(null);
                                resources.workers().execute(this::removeOrphanPodDirs);
                            }
                        });
    }

    /**
     * Deletes the directories of Pods this node no longer has (deleted while the agent was down);
     * those of Pods still in the cache are kept, their workers take them up again.
     */
    private void removeOrphanPodDirs() {
        PodSource.View view = pods;
        if (settings.runtimeMode() != RuntimeMode.REAL || view == null) {
            return;
        }
        Path podsDir = settings.stateDir().resolve("pods");
        if (!Files.isDirectory(podsDir)) {
            return;
        }
        Set<String> known = new java.util.HashSet<>();
        view.list().forEach(p -> known.add(p.getMetadata().getUid()));
        try (var dirs = Files.list(podsDir)) {
            for (Path d : dirs.toList()) {
                String uid = d.getFileName().toString();
                if (!known.contains(uid)) {
                    io.j8s.node.volume.AtomicWriter.deleteTree(d);
                    log.info(
                            "node {}: removed the directory of pod {}, which is gone",
                            nodeName,
                            uid);
                }
            }
        } catch (java.io.IOException e) {
            log.warn("node {}: cleaning {} failed: {}", nodeName, podsDir, e.toString());
        }
    }

    private Pod cachedPod(String key) {
        PodSource.View view = pods;
        return view == null ? null : view.get(key);
    }

    /** Level-triggered: make the workers match the cache's Pod for {@code namespace/name}. */
    private void syncPod(String key) {
        PodWorkers w = workers;
        if (w == null || closed) {
            return;
        }
        Pod pod = cachedPod(key);
        String uid = pod == null ? null : pod.getMetadata().getUid();
        for (String other : List.copyOf(uidsByKey.getOrDefault(key, Set.of()))) {
            if (!other.equals(uid)) {
                w.remove(other); // deleted, or replaced by a Pod of the same name
                forgetIfDone(key, other);
            }
        }
        if (pod != null) {
            uidsByKey.compute(
                    key,
                    (k, uids) -> {
                        Set<String> set = uids != null ? uids : ConcurrentHashMap.newKeySet();
                        set.add(uid);
                        return set;
                    });
            w.update(pod);
        }
    }

    private void forgetIfDone(String key, String uid) {
        PodWorkers w = workers;
        PodWorker worker = w.get(uid).orElse(null);
        if (worker == null
                || worker.terminationDone()
                || (worker.snapshot() != null && worker.snapshot().rejection() != null)) {
            w.forget(uid);
            statusWriter.forget(uid);
            uidsByKey.computeIfPresent(
                    key,
                    (k, uids) -> {
                        uids.remove(uid);
                        return uids.isEmpty() ? null : uids;
                    });
        }
    }

    /** A worker stopped its Pod's containers: write the final status, then finish the deletion. */
    private boolean finishPod(String uid) {
        PodWorkers w = workers;
        PodWorker worker = w == null ? null : w.get(uid).orElse(null);
        if (worker == null || closed) {
            return true;
        }
        Pod pod = cachedPod(worker.key());
        if (pod == null || !uid.equals(pod.getMetadata().getUid())) {
            forgetIfDone(worker.key(), uid); // already gone from the API
            return true;
        }
        statusWriter.sync(uid);
        if (deleteWithUidPrecondition(worker.namespace(), worker.name(), uid)) {
            log.info("pod {}: deletion finished", worker.key());
            return true;
        }
        return false; // retried with the queue's back-off
    }

    /**
     * DELETE with {@code gracePeriodSeconds: 0} and {@code preconditions.uid}, as the kubelet does.
     */
    private boolean deleteWithUidPrecondition(String namespace, String name, String uid) {
        String url =
                client.getMasterUrl().toString().replaceAll("/+$", "")
                        + "/api/v1/namespaces/"
                        + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
                        + "/pods/"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8);
        String body =
                "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0,\"preconditions\":{\"uid\":\""
                        + uid
                        + "\"}}";
        HttpClient http = client.getHttpClient();
        HttpRequest req =
                http.newHttpRequestBuilder().uri(url).delete("application/json", body).build();
        try {
            HttpResponse<String> res = http.sendAsync(req, String.class).get(30, TimeUnit.SECONDS);
            if (res.isSuccessful() || res.code() == 404 || res.code() == 409) {
                return true; // 404: already gone; 409: a different Pod now has the name
            }
            log.warn(
                    "pod {}/{}: final delete answered {}: {}",
                    namespace,
                    name,
                    res.code(),
                    res.body());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            log.warn("pod {}/{}: final delete failed: {}", namespace, name, e.toString());
            return false;
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------

    /**
     * Runs {@code task} on the shared heartbeat threads every {@code period} after {@code
     * initialDelay}; the timer thread only fires it. A tick that finds the previous run still going
     * is skipped, so one task never runs twice at once.
     */
    private void schedule(Runnable task, Duration initialDelay, Duration period) {
        java.util.concurrent.atomic.AtomicBoolean running =
                new java.util.concurrent.atomic.AtomicBoolean();
        Runnable safe =
                () -> {
                    try {
                        if (!closed) {
                            task.run();
                        }
                    } catch (RuntimeException e) {
                        log.error("node {}: periodic task failed", nodeName, e);
                    } finally {
                        running.set(false);
                    }
                };
        Runnable tick =
                () -> {
                    if (running.compareAndSet(false, true)) {
                        try {
                            resources.heartbeats().execute(safe);
                        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
                            running.set(false);
                        }
                    }
                };
        Duration atLeast = Duration.ofMillis(1);
        timers.add(
                delays.scheduleWithFixedDelay(
                        initialDelay, period.compareTo(atLeast) < 0 ? atLeast : period, tick));
    }

    private String json(Object o) {
        return client.getKubernetesSerialization().asJson(o);
    }

    /**
     * Stops the Pod watch and the timers and stops every container. Pod IPs stay allocated and Pods
     * are not deleted: a restarted agent takes them up again.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        podQueue.shutDown();
        finishQueue.shutDown();
        timers.forEach(DelayScheduler.Timer::cancel);
        stopNodeWatch();
        PodSource.View view = pods;
        if (view != null) {
            view.close();
        }
        var svc = serviceInformer;
        if (svc != null) {
            svc.stop();
        }
        PodWorkers w = workers;
        if (w != null) {
            w.stopAll(
                    settings.shutdownGracePeriod(), settings.shutdownGracePeriod().plusSeconds(5));
        }
        statusWriter.close(); // after the workers' last status changes were queued
        if (ownsResources) {
            resources.close();
        }
        ready.completeExceptionally(
                new IllegalStateException("node agent " + nodeName + " closed"));
        log.info("node {}: agent stopped", nodeName);
    }
}
