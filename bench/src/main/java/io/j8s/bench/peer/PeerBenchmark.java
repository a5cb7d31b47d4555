package io.j8s.bench.peer;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.j8s.bench.startup.MockServerStart;
import io.j8s.bench.support.Jcmd;
import io.j8s.bench.support.JfrSummary;
import io.j8s.bench.support.Proc;
import io.j8s.bench.support.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer benchmark (bench/peer.sh, docs/benchmarks.md "Peer: fabric8's mock server and j8s, one
 * fabric8 workload"): the same fabric8 workload ({@link PeerWorkload}: N clients create bare Pods
 * in one namespace, list them paged, get and delete each) against fabric8's {@code
 * KubernetesMockServer} in CRUD mode (in this JVM, HTTPS by default, as fabric8's own tests use it)
 * and against a {@code j8s server} (a child JVM from the shaded jar with the build's AppCDS
 * archive, {@code --store-fsync=false}, no nodes: the Pods stay Pending, while its admission,
 * controllers and watch cache run as in any cluster), one after the other in one run, each fresh,
 * with the ratios. Odd rounds run the mock first, even rounds j8s first. The report (Markdown) goes
 * to stdout, progress to stderr.
 */
public final class PeerBenchmark {
    private static final Logger log = LoggerFactory.getLogger(PeerBenchmark.class);

    /** Ranges of its own, so that the server never takes a running server's addresses. */
    private static final List<String> J8S_FIXED_FLAGS =
            List.of(
                    "--nodes=",
                    "--kubelet-port=0",
                    "--service-cluster-ip-range=127.114.0.0/16",
                    "--cluster-cidr=127.115.0.0/16");

    /** Held: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final java.util.logging.Logger MOCK_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final PeerConfig config;
    private final PeerResults results;

    public PeerBenchmark(PeerConfig config, String command) {
        this.config = config;
        this.results = new PeerResults(command, Proc.machine(), config);
    }

    public static void main(String[] args) throws Exception {
        PeerConfig config = PeerConfig.parse(args, Path.of("bench", "out"));
        PeerBenchmark bench =
                new PeerBenchmark(
                        config, String.join(" ", "bench/peer.sh", String.join(" ", args)).trim());
        bench.run();
        System.out.println();
        System.out.println(bench.results().markdown());
        // The mock server's Vert.x threads are not daemons; a mock that failed to stop keeps them.
        System.exit(0);
    }

    public PeerResults results() {
        return results;
    }

    /** Runs every round; fails when a target cannot start (a failed call is counted instead). */
    public void run() throws Exception {
        if (!Files.isRegularFile(config.jar())) {
            throw new IllegalStateException(
                    config.jar().toAbsolutePath()
                            + " is missing: build j8s-server's package phase first");
        }
        Files.createDirectories(config.workDir());
        double loadBefore = Proc.loadAverage();
        for (int round = 1; round <= config.rounds(); round++) {
            if (round % 2 == 1) {
                runMock(round);
                runJ8s(round);
            } else {
                runJ8s(round);
                runMock(round);
            }
        }
        results.load(loadBefore, Proc.loadAverage());
    }

    private void runMock(int round) throws Exception {
        log.atWarn().addKeyValue("round", round).log("peer benchmark: fabric8's mock server");
        MOCK_LOG.setLevel(
                config.mockRequestLog()
                        ? java.util.logging.Level.INFO
                        : java.util.logging.Level.WARNING);
        KubernetesMockServer mock = MockServerStart.startCrud(config.mockTls());
        try {
            Config clientConfig;
            try (KubernetesClient client = mock.createClient()) {
                clientConfig = client.getConfiguration();
            }
            results.describeTarget(
                    PeerResults.MOCK,
                    "fabric8's KubernetesMockServer (CRUD mode, fabric8 "
                            + io.fabric8.kubernetes.client.Version.clientVersion()
                            + ") in the benchmark's JVM, "
                            + (config.mockTls() ? "HTTPS (its self-signed certificate)" : "HTTP")
                            + (config.mockRequestLog()
                                    ? ", its request log on"
                                    : ", its request log off")
                            + ", clients from its Config");
            PeerWorkload workload =
                    new PeerWorkload(
                            config, clientConfig, PeerResults.MOCK, round, () -> {}, () -> {});
            results.add(round, PeerResults.MOCK, workload.run(), workload.firstError());
        } finally {
            try {
                mock.destroy();
            } catch (RuntimeException e) {
                // Its figures are complete; the report stands without a clean stop.
                log.atWarn().setCause(e).log("fabric8's mock server did not stop cleanly");
            }
        }
    }

    private void runJ8s(int round) throws Exception {
        log.atWarn().addKeyValue("round", round).log("peer benchmark: j8s server");
        Path runDir = Files.createTempDirectory(config.workDir().toAbsolutePath(), "peer");
        List<String> jvmOptions = new ArrayList<>();
        // The archive fits only the jar it was written from (the build writes it after the jar);
        // an older one would be refused by the JVM without a word.
        boolean cds =
                Files.isRegularFile(config.jsa())
                        && Files.getLastModifiedTime(config.jsa())
                                        .compareTo(Files.getLastModifiedTime(config.jar()))
                                >= 0;
        if (cds) {
            jvmOptions.addAll(
                    List.of(
                            "-XX:SharedArchiveFile=" + config.jsa().toAbsolutePath(),
                            "-Xlog:cds=off",
                            "-Xlog:cds+dynamic=off"));
        }
        List<String> flags = new ArrayList<>(J8S_FIXED_FLAGS);
        flags.addAll(config.j8sArgs());
        ServerProcess.Spec spec =
                new ServerProcess.Spec(
                        runDir.resolve("data"),
                        Proc.freePort(),
                        flags,
                        null,
                        jvmOptions,
                        config.jar());
        try (ServerProcess server = ServerProcess.start(spec, Duration.ofMinutes(3))) {
            results.describeTarget(
                    PeerResults.J8S,
                    "`java "
                            + (cds
                                    ? "-XX:SharedArchiveFile=j8s.jsa "
                                    : "(no current AppCDS archive) ")
                            + "-jar j8s.jar server "
                            + String.join(" ", flags)
                            + "` in a child JVM (default heap), HTTPS, clients from the kubeconfig"
                            + " it wrote");
            Config clientConfig =
                    Config.fromKubeconfig(
                            Files.readString(server.kubeconfig(), StandardCharsets.UTF_8));
            boolean profile = config.profile() && round == config.rounds();
            Path jfr = runDir.resolve("create.jfr");
            PeerWorkload workload =
                    new PeerWorkload(
                            config,
                            clientConfig,
                            PeerResults.J8S,
                            round,
                            () -> {
                                if (profile) {
                                    Jcmd.startRecording(server.pid(), "create");
                                }
                            },
                            () -> {
                                if (profile) {
                                    Jcmd.stopRecording(server.pid(), "create", jfr);
                                }
                            });
            PeerWorkload.Outcome outcome = workload.run();
            results.add(round, PeerResults.J8S, outcome, workload.firstError());
            if (profile) {
                results.profile(JfrSummary.read(jfr, t -> true, 15));
            }
        } finally {
            deleteTree(runDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        // The server's log sits beside its data dir, inside the run dir: gone with it.
    }
}
