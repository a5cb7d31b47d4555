package io.j8s.bench.reliability;

import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Proc;
import io.j8s.bench.support.ServerProcess;
import io.j8s.testkit.EtcdProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash and load behaviour of a {@code j8s server} through its API, per store (see {@code
 * docs/reliability.md} for what each figure means):
 *
 * <ol>
 *   <li>{@code kill -9} under writes ({@link KillWrites}): no acknowledged write lost, no
 *       resourceVersion going back, across several SIGKILLs and restarts on the same store;
 *   <li>one counter under optimistic concurrency ({@link CounterContention}): the exact final count
 *       and the 409s;
 *   <li>many watchers from one resourceVersion under updates ({@link WatchConsistency}): gaps,
 *       duplicates, order, lag;
 *   <li>a watcher that never reads while large objects are written ({@link StalledWatcher}): the
 *       server's heap, and when and how it ends that watch.
 * </ol>
 *
 * <p>Per store the server runs in a child JVM in a temporary data dir on a free port (with etcd, an
 * etcd on disk is started beside it and outlives the server's kills). Everything is stopped and
 * deleted at the end, also on failure. Not thread-safe: {@link #run()} once.
 */
public final class ReliabilityBenchmark {
    private static final Logger log = LoggerFactory.getLogger(ReliabilityBenchmark.class);

    private final ReliabilityConfig config;
    private final ReliabilityResults results = new ReliabilityResults();
    private ServerProcess server;

    public ReliabilityBenchmark(ReliabilityConfig config, String command) {
        this.config = config;
        results.command = command;
        results.machine = Proc.machine();
        results.describe = config.describe();
    }

    public static void main(String[] args) throws Exception {
        ReliabilityConfig config = ReliabilityConfig.parse(args, Path.of("bench", "out"));
        ReliabilityBenchmark bench =
                new ReliabilityBenchmark(config, "bench/reliability.sh " + String.join(" ", args));
        bench.run();
        System.out.println();
        System.out.println(bench.results().markdown());
    }

    public ReliabilityResults results() {
        return results;
    }

    /**
     * Runs every phase against every store; returns after every process stopped and the files are
     * deleted.
     */
    public void run() throws Exception {
        results.date =
                ZonedDateTime.now()
                        .format(DateTimeFormatter.ofPattern("EEE MMM d HH:mm z yyyy", Locale.ROOT));
        results.commit = commit();
        Files.createDirectories(config.workDir());
        for (String store : config.stores()) {
            Path runDir = Files.createTempDirectory(config.workDir(), "reliability-" + store + "-");
            log.atWarn()
                    .addKeyValue("store", store)
                    .addKeyValue("dir", runDir)
                    .log("reliability benchmark");
            EtcdProcess etcd = null;
            try {
                List<String> flags =
                        new ArrayList<>(
                                List.of(
                                        "--nodes=",
                                        "--no-proxy",
                                        "--kubelet-port=0",
                                        "--store=" + store));
                if (store.equals("etcd")) {
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
                results.runs.add(measure(store, spec));
            } finally {
                if (server != null) {
                    server.close();
                    server = null;
                }
                if (etcd != null) {
                    etcd.close();
                }
                if (!config.keep()) {
                    deleteRecursively(runDir);
                }
            }
        }
    }

    private ReliabilityResults.StoreRun measure(String store, ServerProcess.Spec spec)
            throws Exception {
        double loadBefore = Proc.loadAverage();
        server = ServerProcess.start(spec, Duration.ofMinutes(3));
        double startup = server.startupTime().toNanos() / 1e9;

        KillWrites.Outcome kill = null;
        if (config.phases().contains("kill")) {
            try (ApiClient writers = ApiClient.fromKubeconfig(server.kubeconfig())) {
                kill =
                        new KillWrites(writers, config.killWriters(), config.killObjects())
                                .run(
                                        config.kills(),
                                        config.killSeconds(),
                                        new KillWrites.Restarter() {
                                            @Override
                                            public void kill() {
                                                server.killForcibly();
                                                server.close();
                                                server = null;
                                            }

                                            @Override
                                            public void start() {
                                                server =
                                                        ServerProcess.start(
                                                                spec, Duration.ofMinutes(3));
                                            }
                                        });
            }
            log.atWarn()
                    .addKeyValue("store", store)
                    .addKeyValue("acknowledged", kill.acknowledged())
                    .addKeyValue("lost", kill.lost())
                    .addKeyValue("rvWentBack", kill.rvWentBack())
                    .log("kill -9 done");
        }
        CounterContention.Outcome counter = null;
        if (config.phases().contains("counter")) {
            counter =
                    new CounterContention(server.client())
                            .run(config.counterWriters(), config.counterIncrements());
            log.atWarn()
                    .addKeyValue("store", store)
                    .addKeyValue("final", counter.finalCount())
                    .addKeyValue("conflicts", counter.conflicts())
                    .log("counter done");
        }
        WatchConsistency.Outcome watch = null;
        if (config.phases().contains("watch")) {
            watch =
                    new WatchConsistency(server.client())
                            .run(
                                    config.watchers(),
                                    config.watchUpdates(),
                                    config.watchRate(),
                                    config.watchObjects());
            log.atWarn()
                    .addKeyValue("store", store)
                    .addKeyValue("gaps", watch.gaps())
                    .addKeyValue("duplicates", watch.duplicates())
                    .addKeyValue("lagP99", watch.lag().p99Millis())
                    .log("watchers done");
        }
        StalledWatcher.Outcome stall = null;
        if (config.phases().contains("stall")) {
            stall =
                    new StalledWatcher(server)
                            .run(
                                    config.stallObjectBytes(),
                                    config.stallWrites(),
                                    config.stallAfterCutoff());
            log.atWarn()
                    .addKeyValue("store", store)
                    .addKeyValue("cutOff", stall.cutOff())
                    .addKeyValue("writes", stall.writes())
                    .log("stalled watcher done");
        }
        return new ReliabilityResults.StoreRun(
                store, startup, kill, counter, watch, stall, loadBefore, Proc.loadAverage());
    }

    /**
     * {@code git describe}-like: the short commit, with {@code -dirty} when the work tree has
     * changes.
     */
    private static String commit() {
        String head = git("rev-parse", "--short", "HEAD");
        if (head.isEmpty()) {
            return "unknown";
        }
        return git("status", "--porcelain", "--untracked-files=no").isEmpty()
                ? head
                : head + "-dirty";
    }

    private static String git(String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out =
                    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("dir", dir).setCause(e).log("could not delete benchmark data");
        } catch (UncheckedIOException e) {
            log.atWarn().addKeyValue("dir", dir).setCause(e).log("could not delete benchmark data");
        }
    }
}
