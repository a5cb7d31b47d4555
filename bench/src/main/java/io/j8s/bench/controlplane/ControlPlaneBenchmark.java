package io.j8s.bench.controlplane;

import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Jcmd;
import io.j8s.bench.support.JfrSummary;
import io.j8s.bench.support.Latencies;
import io.j8s.bench.support.Proc;
import io.j8s.bench.support.ServerProcess;
import io.j8s.testkit.EtcdProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives a {@code j8s server} with simulated nodes through its API up to Kubernetes' scalability
 * thresholds and measures it (see {@code docs/benchmarks.md} for what each figure means):
 *
 * <ol>
 *   <li>start-up with an empty store; memory with no Pods;
 *   <li>creation in stages (the Pod counts of {@link ControlPlaneConfig#memoryAt()}): N clients
 *       create namespaces, Services and Deployments (or bare Pods), then the benchmark waits until
 *       every Pod is Ready and measures memory;
 *   <li>full lists of all Pods (one request; 500 per page; {@code kubectl get pods -A});
 *   <li>churn: Pods deleted and replaced, endpoint programming latency;
 *   <li>watch fan-out: many watchers of all Pods, delivery of single changes;
 *   <li>restart: stop the server and start it again on the same store.
 * </ol>
 *
 * <p>The server runs in a child JVM in a temporary data dir on a free port, with its own Service
 * and Pod ranges; an etcd, when used, is started beside it. Everything is stopped and deleted at
 * the end. Not thread-safe: {@link #run()} once.
 */
public final class ControlPlaneBenchmark {
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneBenchmark.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern CONTINUE = Pattern.compile("\"continue\":\"([^\"]+)\"");

    private final ControlPlaneConfig config;
    private final ControlPlaneResults results = new ControlPlaneResults();
    private final Workload workload;
    private final List<String> nodeNames = new ArrayList<>();
    private ServerProcess server;
    private ApiClient client;

    public ControlPlaneBenchmark(ControlPlaneConfig config, String command) {
        this.config = config;
        this.workload = Workload.of(config.services(), config.pods(), config.namespaces());
        results.command = command;
        results.describe = config.describe();
        results.machine = Proc.machine();
        for (int i = 1; i <= config.nodes(); i++) {
            nodeNames.add(String.format("sim-%05d", i));
        }
    }

    public static void main(String[] args) {
        ControlPlaneConfig config = ControlPlaneConfig.parse(args, Path.of("bench", "out"));
        ControlPlaneBenchmark bench =
                new ControlPlaneBenchmark(
                        config, "bench/controlplane.sh " + String.join(" ", args));
        bench.run();
        System.out.println();
        System.out.println(bench.results().markdown());
    }

    public ControlPlaneResults results() {
        return results;
    }

    /**
     * Runs every phase; returns after the server (and etcd) stopped and their files are deleted.
     */
    public void run() {
        results.date =
                ZonedDateTime.now()
                        .format(DateTimeFormatter.ofPattern("EEE MMM d HH:mm z yyyy", Locale.ROOT));
        Path runDir;
        try {
            Files.createDirectories(config.workDir());
            runDir = Files.createTempDirectory(config.workDir(), "controlplane-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        log.atWarn()
                .addKeyValue("config", config.describe())
                .addKeyValue("dir", runDir)
                .log("control-plane benchmark");
        EtcdProcess etcd = null;
        try {
            List<String> flags =
                    new ArrayList<>(
                            List.of(
                                    "--nodes=",
                                    "--simulated-nodes=" + config.nodes(),
                                    "--kubelet-port=0",
                                    "--service-cluster-ip-range=" + config.serviceCidr(),
                                    "--cluster-cidr=" + config.clusterCidr(),
                                    "--store=" + config.store()));
            if (config.store().equals("etcd")) {
                etcd = EtcdProcess.start(runDir);
                flags.add("--etcd-endpoints=" + etcd.endpointsFlag());
            }
            ServerProcess.Spec spec =
                    new ServerProcess.Spec(
                            runDir.resolve("data"),
                            Proc.freePort(),
                            flags,
                            config.serverHeap(),
                            List.of());
            server = ServerProcess.start(spec, Duration.ofMinutes(5));
            client = server.client();
            results.emptyStartupSeconds = server.startupTime().toNanos() / 1e9;
            awaitNodes();
            measureMemory(0);
            try (PodTracker pods = PodTracker.start(client)) {
                createAll(pods, runDir);
                listAll(pods.count());
                if (config.churnRate() > 0) {
                    churn(pods, runDir);
                }
                if (config.watchers() > 0) {
                    fanout(pods);
                }
            }
            if (config.restart()) {
                restart();
            }
            results.storeBytes = etcd == null ? size(spec.dataDir()) : etcdDataSize(runDir);
        } finally {
            if (server != null) {
                server.close();
            }
            if (etcd != null) {
                etcd.close();
            }
            if (!config.keep()) {
                deleteRecursively(runDir);
            }
        }
    }

    // ---- nodes -------------------------------------------------------------------------------

    /**
     * Waits until every simulated node is Ready (registered, and given a pod CIDR by the node IPAM
     * controller).
     */
    private void awaitNodes() {
        long start = System.nanoTime();
        long deadline = start + Duration.ofMinutes(5).toNanos();
        while (true) {
            JsonNode list = JSON.readTree(client.sendOk("GET", "/api/v1/nodes", null, null).body());
            int ready = 0;
            for (JsonNode node : list.path("items")) {
                for (JsonNode c : node.path("status").path("conditions")) {
                    if ("Ready".equals(c.path("type").asString())
                            && "True".equals(c.path("status").asString())) {
                        ready++;
                    }
                }
            }
            if (ready >= config.nodes()) {
                log.atWarn()
                        .addKeyValue("nodes", ready)
                        .addKeyValue("seconds", (System.nanoTime() - start) / 1e9)
                        .log("nodes Ready");
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only "
                                + ready
                                + " of "
                                + config.nodes()
                                + " nodes Ready after 5 min:\n"
                                + server.logTail());
            }
            sleep(500);
        }
    }

    // ---- creation ----------------------------------------------------------------------------

    private void createAll(PodTracker pods, Path runDir) {
        List<Integer> thresholds =
                new ArrayList<>(
                        config.memoryAt().stream()
                                .filter(t -> t > 0 && t < config.pods())
                                .sorted()
                                .toList());
        thresholds.add(config.pods());
        boolean profile = config.profile();
        if (profile) {
            Jcmd.startRecording(server.pid(), "create");
        }
        Creator creator = new Creator(client, config.clients());
        Set<String> namespaces = new HashSet<>();
        int next = 0;
        int cumulative = 0;
        int podIndex = 0;
        for (int threshold : thresholds) {
            List<Creator.Call> nsCalls = new ArrayList<>();
            List<Creator.Call> calls = new ArrayList<>();
            int stagePods = 0;
            while (next < workload.apps().size() && cumulative < threshold) {
                Workload.App app = workload.apps().get(next++);
                if (namespaces.add(app.namespace())) {
                    nsCalls.add(
                            new Creator.Call(
                                    "create namespace",
                                    "POST",
                                    "/api/v1/namespaces",
                                    Workload.namespaceJson(app.namespace())));
                }
                String base = "/api/v1/namespaces/" + app.namespace();
                calls.add(
                        new Creator.Call(
                                "create service",
                                "POST",
                                base + "/services",
                                Workload.serviceJson(app)));
                if (config.workload().equals("deployments")) {
                    calls.add(
                            new Creator.Call(
                                    "create deployment",
                                    "POST",
                                    "/apis/apps/v1/namespaces/" + app.namespace() + "/deployments",
                                    Workload.deploymentJson(app)));
                } else {
                    for (int r = 0; r < app.replicas(); r++) {
                        String node = nodeNames.get(podIndex++ % nodeNames.size());
                        calls.add(
                                new Creator.Call(
                                        "create pod",
                                        "POST",
                                        base + "/pods",
                                        Workload.podJson(app, app.name() + "-" + r, node)));
                    }
                }
                cumulative += app.replicas();
                stagePods += app.replicas();
            }
            double cpu0 = server.cpuSeconds();
            double benchCpu0 = Proc.ownCpuSeconds();
            int startupsBefore = pods.startup().count();
            long start = System.nanoTime();
            Creator.Outcome ns = creator.run(nsCalls);
            Creator.Outcome out = creator.run(calls);
            pods.awaitReady(cumulative, Duration.ofSeconds(300 + stagePods / 20));
            double readySeconds = (System.nanoTime() - start) / 1e9;
            ns.byKind()
                    .forEach(
                            (k, v) ->
                                    results.callsByKind
                                            .computeIfAbsent(k, x -> new Latencies())
                                            .recordAll(v));
            out.byKind()
                    .forEach(
                            (k, v) ->
                                    results.callsByKind
                                            .computeIfAbsent(k, x -> new Latencies())
                                            .recordAll(v));
            Latencies all = new Latencies();
            all.recordAll(ns.all());
            all.recordAll(out.all());
            int callCount = ns.calls() + out.calls();
            double callSeconds = ns.seconds() + out.seconds();
            Latencies startup = new Latencies();
            // Start-up latencies of this stage's Pods only: the tracker records them in arrival
            // order.
            startup.recordAll(pods.startup().tail(startupsBefore));
            ControlPlaneResults.Stage stage =
                    new ControlPlaneResults.Stage(
                            pods.readyCount(),
                            callCount,
                            callSeconds,
                            callCount / callSeconds,
                            all.percentileMillis(50),
                            all.percentileMillis(99),
                            ns.retries() + out.retries(),
                            stagePods,
                            readySeconds,
                            startup.summary(),
                            server.cpuSeconds() - cpu0,
                            Proc.ownCpuSeconds() - benchCpu0,
                            Proc.loadAverage());
            results.stages.add(stage);
            log.atWarn().addKeyValue("stage", stage).log("stage done");
            if (config.memoryAt().contains(threshold) || threshold == config.pods()) {
                measureMemory(pods.readyCount());
            }
            if (threshold == config.pods()) {
                results.histogram = Jcmd.classHistogram(server.pid(), 15);
            }
        }
        if (profile) {
            results.createProfile = stopProfile("create", runDir);
        }
    }

    private void measureMemory(int pods) {
        ServerProcess.Memory m = server.memory();
        results.memory.add(
                new ControlPlaneResults.Memory(pods, m.rssBytes(), m.heapAfterGcBytes()));
        log.atWarn()
                .addKeyValue("pods", pods)
                .addKeyValue("rssMiB", m.rssBytes() >> 20)
                .addKeyValue("heapMiB", m.heapAfterGcBytes() >> 20)
                .log("memory");
    }

    // ---- lists ---------------------------------------------------------------------------------

    private void listAll(int pods) {
        ApiClient.Counted one = client.getCounted("/api/v1/pods", 0);
        results.lists.add(
                new ControlPlaneResults.ListAll(
                        "one request (JSON)", pods, one.nanos() / 1e9, one.bytes()));
        results.lists.add(pagedList(pods));
        Path kubectl = findOnPath("kubectl");
        if (kubectl != null) {
            long start = System.nanoTime();
            try {
                Process p =
                        new ProcessBuilder(
                                        kubectl.toString(),
                                        "--kubeconfig=" + server.kubeconfig(),
                                        "get",
                                        "pods",
                                        "-A",
                                        "--chunk-size=500")
                                .redirectErrorStream(true)
                                .start();
                long bytes = p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                if (p.waitFor() == 0) {
                    results.lists.add(
                            new ControlPlaneResults.ListAll(
                                    "`kubectl get pods -A` (Table, 500/chunk)",
                                    pods,
                                    (System.nanoTime() - start) / 1e9,
                                    bytes));
                }
            } catch (IOException e) {
                log.atWarn()
                        .addKeyValue("error", e.toString())
                        .log("kubectl failed; no kubectl figure");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private ControlPlaneResults.ListAll pagedList(int pods) {
        long start = System.nanoTime();
        long bytes = 0;
        String cont = null;
        do {
            ApiClient.Counted page =
                    client.getCounted(
                            "/api/v1/pods?limit=500"
                                    + (cont == null
                                            ? ""
                                            : "&continue="
                                                    + java.net.URLEncoder.encode(
                                                            cont,
                                                            java.nio.charset.StandardCharsets
                                                                    .UTF_8)),
                            4096);
            if (page.status() != 200) {
                throw new IllegalStateException(
                        "paged list answered " + page.status() + ": " + page.head());
            }
            bytes += page.bytes();
            Matcher m = CONTINUE.matcher(page.head());
            cont = m.find() ? m.group(1) : null;
        } while (cont != null);
        return new ControlPlaneResults.ListAll(
                "500 per page (JSON)", pods, (System.nanoTime() - start) / 1e9, bytes);
    }

    // ---- churn and fan-out -------------------------------------------------------------------

    private void churn(PodTracker pods, Path runDir) {
        if (config.profile()) {
            Jcmd.startRecording(server.pid(), "churn");
        }
        Churn churn = new Churn(client, pods, config.workload().equals("pods"));
        try (ProxyProbe probe = new ProxyProbe(client, pods, Proc.freePort())) {
            probe.start();
            results.churn = churn.run(config.churnRate(), config.churnDuration(), nodeNames, probe);
        }
        results.churnRate = config.churnRate();
        results.churnLoad = Proc.loadAverage();
        if (config.profile()) {
            results.churnProfile = stopProfile("churn", runDir);
        }
        pods.awaitReady(config.pods(), Duration.ofMinutes(5));
    }

    private void fanout(PodTracker pods) {
        PodTracker.PodState target = pods.readyPods().get(0);
        String name = target.key.substring(target.key.indexOf('/') + 1);
        results.fanout =
                new WatchFanout(client)
                        .run(config.watchers(), config.watchChanges(), target.namespace, name);
        results.fanoutLoad = Proc.loadAverage();
    }

    // ---- restart -----------------------------------------------------------------------------

    private void restart() {
        int pods = config.pods();
        ServerProcess.Spec spec = server.spec();
        double stopSeconds = server.stop().toNanos() / 1e9;
        server.close();
        server = ServerProcess.start(spec, Duration.ofMinutes(15));
        client = server.client();
        double ready = server.startupTime().toNanos() / 1e9;
        ControlPlaneResults.ListAll list = pagedList(pods);
        ServerProcess.Memory m = server.memory();
        results.restart =
                new ControlPlaneResults.Restart(
                        config.store(),
                        pods,
                        stopSeconds,
                        ready,
                        list.seconds(),
                        m.rssBytes(),
                        m.heapAfterGcBytes());
    }

    // ---- helpers -----------------------------------------------------------------------------

    private JfrSummary stopProfile(String name, Path runDir) {
        Path file = runDir.resolve(name + ".jfr");
        Jcmd.stopRecording(server.pid(), name, file);
        return JfrSummary.read(file, t -> true, 15);
    }

    private static Path findOnPath(String binary) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, binary);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The size of the etcd data dir the benchmark started under {@code runDir}. */
    private static long etcdDataSize(Path runDir) {
        try (Stream<Path> dirs = Files.list(runDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("j8s-etcd-"))
                    .mapToLong(d -> size(d.resolve("data")))
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long size(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("dir", dir).setCause(e).log("could not delete benchmark data");
        }
    }
}
