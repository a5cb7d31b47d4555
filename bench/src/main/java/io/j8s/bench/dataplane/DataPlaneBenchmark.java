package io.j8s.bench.dataplane;

import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Jcmd;
import io.j8s.bench.support.JfrSummary;
import io.j8s.bench.support.PerfProfile;
import io.j8s.bench.support.Proc;
import io.j8s.bench.support.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The data plane against HAProxy: {@code wrk} over keep-alive connections and with a new connection
 * per request, against the same builtin-runtime backends reached three ways: directly (one Pod),
 * through the j8s proxy's ClusterIP (round-robin over all Pods), and through HAProxy in TCP mode
 * with one thread (round-robin over the same Pods). Each round runs every target once, in a rotated
 * order, so that their ratios come from neighbouring minutes on the shared machine.
 *
 * <p>The server is a child JVM with one real node (its Pods are served by the node agent's built-in
 * HTTP responder at their Pod IPs, inside the server JVM) and the controllers, in a temporary data
 * dir on a free port with its own ranges. Everything is stopped and deleted at the end. Not
 * thread-safe: {@link #run()} once.
 */
public final class DataPlaneBenchmark {
    private static final Logger log = LoggerFactory.getLogger(DataPlaneBenchmark.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    static final String NAMESPACE = "bench-dp";
    static final String NODE = "bench-dp-node";
    static final int POD_PORT = 8080;

    private final DataPlaneConfig config;
    private final DataPlaneResults results = new DataPlaneResults();

    public DataPlaneBenchmark(DataPlaneConfig config, String command) {
        this.config = config;
        results.command = command;
        results.machine = Proc.machine();
        results.describe =
                String.format(
                        Locale.ROOT,
                        "wrk -t1 -c%d, %d s per run after a %d s warm-up, %d rounds, %d builtin-runtime backends",
                        config.connections(),
                        config.duration().toSeconds(),
                        config.warmup().toSeconds(),
                        config.rounds(),
                        config.backends());
    }

    public static void main(String[] args) {
        DataPlaneConfig config = DataPlaneConfig.parse(args, Path.of("bench", "out"));
        DataPlaneBenchmark bench =
                new DataPlaneBenchmark(config, "bench/dataplane.sh " + String.join(" ", args));
        bench.run();
        System.out.println();
        System.out.println(bench.results().markdown());
    }

    public DataPlaneResults results() {
        return results;
    }

    public void run() {
        results.date =
                ZonedDateTime.now()
                        .format(DateTimeFormatter.ofPattern("EEE MMM d HH:mm z yyyy", Locale.ROOT));
        results.versions = versions();
        Path runDir;
        try {
            Files.createDirectories(config.workDir());
            runDir = Files.createTempDirectory(config.workDir(), "dataplane-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> flags =
                List.of(
                        "--nodes=" + NODE,
                        "--kubelet-port=0",
                        "--service-cluster-ip-range=" + config.serviceCidr(),
                        "--cluster-cidr=" + config.clusterCidr());
        ServerProcess.Spec spec =
                new ServerProcess.Spec(
                        runDir.resolve("data"),
                        Proc.freePort(),
                        flags,
                        config.serverHeap(),
                        List.of());
        try (ServerProcess server = ServerProcess.start(spec, Duration.ofMinutes(3))) {
            List<String> podIps = deploy(server.client());
            String clusterIp = awaitService(server.client(), podIps.size());
            List<String> backends = podIps.stream().map(ip -> ip + ":" + POD_PORT).toList();
            try (Haproxy haproxy = Haproxy.start(runDir, backends)) {
                Map<DataPlaneResults.Target, String> urls =
                        new EnumMap<>(DataPlaneResults.Target.class);
                urls.put(
                        DataPlaneResults.Target.DIRECT,
                        "http://" + podIps.get(0) + ":" + POD_PORT + "/");
                urls.put(DataPlaneResults.Target.J8S, "http://" + clusterIp + ":80/");
                urls.put(
                        DataPlaneResults.Target.HAPROXY,
                        "http://127.0.0.1:" + haproxy.port() + "/");
                measure(server, haproxy, urls);
                if (config.profile()) {
                    profile(server, urls, runDir);
                }
            }
        } finally {
            if (!config.keep()) {
                deleteRecursively(runDir);
            }
        }
    }

    private void measure(
            ServerProcess server, Haproxy haproxy, Map<DataPlaneResults.Target, String> urls) {
        DataPlaneResults.Target[] targets = DataPlaneResults.Target.values();
        for (DataPlaneResults.Mode mode : DataPlaneResults.Mode.values()) {
            boolean close = mode == DataPlaneResults.Mode.NEW_CONNECTION;
            if (!config.warmup().isZero()) {
                for (DataPlaneResults.Target t : targets) {
                    Wrk.run(Wrk.command(urls.get(t), config.connections(), config.warmup(), close));
                }
            }
            for (int round = 0; round < config.rounds(); round++) {
                for (int i = 0; i < targets.length; i++) {
                    DataPlaneResults.Target t = targets[(i + round) % targets.length];
                    double server0 = server.cpuSeconds();
                    double haproxy0 = haproxy.cpuSeconds();
                    Wrk.Result r =
                            Wrk.run(
                                    Wrk.command(
                                            urls.get(t),
                                            config.connections(),
                                            config.duration(),
                                            close));
                    DataPlaneResults.Run run =
                            new DataPlaneResults.Run(
                                    mode,
                                    t,
                                    round,
                                    r,
                                    server.cpuSeconds() - server0,
                                    haproxy.cpuSeconds() - haproxy0,
                                    Proc.loadAverage());
                    results.runs.add(run);
                    log.atWarn()
                            .addKeyValue("mode", mode)
                            .addKeyValue("target", t)
                            .addKeyValue("round", round)
                            .addKeyValue("rps", Math.round(r.requestsPerSecond()))
                            .addKeyValue("p99ms", r.p99Millis())
                            .addKeyValue("errors", r.errors())
                            .log("wrk run");
                }
            }
        }
    }

    /**
     * Extra runs, not among the measured ones (profilers cost a little): first every target and
     * mode once more under {@code perf} when it works here (the whole machine, kernel included),
     * then the runs through the j8s proxy under JFR (the server JVM's Java code). Not both at once:
     * starting a JFR recording makes the JIT compile again for a while.
     */
    private void profile(
            ServerProcess server, Map<DataPlaneResults.Target, String> urls, Path runDir) {
        if (PerfProfile.available()) {
            for (DataPlaneResults.Mode mode : DataPlaneResults.Mode.values()) {
                for (DataPlaneResults.Target target : DataPlaneResults.Target.values()) {
                    PerfProfile.Recording recording =
                            PerfProfile.record(runDir.resolve("profile.perf"), config.duration());
                    Wrk.run(
                            Wrk.command(
                                    urls.get(target),
                                    config.connections(),
                                    config.duration(),
                                    mode == DataPlaneResults.Mode.NEW_CONNECTION));
                    results.perf
                            .computeIfAbsent(
                                    mode, m -> new EnumMap<>(DataPlaneResults.Target.class))
                            .put(target, recording.finish());
                }
            }
        } else {
            log.atWarn().log("perf record does not work here; JFR only");
        }
        for (DataPlaneResults.Mode mode : DataPlaneResults.Mode.values()) {
            String name = "dataplane-" + mode.name().toLowerCase(Locale.ROOT);
            Path file = runDir.resolve(name + ".jfr");
            Jcmd.startRecording(server.pid(), name);
            Wrk.run(
                    Wrk.command(
                            urls.get(DataPlaneResults.Target.J8S),
                            config.connections(),
                            config.duration(),
                            mode == DataPlaneResults.Mode.NEW_CONNECTION));
            Jcmd.stopRecording(server.pid(), name, file);
            results.profiles.put(mode, JfrSummary.read(file, t -> true, 15));
        }
    }

    /**
     * Creates the namespace, Deployment and Service; returns the Pod IPs once every Pod is Ready.
     */
    private List<String> deploy(ApiClient client) {
        client.sendOk(
                "POST",
                "/api/v1/namespaces",
                null,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                        + NAMESPACE
                        + "\"}}");
        client.sendOk(
                "POST",
                "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments",
                null,
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\"},\"spec\":{"
                        + "\"replicas\":"
                        + config.backends()
                        + ",\"selector\":{\"matchLabels\":{\"app\":\"web\"}},"
                        + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{"
                        + "\"name\":\"web\",\"image\":\"nginx:1.27\",\"ports\":[{\"containerPort\":"
                        + POD_PORT
                        + "}]}]}}}}");
        client.sendOk(
                "POST",
                "/api/v1/namespaces/" + NAMESPACE + "/services",
                null,
                "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\"},\"spec\":{"
                        + "\"selector\":{\"app\":\"web\"},\"ports\":[{\"port\":80,\"targetPort\":"
                        + POD_PORT
                        + "}]}}");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            JsonNode pods =
                    JSON.readTree(
                            client.sendOk(
                                            "GET",
                                            "/api/v1/namespaces/" + NAMESPACE + "/pods",
                                            null,
                                            null)
                                    .body());
            List<String> ips = new ArrayList<>();
            for (JsonNode pod : pods.path("items")) {
                boolean ready = false;
                for (JsonNode c : pod.path("status").path("conditions")) {
                    ready |=
                            "Ready".equals(c.path("type").asString())
                                    && "True".equals(c.path("status").asString());
                }
                String ip = pod.path("status").path("podIP").asString("");
                if (ready && !ip.isEmpty()) {
                    ips.add(ip);
                }
            }
            if (ips.size() == config.backends()) {
                ips.sort(Comparator.naturalOrder());
                return ips;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "only "
                                + ips.size()
                                + " of "
                                + config.backends()
                                + " backend Pods Ready after 2 min");
            }
            sleep(200);
        }
    }

    /**
     * Waits until the Service's ClusterIP has answered from every backend Pod; returns the
     * ClusterIP.
     */
    private String awaitService(ApiClient client, int backends) {
        String clusterIp =
                JSON.readTree(
                                client.sendOk(
                                                "GET",
                                                "/api/v1/namespaces/" + NAMESPACE + "/services/web",
                                                null,
                                                null)
                                        .body())
                        .path("spec")
                        .path("clusterIP")
                        .asString();
        Set<String> answered = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (answered.size() < backends) {
            String body = get(clusterIp, 80);
            int at = body.indexOf("Hello from pod ");
            if (at >= 0) {
                answered.add(body.substring(at).split(" ")[3]);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the ClusterIP " + clusterIp + " answered from " + answered + " only");
            }
            sleep(20);
        }
        return clusterIp;
    }

    /** One HTTP/1.1 GET with {@code Connection: close}; the whole response, or "" on failure. */
    private static String get(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(2000);
            s.getOutputStream()
                    .write(
                            ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String versions() {
        return firstLine("wrk", "-v") + ", " + firstLine("haproxy", "-v");
    }

    private static String firstLine(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out =
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return out.isEmpty()
                    ? cmd[0]
                    : out.lines().findFirst().orElse(cmd[0]).replaceAll("\\s+- http.*$", "");
        } catch (IOException e) {
            return cmd[0] + " (not installed)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return cmd[0];
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

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("dir", dir).setCause(e).log("could not delete benchmark data");
        }
    }
}
