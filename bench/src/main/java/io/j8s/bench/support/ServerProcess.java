package io.j8s.bench.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A {@code j8s server} in a child JVM ({@code java -cp ... io.j8s.server.Main server}, what {@code
 * bin/j8s server} runs), so that its memory, CPU time and profile are its own and not the
 * benchmark's. The benchmark chooses the data dir, the port and the flags; the server's log goes to
 * {@code server.log} beside the data dir.
 *
 * <p>Not thread-safe. {@link #close()} stops the server (and anything it started) and is
 * idempotent; a JVM shutdown hook does the same if the benchmark dies first.
 */
public final class ServerProcess implements AutoCloseable {
    /** Set to run the server on another class path than this JVM's (minus the bench module). */
    public static final String CLASSPATH_PROPERTY = "j8s.server.classpath";

    private final Spec spec;
    private final Path logFile;
    private final Thread shutdownHook;
    private Process process;
    private ApiClient client;
    private Duration startupTime;

    /**
     * How to start the server.
     *
     * @param dataDir {@code --data-dir}; the kubeconfig is read from it
     * @param port {@code --secure-port}
     * @param flags every other flag of {@code j8s server}
     * @param maxHeap e.g. {@code 4g}; null: the JVM's default, as users start it
     * @param jvmOptions more JVM options
     * @param jar null: {@code io.j8s.server.Main} on the class path (see {@link
     *     #serverClasspath()}); else {@code java -jar jar server}, as {@code bin/j8s} and test
     *     clusters start the shaded jar
     */
    public record Spec(
            Path dataDir,
            int port,
            List<String> flags,
            String maxHeap,
            List<String> jvmOptions,
            Path jar) {
        public Spec {
            flags = List.copyOf(flags);
            jvmOptions = List.copyOf(jvmOptions);
        }

        /** {@code io.j8s.server.Main} on the class path. */
        public Spec(
                Path dataDir,
                int port,
                List<String> flags,
                String maxHeap,
                List<String> jvmOptions) {
            this(dataDir, port, flags, maxHeap, jvmOptions, null);
        }
    }

    private ServerProcess(Spec spec) {
        this.spec = spec;
        this.logFile = spec.dataDir().resolveSibling(spec.dataDir().getFileName() + "-server.log");
        this.shutdownHook = new Thread(this::kill, "j8s-bench-server-cleanup");
    }

    /**
     * Starts the server and waits until {@code /readyz} answers 200 (the watch cache has loaded the
     * store); {@link #startupTime()} is the time from launching the JVM to that answer.
     *
     * @throws IllegalStateException with the log's tail when the server exits or is not ready in
     *     time
     */
    public static ServerProcess start(Spec spec, Duration timeout) {
        ServerProcess server = new ServerProcess(spec);
        Runtime.getRuntime().addShutdownHook(server.shutdownHook);
        try {
            server.launch(timeout);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void launch(Duration timeout) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (spec.maxHeap() != null) {
            cmd.add("-Xmx" + spec.maxHeap());
        }
        cmd.add("-XX:+UseG1GC");
        // Profiles attribute samples to the exact line, not the nearest safepoint.
        cmd.add("-XX:+UnlockDiagnosticVMOptions");
        cmd.add("-XX:+DebugNonSafepoints");
        cmd.addAll(spec.jvmOptions());
        if (spec.jar() != null) {
            cmd.add("-jar");
            cmd.add(spec.jar().toAbsolutePath().toString());
        } else {
            cmd.add("-cp");
            cmd.add(serverClasspath());
            cmd.add("io.j8s.server.Main");
        }
        cmd.add("server");
        cmd.add("--data-dir=" + spec.dataDir().toAbsolutePath());
        cmd.add("--secure-port=" + spec.port());
        cmd.addAll(spec.flags());
        try {
            Files.createDirectories(spec.dataDir());
            // Appended: a server started again on the same data dir (after a stop or a kill) keeps
            // the earlier runs' log above its own.
            Files.writeString(
                    logFile,
                    String.join(" ", cmd) + "\n\n",
                    StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long started = System.nanoTime();
        try {
            process =
                    new ProcessBuilder(cmd)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                            .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the j8s server", e);
        }
        long deadline = started + timeout.toNanos();
        Path kubeconfig = spec.dataDir().resolve("kubeconfig.yaml");
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the j8s server exited with " + process.exitValue() + ":\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the j8s server was not ready within " + timeout + ":\n" + logTail());
            }
            if (client == null && Files.exists(kubeconfig)) {
                try {
                    client = ApiClient.fromKubeconfig(kubeconfig);
                } catch (RuntimeException e) {
                    client = null; // written but not complete yet
                }
            }
            if (client != null && ready()) {
                startupTime = Duration.ofNanos(System.nanoTime() - started);
                return;
            }
            sleep(20);
        }
    }

    private boolean ready() {
        try {
            return client.get("/readyz").status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Launch to the first 200 from {@code /readyz}. */
    public Duration startupTime() {
        return startupTime;
    }

    /** An admin client (the kubeconfig the server wrote in its data dir). */
    public ApiClient client() {
        return client;
    }

    public Path kubeconfig() {
        return spec.dataDir().resolve("kubeconfig.yaml");
    }

    public long pid() {
        return process.pid();
    }

    public Spec spec() {
        return spec;
    }

    public Path logFile() {
        return logFile;
    }

    /** User + system CPU seconds the server has used. */
    public double cpuSeconds() {
        return Proc.cpuSeconds(pid());
    }

    /** RSS now, then a full GC and the heap used after it. */
    public Memory memory() {
        long rss = Proc.rssBytes(pid());
        long heap = Jcmd.heapUsedAfterGc(pid());
        return new Memory(rss, heap);
    }

    /** Resident set size and heap after a full GC, in bytes. */
    public record Memory(long rssBytes, long heapAfterGcBytes) {}

    /**
     * Stops the server with SIGTERM (as Ctrl-C or systemd would) and waits for it to exit; kills it
     * after 60 s.
     *
     * @return the time it took to exit
     */
    public Duration stop() {
        if (process == null) {
            return Duration.ZERO;
        }
        if (client != null) {
            client.close();
            client = null;
        }
        long start = System.nanoTime();
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        children.forEach(ProcessHandle::destroyForcibly);
        process = null;
        return took;
    }

    /**
     * Kills the server with SIGKILL ({@code kill -9}: no shutdown hook, no flush, no goodbye to its
     * clients) and waits until it is gone. {@link #close()} afterwards only unregisters the JVM
     * shutdown hook.
     */
    public void killForcibly() {
        if (process == null) {
            return;
        }
        if (client != null) {
            client.close();
            client = null;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(
                        "the j8s server " + process.pid() + " outlived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the killed server", e);
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
        }
        process = null;
    }

    /** The last lines of the server's log. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the server. Idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: the hook runs or ran.
        }
    }

    private void kill() {
        Process p = process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /**
     * The server's class path: {@value #CLASSPATH_PROPERTY} if set, else this JVM's (or surefire's
     * test) class path without the bench module's own directories (their {@code logback.xml} is the
     * benchmark's, not the server's).
     */
    static String serverClasspath() {
        String explicit = System.getProperty(CLASSPATH_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        Path own;
        try {
            own =
                    Path.of(
                                    ServerProcess.class
                                            .getProtectionDomain()
                                            .getCodeSource()
                                            .getLocation()
                                            .toURI())
                            .toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path moduleTarget = own.getParent();
        // Under surefire, java.class.path is a manifest-only jar; the real one is in this property.
        String classpath =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classpath.split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).toAbsolutePath().getParent().equals(moduleTarget))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
