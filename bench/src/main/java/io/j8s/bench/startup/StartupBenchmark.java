package io.j8s.bench.startup;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The start-up benchmark (bench/startup.sh): how long from launching a fresh JVM until a cluster is
 * usable, median, min and max of {@code --runs} starts, one at a time. Cases ({@code --cases}):
 *
 * <ul>
 *   <li>{@code server}: {@code java -jar j8s.jar server} with its defaults (durable sqlite, no
 *       class data sharing archive) on free ports, until it prints "j8s is running" (its {@code
 *       /readyz} passed: API, controllers with synced informers, the node Ready);
 *   <li>{@code server-fast}: the same with the build's AppCDS archive ({@code
 *       -XX:SharedArchiveFile}) and {@code --store-fsync=false}, as test clusters start;
 *   <li>{@code mock}: fabric8's {@code KubernetesMockServer} in CRUD mode ({@link MockServerStart})
 *       until its first successful list through a fabric8 client;
 *   <li>{@code junit}: {@code J8sCluster.start()} to a ready cluster, a first one (the cluster host
 *       JVM starts) and a second one in the same test JVM ({@link J8sClusterStart}): the host as
 *       users get it (its class data sharing archive, written by one untimed run before, C1 only,
 *       {@code --store-fsync=false}, the shared test PKI), measured in the test JVM around {@code
 *       start()}. Two kinds of run, alternating: without prefetching ({@code -Dj8s.prefetch=false},
 *       the second start right after the first: what a start costs), and as users get it (the
 *       default: prefetching on, a test on the first cluster before the second start: the seed
 *       applied and its endpoints awaited). Rows {@code junit-first}, {@code junit-second, no
 *       prefetch} and {@code junit-second after a test, prefetched};
 *   <li>{@code launcher}: a test JVM whose JUnit Platform launcher runs a class starting two
 *       clusters ({@link LauncherStart}), with j8s-junit's host pre-start at the launcher session's
 *       opening and without it ({@code -Dj8s.host.prestart=false}), alternating: the first cluster
 *       from {@code start()} and from the JVM's launch, the second from {@code start()}.
 * </ul>
 *
 * Every process is stopped and its data dir deleted after its run. The report (Markdown) goes to
 * stdout, progress to stderr.
 */
public final class StartupBenchmark {
    private static final long TIMEOUT_SECONDS = 180;

    private StartupBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts =
                new LinkedHashMap<>(
                        Map.of(
                                "runs",
                                "10",
                                "cases",
                                "server,server-fast,mock,junit",
                                "jar",
                                "j8s-server/target/j8s.jar",
                                "jsa",
                                "j8s-server/target/j8s.jsa",
                                "work-dir",
                                "bench/out"));
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("options look like --name=value, got " + arg);
            }
            String name = arg.substring(2, arg.indexOf('='));
            if (!opts.containsKey(name)) {
                throw new IllegalArgumentException(
                        "unknown option --" + name + "; known: " + opts.keySet());
            }
            opts.put(name, arg.substring(arg.indexOf('=') + 1));
        }
        int runs = Integer.parseInt(opts.get("runs"));
        Path jar = Path.of(opts.get("jar")).toAbsolutePath();
        Path jsa = Path.of(opts.get("jsa")).toAbsolutePath();
        Path work = Files.createDirectories(Path.of(opts.get("work-dir")).toAbsolutePath());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String load = loadAverage();
        List<String> rows = new ArrayList<>();
        for (String c : opts.get("cases").split(",")) {
            if (c.equals("junit")) {
                rows.addAll(runJunit(java, runs, work));
                continue;
            }
            if (c.equals("launcher")) {
                rows.addAll(runLauncher(java, runs, work));
                continue;
            }
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long ms =
                        switch (c) {
                            case "server" -> runServer(java, jar, List.of(), List.of(), work);
                            case "server-fast" -> {
                                if (!Files.isRegularFile(jsa)) {
                                    throw new IllegalStateException(
                                            jsa
                                                    + " is missing: build j8s-server without"
                                                    + " -Dj8s.cds.skip=true");
                                }
                                yield runServer(
                                        java,
                                        jar,
                                        List.of(
                                                "-XX:SharedArchiveFile=" + jsa,
                                                "-Xlog:cds=off",
                                                "-Xlog:cds+dynamic=off"),
                                        List.of("--store-fsync=false"),
                                        work);
                            }
                            case "mock" ->
                                    runUntil(
                                            List.of(
                                                    java,
                                                    "-cp",
                                                    System.getProperty("java.class.path"),
                                                    MockServerStart.class.getName()),
                                            "usable",
                                            false);
                            default ->
                                    throw new IllegalArgumentException(
                                            "unknown case "
                                                    + c
                                                    + "; known: server, server-fast, mock, junit,"
                                                    + " launcher");
                        };
                System.err.printf("%s run %d: %d ms%n", c, i + 1, ms);
                times.add(ms);
            }
            rows.add(row(c, times));
        }
        System.out.println("Load average before: " + load + "; after: " + loadAverage());
        System.out.println();
        System.out.println("| case | median ms | min ms | max ms | runs |");
        System.out.println("|---|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private static String row(String name, List<Long> times) {
        times.sort(Comparator.naturalOrder());
        return String.format(
                "| %s | %d | %d | %d | %d |",
                name, median(times), times.get(0), times.get(times.size() - 1), times.size());
    }

    /**
     * The junit case: one untimed run that writes the host's archive, then {@code runs} timed ones.
     */
    private static List<String> runJunit(String java, int runs, Path work) throws Exception {
        Path cache = Files.createDirectories(work.resolve("junit-cache"));
        if (Files.exists(cache)) {
            deleteTree(cache);
        }
        Files.createDirectories(cache);
        List<String> base = new ArrayList<>(List.of(java, "-Dj8s.cache=" + cache));
        String hostArgs = System.getProperty("j8s.host.jvmArgs");
        if (hostArgs != null) {
            base.add("-Dj8s.host.jvmArgs=" + hostArgs);
        }
        base.addAll(
                List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        J8sClusterStart.class.getName()));
        System.err.println("junit: writing the cluster host's archive: " + output(base));
        List<String> cold = new ArrayList<>(base);
        cold.add(1, "-Dj8s.prefetch=false");
        List<String> afterTest = new ArrayList<>(base);
        afterTest.add("test");
        List<Long> first = new ArrayList<>();
        List<Long> second = new ArrayList<>();
        List<Long> prefetched = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            String line = output(cold);
            System.err.printf("junit run %d, no prefetch: %s%n", i + 1, line);
            first.add(Long.parseLong(line.replaceAll(".*\\bfirst=(\\d+).*", "$1")));
            second.add(Long.parseLong(line.replaceAll(".*\\bsecond=(\\d+).*", "$1")));
            line = output(afterTest);
            System.err.printf("junit run %d, a test between: %s%n", i + 1, line);
            if (!line.contains("prefetched=true")) {
                throw new IllegalStateException("the second cluster was not prefetched: " + line);
            }
            prefetched.add(Long.parseLong(line.replaceAll(".*\\bsecond=(\\d+).*", "$1")));
        }
        return List.of(
                row("junit-first", first),
                row("junit-second, no prefetch", second),
                row("junit-second after a test, prefetched", prefetched));
    }

    /**
     * The launcher case ({@link LauncherStart}): a test JVM whose JUnit Platform launcher runs a
     * class starting two clusters, with j8s-junit's host pre-start (the default) and without
     * ({@code -Dj8s.host.prestart=false}), alternating; one untimed run first writes the archive.
     * Rows: from {@code start()} and from the JVM's launch to the first cluster usable, and the
     * second cluster from {@code start()}.
     */
    private static List<String> runLauncher(String java, int runs, Path work) throws Exception {
        Path cache = work.resolve("launcher-cache");
        if (Files.exists(cache)) {
            deleteTree(cache);
        }
        Files.createDirectories(cache);
        Map<String, List<List<Long>>> times = new LinkedHashMap<>();
        for (int i = -1; i < runs; i++) {
            for (String prestart : List.of("true", "false")) {
                List<String> command =
                        new ArrayList<>(
                                List.of(
                                        java,
                                        "-Dj8s.cache=" + cache,
                                        "-Dj8s.host.prestart=" + prestart));
                String hostArgs = System.getProperty("j8s.host.jvmArgs");
                if (hostArgs != null) {
                    command.add("-Dj8s.host.jvmArgs=" + hostArgs);
                }
                command.add("-Dbench.launchedAt=" + System.currentTimeMillis());
                command.addAll(
                        List.of(
                                "-cp",
                                System.getProperty("java.class.path"),
                                LauncherStart.class.getName()));
                String line = output(command);
                if (i < 0) {
                    System.err.println("launcher: writing the cluster host's archive: " + line);
                    continue;
                }
                System.err.printf("launcher run %d prestart=%s: %s%n", i + 1, prestart, line);
                List<List<Long>> t =
                        times.computeIfAbsent(
                                prestart,
                                k ->
                                        List.of(
                                                new ArrayList<>(),
                                                new ArrayList<>(),
                                                new ArrayList<>()));
                t.get(0).add(Long.parseLong(line.replaceAll(".*\\bfirst=(\\d+).*", "$1")));
                t.get(1).add(Long.parseLong(line.replaceAll(".*\\blaunchFirst=(\\d+).*", "$1")));
                t.get(2).add(Long.parseLong(line.replaceAll(".*\\bsecond=(\\d+).*", "$1")));
            }
        }
        List<String> rows = new ArrayList<>();
        for (var e : times.entrySet()) {
            String p = e.getKey().equals("true") ? "pre-start" : "no pre-start";
            rows.add(row("launcher-first from start(), " + p, e.getValue().get(0)));
            rows.add(row("launcher-first from JVM launch, " + p, e.getValue().get(1)));
            rows.add(row("launcher-second from start(), " + p, e.getValue().get(2)));
        }
        return rows;
    }

    /** Runs {@code command} to its end, returns its stdout's line starting with {@code first=}. */
    private static String output(List<String> command) throws Exception {
        Process process =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String result;
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            result = in.lines().filter(l -> l.startsWith("first=")).findFirst().orElse(null);
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException(
                    command + " did not end within " + TIMEOUT_SECONDS + " s");
        }
        if (result == null || process.exitValue() != 0) {
            throw new IllegalStateException(command + " failed (exit " + process.exitValue() + ")");
        }
        return result;
    }

    private static long runServer(
            String java, Path jar, List<String> jvmOptions, List<String> flags, Path work)
            throws Exception {
        Path dir = Files.createTempDirectory(work, "startup");
        try {
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(jvmOptions);
            command.addAll(
                    List.of(
                            "-jar",
                            jar.toString(),
                            "server",
                            "--data-dir",
                            dir.resolve("data").toString(),
                            "--secure-port",
                            Integer.toString(freePort()),
                            "--kubelet-port",
                            Integer.toString(freePort()),
                            // ranges of their own: never a running server's addresses
                            "--service-cluster-ip-range",
                            "127.91.0.0/16",
                            "--cluster-cidr",
                            "127.241.0.0/16",
                            "--nodes",
                            "node01"));
            command.addAll(flags);
            return runUntil(command, "j8s is running", true);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * Starts {@code command}, returns the milliseconds until a line containing {@code marker}
     * appears (on stderr when {@code stderr}, else stdout), then stops the process.
     */
    private static long runUntil(List<String> command, String marker, boolean stderr)
            throws Exception {
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
        if (stderr) {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        long begin = System.nanoTime();
        Process process = builder.start();
        try {
            CompletableFuture<Long> seen =
                    CompletableFuture.supplyAsync(
                            () -> {
                                StringBuilder tail = new StringBuilder();
                                try (BufferedReader in =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        stderr
                                                                ? process.getErrorStream()
                                                                : process.getInputStream(),
                                                        StandardCharsets.UTF_8))) {
                                    String line;
                                    while ((line = in.readLine()) != null) {
                                        if (line.contains(marker)) {
                                            return System.nanoTime();
                                        }
                                        tail.append(line).append('\n');
                                        if (tail.length() > 20_000) {
                                            tail.delete(0, tail.length() - 10_000);
                                        }
                                    }
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                                throw new IllegalStateException(
                                        "the process ended before \""
                                                + marker
                                                + "\"; its last output:\n"
                                                + tail);
                            });
            long end = seen.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return (end - begin) / 1_000_000;
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static long median(List<Long> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String loadAverage() {
        try {
            return String.join(
                    " ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
