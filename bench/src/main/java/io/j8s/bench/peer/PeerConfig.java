package io.j8s.bench.peer;

import io.j8s.bench.support.Option;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one peer benchmark run does ({@link PeerBenchmark}). Immutable; {@link #parse} reads {@code
 * --name=value} options over the defaults.
 *
 * @param pods bare Pods created (then listed, read and deleted) per target, spread evenly over the
 *     clients
 * @param clients fabric8 clients, one thread each
 * @param warmup untimed Pods each target gets first (created, read and deleted: three calls each)
 * @param rounds how many times each target runs, alternating mock and j8s, each time fresh
 * @param pageSize {@code limit} of the paged lists
 * @param watch whether one watcher measures create answered to ADDED seen
 * @param mockTls the mock serves HTTPS (fabric8's {@code @EnableKubernetesMockClient} default) or
 *     plain HTTP
 * @param mockRequestLog keep the mock's log line per request (java.util.logging INFO to stderr, on
 *     by default in fabric8's tests); off, the mock does not pay for a console write per call
 * @param jar the shaded j8s jar the server runs from
 * @param jsa its AppCDS archive; used when the file exists
 * @param j8sArgs the server's flags besides the data dir, port, ranges and {@code --nodes=}
 * @param profile record a JFR profile of the j8s server during the create phase
 * @param workDir where the server's data dir and log go (deleted afterwards)
 */
public record PeerConfig(
        int pods,
        int clients,
        int warmup,
        int rounds,
        int pageSize,
        boolean watch,
        boolean mockTls,
        boolean mockRequestLog,
        Path jar,
        Path jsa,
        List<String> j8sArgs,
        boolean profile,
        Path workDir) {

    /** The flags of a j8s server as test clusters start it: no fsync of the store. */
    public static final List<String> TEST_CLUSTER_ARGS = List.of("--store-fsync=false");

    public PeerConfig {
        j8sArgs = List.copyOf(j8sArgs);
        if (pods < 1 || pods > 1_000_000) {
            throw new IllegalArgumentException("pods must be 1..1000000 but was " + pods);
        }
        if (clients < 1 || clients > 256) {
            throw new IllegalArgumentException("clients must be 1..256 but was " + clients);
        }
        if (warmup < 0 || warmup > 100_000) {
            throw new IllegalArgumentException("warmup must be 0..100000 but was " + warmup);
        }
        if (rounds < 1 || rounds > 100) {
            throw new IllegalArgumentException("rounds must be 1..100 but was " + rounds);
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException("page-size must be at least 1 but was " + pageSize);
        }
    }

    /**
     * Parses {@code --name=value} options: pods (3000), clients (8), warmup (1,000 Pods: 3,000
     * calls; fewer leave the JIT of the benchmark's JVM, which the mock shares, cold), rounds (1),
     * page-size (500), watch (true), mock-tls (true), mock-request-log (false), jar and jsa (under
     * {@code j8s-server/target/} of the working directory or its parent), j8s-args (space
     * separated; {@code --store-fsync=false}; empty: the server's defaults), profile (false),
     * work-dir.
     */
    public static PeerConfig parse(String[] args, Path defaultWorkDir) {
        int pods = 3_000;
        int clients = 8;
        int warmup = 1_000;
        int rounds = 1;
        int pageSize = 500;
        boolean watch = true;
        boolean mockTls = true;
        boolean mockRequestLog = false;
        Path jar = build("j8s.jar");
        Path jsa = build("j8s.jsa");
        List<String> j8sArgs = TEST_CLUSTER_ARGS;
        boolean profile = false;
        Path workDir = defaultWorkDir;
        for (Option o : Option.parse(args)) {
            String name = o.name();
            String v = o.value();
            switch (name) {
                case "pods" -> pods = Integer.parseInt(v);
                case "clients" -> clients = Integer.parseInt(v);
                case "warmup" -> warmup = Integer.parseInt(v);
                case "rounds" -> rounds = Integer.parseInt(v);
                case "page-size" -> pageSize = Integer.parseInt(v);
                case "watch" -> watch = Boolean.parseBoolean(v);
                case "mock-tls" -> mockTls = Boolean.parseBoolean(v);
                case "mock-request-log" -> mockRequestLog = Boolean.parseBoolean(v);
                case "jar" -> jar = Path.of(v);
                case "jsa" -> jsa = Path.of(v);
                case "j8s-args" ->
                        j8sArgs =
                                v.isBlank()
                                        ? List.of()
                                        : Arrays.stream(v.trim().split("\\s+")).toList();
                case "profile" -> profile = Boolean.parseBoolean(v);
                case "work-dir" -> workDir = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option --" + name);
            }
        }
        return new PeerConfig(
                pods,
                clients,
                warmup,
                rounds,
                pageSize,
                watch,
                mockTls,
                mockRequestLog,
                jar,
                jsa,
                j8sArgs,
                profile,
                workDir);
    }

    /** {@code j8s-server/target/<file>} from the repository root or from a module (tests). */
    private static Path build(String file) {
        Path here = Path.of("j8s-server", "target", file);
        Path parent = Path.of("..", "j8s-server", "target", file);
        return Files.exists(here) || !Files.exists(parent) ? here : parent;
    }

    /** One line naming the sizes, for logs and the report. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%,d Pods, %d clients, %,d warm-up Pods, %d round(s), pages of %d, watch %s",
                pods,
                clients,
                warmup,
                rounds,
                pageSize,
                watch ? "on" : "off");
    }
}
