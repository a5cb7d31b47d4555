package io.j8s.server.testhost;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Loggable;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.j8s.api.json.Json;
import io.j8s.server.J8sServer;
import io.j8s.server.ServerArgs;
import io.j8s.server.ServerOptions;
import io.j8s.server.pki.Identity;
import io.j8s.server.pki.TestPkiCache;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The cluster host of j8s-junit (docs/junit.md, docs/architecture.md "j8s-junit"): a JVM started by
 * a test JVM that runs j8s clusters in-process and answers requests on its stdin/stdout, one JSON
 * object per line. Requests carry an {@code id} and an {@code op}; every answer carries the same
 * {@code id} and either {@code "ok":true} with the result's fields or {@code "ok":false} with an
 * {@code error} message. Requests run concurrently, each bounded by its {@code timeoutMs}. The host
 * exits when its stdin closes, after stopping every cluster and deleting its data dir. Its logs go
 * to stderr, which the test JVM sends to a file: stdout carries the protocol only.
 *
 * <p>Operations: {@code start {args, timeoutMs, prefetch?}} (flags of {@code j8s server}) → {@code
 * {cluster, kubeconfig, kubeconfigPath, url, startMillis, prefetched}} (with {@code prefetch}, the
 * host then starts the next cluster of these flags in the background); {@code stop {cluster}};
 * {@code apply {cluster, yaml}} → {@code {results}}; {@code awaitDeployment {cluster, namespace,
 * name, timeoutMs}}; {@code awaitEndpoints {cluster, namespace, name, count, timeoutMs}} → {@code
 * {addresses}}; {@code logs {cluster, namespace, pod, container?}} → {@code {text}}; {@code
 * serviceAddress {cluster, namespace, name, port}} → {@code {host, port}}.
 */
public final class ClusterHost {
    private static final Logger log = LoggerFactory.getLogger(ClusterHost.class);

    /** Longest request line (an applied YAML travels in one). */
    static final int MAX_LINE_BYTES = 32 << 20;

    /** Requests running at once; more are answered with an error. */
    static final int MAX_IN_FLIGHT = 64;

    /** Longest wait a request may ask for. */
    static final long MAX_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(10);

    static final long DEFAULT_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(60);

    /** Most bytes of a Pod's log returned. */
    static final int MAX_LOG_BYTES = 4 << 20;

    /** Clusters at once in one host (each gets its own address ranges: {@link #hostRanges}). */
    static final int MAX_CLUSTERS = 40;

    private final Path dir;
    private final Path cache;
    private final PrintStream protocol;
    private final Map<String, Cluster> clusters = new ConcurrentHashMap<>();
    private final AtomicInteger sequence = new AtomicInteger();
    private final BitSet slots = new BitSet();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ExecutorService workers =
            Executors.newCachedThreadPool(
                    r -> {
                        Thread t = new Thread(r, "j8s-host-request");
                        t.setDaemon(true);
                        return t;
                    });
    private volatile boolean stopping;

    /**
     * Flags whose clusters are never prefetched: a cluster on a store the test runs (etcd: a second
     * cluster on the same prefix would join the first), or with addresses or a data dir the test
     * chose (only one cluster can hold them).
     */
    static final List<String> NOT_PREFETCHED_FLAGS =
            List.of(
                    "--etcd-endpoints",
                    "--etcd-prefix",
                    "--secure-port",
                    "--kubelet-port",
                    "--service-cluster-ip-range",
                    "--cluster-cidr",
                    "--data-dir");

    /**
     * The cluster prefetched for the next {@code start} with its flags (docs/junit.md, "Prefetched
     * clusters"): at most one at a time, guarded by {@code this}.
     */
    private Spare spare;

    /**
     * A cluster started ahead of its {@code start} request: prefetched, or ({@code launch}) the one
     * the test JVM's first {@code start()} asked for when it launched this host ({@link
     * #START_ARG}), which its answer does not count as prefetched.
     */
    private record Spare(List<String> args, CompletableFuture<Cluster> cluster, boolean launch) {}

    private record Cluster(String id, int slot, Path dir, J8sServer server, long startMillis) {
        KubernetesClient client() {
            return server.client(Identity.admin());
        }
    }

    ClusterHost(Path dir, PrintStream protocol) {
        this(dir, dir.resolve("cache"), protocol);
    }

    /**
     * @param cache where material shared by every host of the machine lives (the test PKI: {@link
     *     TestPkiCache}); the test side passes {@code ~/.cache/j8s}
     */
    ClusterHost(Path dir, Path cache, PrintStream protocol) {
        this.dir = dir;
        this.cache = cache;
        this.protocol = protocol;
    }

    /**
     * The flag naming one flag of the cluster to start at launch for the test JVM's first {@code
     * start()}, which launched this host (repeated, in order; read without JSON so the cluster's
     * start need not wait for the JSON mapper).
     */
    static final String START_ARG = "--start-arg=";

    /**
     * As {@link #START_ARG}, for a cluster prefetched at launch (j8s-junit's {@code HostPrestart},
     * for a first {@code start()} that may come).
     */
    static final String PREFETCH_ARG = "--prefetch-arg=";

    /** Runs the host ({@link HostMain} is the JVM's entry point, which calls this). */
    public static void main(String[] args) throws IOException {
        // stdout is the protocol's: anything else printing goes to stderr (the host's log file)
        PrintStream protocol =
                new PrintStream(
                        new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        Path dir = null;
        Path cache = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--dir") && i + 1 < args.length) {
                dir = Path.of(args[++i]);
            } else if (args[i].startsWith("--dir=")) {
                dir = Path.of(args[i].substring("--dir=".length()));
            } else if (args[i].equals("--cache") && i + 1 < args.length) {
                cache = Path.of(args[++i]);
            } else if (args[i].startsWith("--cache=")) {
                cache = Path.of(args[i].substring("--cache=".length()));
            }
        }
        List<String> first = HostMain.values(args, START_ARG);
        List<String> prefetch = HostMain.values(args, PREFETCH_ARG);
        if (dir == null) {
            dir = Files.createTempDirectory("j8s-host-");
        }
        Files.createDirectories(dir);
        ClusterHost host =
                new ClusterHost(dir, cache == null ? dir.resolve("cache") : cache, protocol);
        SqliteNative.useCached(host.cache);
        Runtime.getRuntime().addShutdownHook(new Thread(host::stopAll, "j8s-host-shutdown"));
        if (first != null) {
            host.startAhead(List.copyOf(first), true);
        } else if (prefetch != null) {
            // asked by the test run's opening (j8s-junit's HostPrestart), before any request
            host.prefetch(List.copyOf(prefetch));
        }
        host.serve(new BufferedInputStream(System.in));
        host.stopAll();
        System.exit(0);
    }

    /** Answers requests from {@code in} until it ends. */
    void serve(InputStream in) throws IOException {
        ObjectNode hello = Json.object();
        hello.put("event", "ready");
        hello.put("pid", ProcessHandle.current().pid());
        hello.put("dir", dir.toString());
        send(hello);
        log.atInfo().addKeyValue("dir", dir).log("cluster host ready");
        while (true) {
            byte[] line;
            try {
                line = readLine(in);
            } catch (LineTooLongException e) {
                send(error(-1, e.getMessage()));
                continue;
            }
            if (line == null) {
                log.atInfo().log("stdin closed: stopping");
                return;
            }
            if (line.length == 0) {
                continue;
            }
            dispatch(line);
        }
    }

    private void dispatch(byte[] line) {
        ObjectNode request;
        try {
            request = Json.parseObject(line);
        } catch (RuntimeException e) {
            send(error(-1, "not a JSON object: " + e.getMessage()));
            return;
        }
        long id = request.path("id").asLong(-1);
        if (!inFlight.tryAcquire()) {
            send(error(id, "more than " + MAX_IN_FLIGHT + " requests in flight"));
            return;
        }
        workers.execute(
                () -> {
                    try {
                        ObjectNode answer = handle(request);
                        answer.put("id", id);
                        answer.put("ok", true);
                        send(answer);
                    } catch (Exception e) {
                        if (e instanceof InterruptedException) {
                            Thread.currentThread().interrupt();
                        }
                        log.atWarn()
                                .addKeyValue("op", request.path("op").asString())
                                .setCause(e)
                                .log("request failed");
                        send(error(id, message(e)));
                    } finally {
                        inFlight.release();
                    }
                });
    }

    ObjectNode handle(ObjectNode request) throws Exception {
        String op = request.path("op").asString();
        return switch (op) {
            case "start" -> start(request);
            case "stop" -> stop(request);
            case "apply" -> apply(request);
            case "awaitDeployment" -> awaitDeployment(request);
            case "awaitEndpoints" -> awaitEndpoints(request);
            case "logs" -> logs(request);
            case "serviceAddress" -> serviceAddress(request);
            case "ping" -> Json.object();
            default -> throw new IllegalArgumentException("unknown op '" + op + "'");
        };
    }

    private ObjectNode start(ObjectNode request) throws Exception {
        if (stopping) {
            throw new IllegalStateException("the cluster host is stopping");
        }
        long begin = System.nanoTime();
        long timeoutMs = timeoutMs(request);
        List<String> given = args(request);
        Spare taken = takeSpare(given);
        Cluster cluster = taken == null ? null : ready(taken, timeoutMs);
        boolean prefetched = cluster != null && !taken.launch();
        if (cluster == null) {
            cluster = startCluster(given, timeoutMs);
        }
        if (request.path("prefetch").asBoolean(false)) {
            prefetch(given);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        J8sServer server = cluster.server();
        log.atInfo()
                .addKeyValue("cluster", cluster.id())
                .addKeyValue("url", server.apiUrl())
                .addKeyValue("ms", millis)
                .addKeyValue("prefetched", prefetched)
                .addKeyValue("startedInMs", cluster.startMillis())
                .log("cluster handed to the test");
        ObjectNode answer = Json.object();
        answer.put("cluster", cluster.id());
        answer.put("url", server.apiUrl());
        answer.put("kubeconfigPath", server.kubeconfig().toString());
        answer.put("kubeconfig", Files.readString(server.kubeconfig()));
        answer.put("startMillis", millis);
        answer.put("prefetched", prefetched);
        return answer;
    }

    private static List<String> args(ObjectNode request) {
        List<String> given = new ArrayList<>();
        for (JsonNode arg : request.path("args")) {
            given.add(arg.asString());
        }
        return List.copyOf(given);
    }

    /** Starts a cluster from {@code j8s server} flags and waits until it is ready. */
    private Cluster startCluster(List<String> given, long timeoutMs) throws Exception {
        int slot = takeSlot();
        String id = "c" + sequence.incrementAndGet();
        Path clusterDir = dir.resolve(id);
        J8sServer server = null;
        try {
            List<String> args = new ArrayList<>(given);
            args.add("--data-dir=" + clusterDir.resolve("data"));
            args.addAll(hostRanges(given, slot));
            args.addAll(testMode(given));
            ServerOptions options;
            try {
                options = ServerArgs.parse(args);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "bad server arguments " + given + ": " + e.getMessage(), e);
            }
            long begin = System.nanoTime();
            log.atInfo()
                    .addKeyValue("cluster", id)
                    .addKeyValue("args", args)
                    .log("starting a cluster");
            // no CA and no RSA key generated per cluster (docs/architecture.md, "Start-up")
            TestPkiCache.adoptInto(cache, options.dataDir(), Clock.systemUTC());
            server = J8sServer.start(options);
            long remaining = timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            Map<String, String> notReady =
                    server.awaitReady(Duration.ofMillis(Math.max(remaining, 1)));
            if (!notReady.isEmpty()) {
                throw new IllegalStateException(
                        "the cluster is not ready after " + timeoutMs + " ms: " + notReady);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
            Cluster cluster = new Cluster(id, slot, clusterDir, server, millis);
            clusters.put(id, cluster);
            if (stopping) { // raced with shutdown: the shutdown may have missed it
                stop(cluster);
                throw new IllegalStateException("the cluster host is stopping");
            }
            log.atInfo()
                    .addKeyValue("cluster", id)
                    .addKeyValue("url", server.apiUrl())
                    .addKeyValue("ms", millis)
                    .log("cluster ready");
            return cluster;
        } catch (Exception | Error e) {
            if (server != null) {
                server.close();
            }
            deleteTree(clusterDir);
            releaseSlot(slot);
            throw e;
        }
    }

    /** Whether clusters of these flags may be prefetched ({@link #NOT_PREFETCHED_FLAGS}). */
    static boolean prefetchable(List<String> given) {
        for (int i = 0; i < given.size(); i++) {
            String arg = given.get(i);
            boolean etcd =
                    arg.equals("--store=etcd")
                            || (arg.equals("--store")
                                    && i + 1 < given.size()
                                    && given.get(i + 1).equals("etcd"));
            if (etcd) {
                return false;
            }
        }
        return NOT_PREFETCHED_FLAGS.stream().noneMatch(flag -> hasFlag(given, flag));
    }

    /**
     * Starts a cluster of {@code given} flags in the background for the next {@code start} with
     * them, unless one is already prefetched for them; a cluster prefetched for other flags is
     * stopped (tests of a run mostly ask for the same options again). Returns whether one is
     * prefetched for these flags now.
     */
    private boolean prefetch(List<String> given) {
        return startAhead(given, false);
    }

    /**
     * Starts a cluster of {@code given} flags before any request, for the first {@code start} with
     * them ({@code launch}: the one the host was launched for) or as a prefetch; see {@link
     * #prefetch}.
     */
    private boolean startAhead(List<String> given, boolean launch) {
        if (!prefetchable(given)) {
            return false;
        }
        Spare replaced;
        CompletableFuture<Cluster> future = new CompletableFuture<>();
        synchronized (this) {
            if (stopping) {
                return false;
            }
            if (spare != null && spare.args().equals(given)) {
                return true;
            }
            replaced = spare;
            spare = new Spare(given, future, launch);
        }
        discard(replaced);
        log.atInfo()
                .addKeyValue("args", given)
                .log(
                        launch
                                ? "starting the cluster the host was launched for"
                                : "prefetching a cluster");
        workers.execute(
                () -> {
                    try {
                        future.complete(startCluster(given, MAX_TIMEOUT_MS));
                    } catch (Exception | Error e) {
                        if (e instanceof InterruptedException) {
                            Thread.currentThread().interrupt();
                        }
                        if (stopping) {
                            log.atInfo().log("the host stopped while it started a cluster ahead");
                        } else {
                            log.atWarn()
                                    .addKeyValue("args", given)
                                    .setCause(e)
                                    .log(
                                            launch
                                                    ? "starting the cluster the host was launched"
                                                            + " for failed (the request starts it"
                                                            + " again)"
                                                    : "prefetching a cluster failed");
                        }
                        future.completeExceptionally(e);
                    }
                });
        return true;
    }

    /** The cluster started ahead for {@code given}, taken from the host, or null. */
    private synchronized Spare takeSpare(List<String> given) {
        if (spare == null || !spare.args().equals(given)) {
            return null;
        }
        Spare taken = spare;
        spare = null;
        return taken;
    }

    /**
     * The cluster started ahead, once it is ready (waiting at most {@code timeoutMs}), or null when
     * its start failed (the caller starts one itself).
     */
    private Cluster ready(Spare taken, long timeoutMs) throws Exception {
        try {
            return taken.cluster().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException failed) {
            return null; // logged where it failed; a fresh start reports its own error
        } catch (java.util.concurrent.TimeoutException e) {
            discard(taken);
            throw new IllegalStateException(
                    "the cluster is not ready after "
                            + timeoutMs
                            + " ms (its start began before the request)");
        }
    }

    /** Stops a prefetched cluster once its start ends. */
    private void discard(Spare unused) {
        if (unused != null) {
            unused.cluster().thenAccept(this::stop);
        }
    }

    /**
     * Ports for the cluster in {@code slot}, unless the arguments give them: an API port and a
     * kubelet port the system picks. The Pod and Service ranges (and so the cluster DNS address)
     * are not given: the server claims free ones in the host's range registry, so clusters of
     * several hosts (test forks) and a developer's {@code j8s server} never collide
     * (docs/architecture.md, "Many clusters on one host").
     */
    static List<String> hostRanges(List<String> given, int slot) {
        List<String> extra = new ArrayList<>();
        if (!hasFlag(given, "--secure-port")) {
            extra.add("--secure-port=0");
        }
        if (!hasFlag(given, "--kubelet-port")) {
            extra.add("--kubelet-port=0");
        }
        return extra;
    }

    /**
     * Test-mode flags unless the arguments give them: sqlite without fsync ({@code
     * --store-fsync=false}; a throw-away cluster need not survive a machine crash), and on sqlite
     * no leader election ({@code --leader-elect=false}: no other server can share a sqlite store,
     * so the controllers start at once instead of after a first Lease round; docs/junit.md).
     */
    static List<String> testMode(List<String> given) {
        List<String> extra = new ArrayList<>();
        if (!hasFlag(given, "--store-fsync")) {
            extra.add("--store-fsync=false");
        }
        boolean etcd = hasFlag(given, "--etcd-endpoints");
        for (int i = 0; i < given.size(); i++) {
            String a = given.get(i);
            etcd |=
                    a.equalsIgnoreCase("--store=etcd")
                            || (a.equals("--store")
                                    && i + 1 < given.size()
                                    && given.get(i + 1).equalsIgnoreCase("etcd"));
        }
        if (!etcd && !hasFlag(given, "--leader-elect")) {
            extra.add("--leader-elect=false");
        }
        return extra;
    }

    private static boolean hasFlag(List<String> args, String flag) {
        return args.stream().anyMatch(a -> a.equals(flag) || a.startsWith(flag + "="));
    }

    private synchronized int takeSlot() {
        int slot = slots.nextClearBit(0);
        if (slot >= MAX_CLUSTERS) {
            throw new IllegalStateException(
                    "this host already runs " + MAX_CLUSTERS + " clusters; stop some first");
        }
        slots.set(slot);
        return slot;
    }

    private synchronized void releaseSlot(int slot) {
        slots.clear(slot);
    }

    private ObjectNode stop(ObjectNode request) {
        String id = request.path("cluster").asString();
        Cluster cluster = clusters.get(id);
        if (cluster == null) {
            throw new IllegalArgumentException(
                    "no cluster '" + id + "' in this host (already stopped?)");
        }
        stop(cluster);
        return Json.object();
    }

    private void stop(Cluster cluster) {
        if (clusters.remove(cluster.id()) == null) {
            return;
        }
        long begin = System.nanoTime();
        try {
            cluster.server().close();
        } finally {
            deleteTree(cluster.dir());
            releaseSlot(cluster.slot());
        }
        log.atInfo()
                .addKeyValue("cluster", cluster.id())
                .addKeyValue("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin))
                .log("cluster stopped");
    }

    /** Stops every cluster (stdin closed, or the JVM is stopping). */
    void stopAll() {
        stopping = true;
        Spare unused;
        synchronized (this) {
            unused = spare;
            spare = null;
        }
        if (unused != null) {
            // a prefetched cluster still starting is stopped once it is up (bounded)
            try {
                stop(unused.cluster().get(30, TimeUnit.SECONDS));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.atDebug().setCause(e).log("the prefetched cluster did not start");
            }
        }
        for (Cluster cluster : List.copyOf(clusters.values())) {
            try {
                stop(cluster);
            } catch (RuntimeException e) {
                log.atWarn()
                        .addKeyValue("cluster", cluster.id())
                        .setCause(e)
                        .log("stopping a cluster failed");
            }
        }
        workers.shutdownNow();
    }

    /**
     * Creates each object of a YAML stream, or merge-patches it when it exists ({@code kubectl
     * apply}'s effect).
     */
    private ObjectNode apply(ObjectNode request) {
        Cluster cluster = cluster(request);
        String yaml = request.path("yaml").asString();
        KubernetesClient client = cluster.client();
        ArrayNode results = Json.array();
        for (JsonNode doc : Json.readYamlDocuments(yaml)) {
            if (doc == null
                    || doc.isNull()
                    || doc.isMissingNode()
                    || (doc.isObject() && doc.isEmpty())) {
                continue;
            }
            String apiVersion = doc.path("apiVersion").asString("");
            String kind = doc.path("kind").asString("");
            String name = doc.path("metadata").path("name").asString("");
            if (apiVersion.isEmpty() || kind.isEmpty() || name.isEmpty()) {
                throw new IllegalArgumentException(
                        "every document needs apiVersion, kind and metadata.name; got "
                                + abbreviate(Json.write(doc)));
            }
            String namespace = doc.path("metadata").path("namespace").asString("default");
            String json = Json.write(doc);
            GenericKubernetesResource resource =
                    client.getKubernetesSerialization()
                            .unmarshal(json, GenericKubernetesResource.class);
            var op = client.genericKubernetesResources(apiVersion, kind);
            var target = op.inNamespace(namespace).resource(resource);
            String what = kind.toLowerCase(java.util.Locale.ROOT) + "/" + name;
            try {
                target.create();
                results.add(what + " created");
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                op.inNamespace(namespace)
                        .withName(name)
                        .patch(PatchContext.of(PatchType.JSON_MERGE), json);
                results.add(what + " configured");
            }
        }
        ObjectNode answer = Json.object();
        answer.set("results", results);
        return answer;
    }

    private ObjectNode awaitDeployment(ObjectNode request) throws InterruptedException {
        Cluster cluster = cluster(request);
        String namespace = request.path("namespace").asString("default");
        String name = required(request, "name");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs(request));
        String last;
        while (true) {
            Deployment d =
                    cluster.client()
                            .apps()
                            .deployments()
                            .inNamespace(namespace)
                            .withName(name)
                            .get();
            if (d == null) {
                last = "it does not exist";
            } else {
                int wanted = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                DeploymentStatus s = d.getStatus();
                int available =
                        s == null || s.getAvailableReplicas() == null
                                ? 0
                                : s.getAvailableReplicas();
                int updated =
                        s == null || s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas();
                long observed =
                        s == null || s.getObservedGeneration() == null
                                ? 0
                                : s.getObservedGeneration();
                boolean availableCondition =
                        s != null
                                && s.getConditions() != null
                                && s.getConditions().stream()
                                        .anyMatch(
                                                c ->
                                                        c.getType().equals("Available")
                                                                && c.getStatus().equals("True"));
                if (observed >= d.getMetadata().getGeneration()
                        && available == wanted
                        && updated == wanted
                        && availableCondition) {
                    ObjectNode answer = Json.object();
                    answer.put("availableReplicas", available);
                    return answer;
                }
                last =
                        available
                                + "/"
                                + wanted
                                + " replicas available, "
                                + updated
                                + " updated, conditions "
                                + (s == null || s.getConditions() == null
                                        ? "[]"
                                        : s.getConditions().stream()
                                                .map(ClusterHost::condition)
                                                .toList());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "deployment "
                                + namespace
                                + "/"
                                + name
                                + " is not available after "
                                + timeoutMs(request)
                                + " ms: "
                                + last);
            }
            Thread.sleep(50);
        }
    }

    private static String condition(DeploymentCondition c) {
        return c.getType()
                + "="
                + c.getStatus()
                + (c.getReason() == null ? "" : " (" + c.getReason() + ")");
    }

    private ObjectNode awaitEndpoints(ObjectNode request) throws InterruptedException {
        Cluster cluster = cluster(request);
        String namespace = request.path("namespace").asString("default");
        String name = required(request, "name");
        int count = request.path("count").asInt(1);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs(request));
        while (true) {
            Endpoints endpoints =
                    cluster.client().endpoints().inNamespace(namespace).withName(name).get();
            List<String> ready = new ArrayList<>();
            if (endpoints != null && endpoints.getSubsets() != null) {
                for (EndpointSubset subset : endpoints.getSubsets()) {
                    if (subset.getAddresses() != null) {
                        for (EndpointAddress address : subset.getAddresses()) {
                            if (!ready.contains(address.getIp())) {
                                ready.add(address.getIp());
                            }
                        }
                    }
                }
            }
            if (ready.size() >= count) {
                ObjectNode answer = Json.object();
                ArrayNode addresses = answer.putArray("addresses");
                ready.forEach(addresses::add);
                return answer;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "endpoints "
                                + namespace
                                + "/"
                                + name
                                + " have "
                                + (endpoints == null
                                        ? "no object"
                                        : ready.size() + " ready addresses " + ready)
                                + " after "
                                + timeoutMs(request)
                                + " ms, want "
                                + count);
            }
            Thread.sleep(50);
        }
    }

    private ObjectNode logs(ObjectNode request) throws IOException {
        Cluster cluster = cluster(request);
        String namespace = request.path("namespace").asString("default");
        String pod = required(request, "pod");
        String container = request.path("container").asString("");
        var resource = cluster.client().pods().inNamespace(namespace).withName(pod);
        if (resource.get() == null) {
            throw new IllegalArgumentException("pod " + namespace + "/" + pod + " does not exist");
        }
        Loggable loggable = container.isEmpty() ? resource : resource.inContainer(container);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (InputStream in = loggable.getLogInputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer, 0, Math.min(buffer.length, MAX_LOG_BYTES - text.size())))
                    > 0) {
                text.write(buffer, 0, n);
            }
        }
        ObjectNode answer = Json.object();
        answer.put("text", text.toString(StandardCharsets.UTF_8));
        answer.put("truncated", text.size() >= MAX_LOG_BYTES);
        return answer;
    }

    private ObjectNode serviceAddress(ObjectNode request) {
        Cluster cluster = cluster(request);
        String namespace = request.path("namespace").asString("default");
        String name = required(request, "name");
        int port = request.path("port").asInt(0);
        Service service = cluster.client().services().inNamespace(namespace).withName(name).get();
        if (service == null) {
            throw new IllegalArgumentException(
                    "service " + namespace + "/" + name + " does not exist");
        }
        String ip = service.getSpec().getClusterIP();
        if (ip == null || ip.isEmpty() || ip.equals("None")) {
            throw new IllegalArgumentException(
                    "service " + namespace + "/" + name + " has no ClusterIP (" + ip + ")");
        }
        List<Integer> ports =
                service.getSpec().getPorts().stream().map(ServicePort::getPort).toList();
        if (!ports.contains(port)) {
            throw new IllegalArgumentException(
                    "service "
                            + namespace
                            + "/"
                            + name
                            + " has no port "
                            + port
                            + "; its ports: "
                            + ports);
        }
        ObjectNode answer = Json.object();
        answer.put("host", ip);
        answer.put("port", port);
        return answer;
    }

    private Cluster cluster(ObjectNode request) {
        String id = required(request, "cluster");
        Cluster cluster = clusters.get(id);
        if (cluster == null) {
            throw new IllegalArgumentException("no cluster '" + id + "' in this host (stopped?)");
        }
        return cluster;
    }

    private static String required(ObjectNode request, String field) {
        String value = request.path(field).asString("");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
        return value;
    }

    private static long timeoutMs(ObjectNode request) {
        long ms = request.path("timeoutMs").asLong(DEFAULT_TIMEOUT_MS);
        if (ms <= 0 || ms > MAX_TIMEOUT_MS) {
            throw new IllegalArgumentException(
                    "timeoutMs must be 1.." + MAX_TIMEOUT_MS + ", got " + ms);
        }
        return ms;
    }

    private static String message(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 4000; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
            if (text.indexOf(m) < 0) {
                text.append(text.length() == 0 ? "" : "; caused by: ").append(m);
            }
        }
        return abbreviate(text.toString());
    }

    private static String abbreviate(String s) {
        return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
    }

    private static ObjectNode error(long id, String message) {
        ObjectNode answer = Json.object();
        answer.put("id", id);
        answer.put("ok", false);
        answer.put("error", message);
        return answer;
    }

    private void send(ObjectNode message) {
        String line = Json.write(message);
        synchronized (protocol) {
            protocol.print(line);
            protocol.print('\n');
            protocol.flush();
        }
    }

    private static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;

        LineTooLongException() {
            super("request line longer than " + MAX_LINE_BYTES + " bytes");
        }
    }

    /**
     * One line without its end, null at the end of input; an over-long line is skipped and
     * reported.
     */
    static byte[] readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooLong = false;
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                if (tooLong) {
                    throw new LineTooLongException();
                }
                return line.toByteArray();
            }
            if (!tooLong) {
                line.write(b);
                if (line.size() > MAX_LINE_BYTES) {
                    tooLong = true;
                    line.reset();
                }
            }
        }
        return tooLong || line.size() == 0 ? null : line.toByteArray();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    log.atWarn()
                                            .addKeyValue("path", p)
                                            .log("cannot delete: " + e.getMessage());
                                }
                            });
        } catch (IOException e) {
            log.atWarn().addKeyValue("path", root).log("cannot delete: " + e.getMessage());
        }
    }
}
