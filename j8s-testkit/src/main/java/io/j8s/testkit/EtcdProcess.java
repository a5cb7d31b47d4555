package io.j8s.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-member {@code etcd} for tests: free loopback ports, a temporary data dir (in memory
 * by default, see {@link #start()}), logs in that dir. {@link #close()} stops it and deletes the
 * dir; a JVM shutdown hook does the same if a test never gets there, so no etcd outlives the test
 * JVM (short of {@code kill -9} of the JVM).
 *
 * <p>Use from any module's tests (the j8s-store test-jar):
 *
 * <pre>{@code
 * @BeforeAll static void startEtcd() { EtcdProcess.requireInstalled(); etcd = EtcdProcess.start(); }
 * @AfterAll static void stopEtcd() { etcd.close(); }
 * ... EtcdStore.connect(EtcdStoreOptions.defaults(etcd.endpoints()).withKeyPrefix("/t1/")) ...
 * }</pre>
 *
 * <p>Thread safety: start, stop, restart and close must not race each other.
 */
public final class EtcdProcess implements AutoCloseable {
    private static final String BINARY = "etcd";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path baseDir;
    private final Path dataDir;
    private final Path logFile;
    private final int clientPort;
    private final int peerPort;
    private final Thread shutdownHook;
    private Process process;

    private EtcdProcess(Path baseDir, int clientPort, int peerPort) {
        this.baseDir = baseDir;
        this.dataDir = baseDir.resolve("data");
        this.logFile = baseDir.resolve("etcd.log");
        this.clientPort = clientPort;
        this.peerPort = peerPort;
        this.shutdownHook = new Thread(this::destroyAndDelete, "etcd-process-cleanup");
    }

    /** Whether an {@code etcd} binary is on the PATH. */
    public static boolean isInstalled() {
        return findBinary() != null;
    }

    /**
     * Fails the calling test (class) with a clear message when {@code etcd} is not on the PATH
     * (skips it under {@link HostTools#ALLOW_MISSING}).
     */
    public static void requireInstalled() {
        HostTools.require(isInstalled(), "etcd (on the PATH)", "apt-get install -y etcd-server");
    }

    /**
     * Starts a new etcd on free loopback ports, with its data in memory ({@code /dev/shm}, where
     * fsync costs nothing) when the machine has it, and waits until it reports healthy. Tests check
     * behaviour, not etcd's durability; use {@link #start(Path)} with a disk directory to measure.
     */
    public static EtcdProcess start() {
        return start(dataParent());
    }

    /** Starts a new etcd whose data dir is a new directory inside {@code parentDir}. */
    public static EtcdProcess start(Path parentDir) {
        Path binary = findBinary();
        if (binary == null) {
            throw new IllegalStateException("etcd is not on the PATH");
        }
        try {
            Path base = Files.createTempDirectory(parentDir, "j8s-etcd-");
            EtcdProcess etcd = new EtcdProcess(base, freePort(), freePort());
            Runtime.getRuntime().addShutdownHook(etcd.shutdownHook);
            try {
                etcd.launch();
            } catch (RuntimeException e) {
                etcd.close();
                throw e;
            }
            return etcd;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The client URL, {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + clientPort);
    }

    public List<URI> endpoints() {
        return List.of(endpoint());
    }

    /** The value for an {@code --etcd-endpoints} flag. */
    public String endpointsFlag() {
        return endpoint().toString();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops etcd gracefully (SIGTERM, then SIGKILL after 10 s); keeps the data dir. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Stops etcd and starts it again on the same ports with the same data. */
    public void restart() {
        stop();
        launch();
    }

    /** Stops etcd and deletes its directory. Idempotent. */
    @Override
    public void close() {
        destroyAndDelete();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or ran.
        }
    }

    @Override
    public String toString() {
        return "EtcdProcess[" + endpoint() + ", " + baseDir + "]";
    }

    private void launch() {
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        ProcessBuilder pb =
                new ProcessBuilder(
                                findBinary().toString(),
                                "--name",
                                "j8s-test",
                                "--data-dir",
                                dataDir.toString(),
                                "--listen-client-urls",
                                client,
                                "--advertise-client-urls",
                                client,
                                "--listen-peer-urls",
                                peer,
                                "--initial-advertise-peer-urls",
                                peer,
                                "--initial-cluster",
                                "j8s-test=" + peer,
                                "--initial-cluster-state",
                                "new",
                                "--logger",
                                "zap",
                                "--log-level",
                                "warn")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd", e);
        }
        awaitHealthy();
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        awaitHealthy(http, endpoint(), process, START_TIMEOUT, "etcd", logFile);
    }

    /**
     * Waits until the etcd at {@code endpoint} reports healthy, failing with the tail of its log
     * when {@code process} exits or {@code timeout} passes; {@code what} names it in the message.
     */
    static void awaitHealthy(
            HttpClient http,
            URI endpoint,
            Process process,
            Duration timeout,
            String what,
            Path logFile) {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(endpoint + "/health"))
                        .timeout(Duration.ofSeconds(2))
                        .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        what + " exited with " + process.exitValue() + ":\n" + logTail(logFile));
            }
            try {
                HttpResponse<String> response =
                        http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200
                        && response.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet, or no leader yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd", e);
            }
            sleep(50);
        }
        throw new IllegalStateException(
                what + " did not become healthy within " + timeout + ":\n" + logTail(logFile));
    }

    /** Sleeps; an interrupt ends the wait with an IllegalStateException (the flag set again). */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }

    /** The last 30 lines of {@code logFile}, for an error message. */
    static String logTail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private synchronized void destroyAndDelete() {
        if (process != null) {
            kill(process);
            process = null;
        }
        deleteTree(baseDir);
    }

    /** Kills {@code process} with SIGKILL and waits (up to 10 s) until it is gone. */
    static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes {@code dir} and everything in it, best effort. */
    static void deleteTree(Path dir) {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                // Best effort: a temp dir left behind is not worth failing a test for.
            }
        }
    }

    /**
     * Where etcd data dirs go: {@code /dev/shm} (in memory, fsync costs nothing) when writable,
     * else the temp dir.
     */
    static Path dataParent() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm)
                ? shm
                : Path.of(System.getProperty("java.io.tmpdir"));
    }

    static Path findBinary() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, BINARY);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
