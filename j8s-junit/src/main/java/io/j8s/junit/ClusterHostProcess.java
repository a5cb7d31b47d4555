package io.j8s.junit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The test JVM's side of the cluster host (docs/architecture.md, "j8s-junit"): one child JVM per
 * test JVM, started at the first cluster with the test's own {@code java}, running {@code
 * io.j8s.server.testhost.HostMain} (which runs {@code ClusterHost}) from the embedded jar. Requests
 * go as JSON lines on its stdin, answers come back on its stdout; its stderr (its log) goes to
 * {@code host.log} in its temporary directory. Closing its stdin stops it: at the end of the test
 * JVM (a shutdown hook), or when the test JVM dies (the pipe closes).
 */
final class ClusterHostProcess {
    static final String MAIN_CLASS = "io.j8s.server.testhost.HostMain";

    /** How long the host JVM may take to answer its first line. */
    static final Duration HELLO_TIMEOUT = Duration.ofSeconds(60);

    /** Added to a request's own timeout before the test side gives up on its answer. */
    static final Duration GRACE = Duration.ofSeconds(30);

    /** How long the host may take to stop its clusters and exit once its stdin closed. */
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private static ClusterHostProcess current;
    private static boolean hookInstalled;

    private final Process process;
    private final Path dir;
    private final Path logFile;
    private final OutputStream stdin;
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending =
            new ConcurrentHashMap<>();
    private final CompletableFuture<Map<String, Object>> hello = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean failed;

    /** The archive this host writes when it exits, or null. */
    private final HostArchive writing;

    private ClusterHostProcess(Process process, Path dir, Path logFile, HostArchive writing) {
        this.process = process;
        this.writing = writing;
        this.dir = dir;
        this.logFile = logFile;
        this.stdin = process.getOutputStream();
        Thread reader = new Thread(this::readAnswers, "j8s-host-reader-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** The running host, started if there is none (or the last one died). */
    static ClusterHostProcess get() {
        return get(null, false);
    }

    /**
     * The running host, started if there is none (or the last one died); a host started here starts
     * a cluster of {@code flags} (null: none) at launch, before it answers anything, so the first
     * {@code start()} with them finds it on its way: the caller's own ({@code prefetch} false: the
     * answer does not count it as prefetched), or a prefetch for a first {@code start()} that may
     * come.
     */
    static synchronized ClusterHostProcess get(List<String> flags, boolean prefetch) {
        if (current == null || !current.process.isAlive()) {
            current = start(flags == null ? null : new Launch(flags, prefetch));
            if (!hookInstalled) {
                hookInstalled = true;
                Runtime.getRuntime()
                        .addShutdownHook(
                                new Thread(
                                        ClusterHostProcess::shutdownCurrent, "j8s-host-shutdown"));
            }
        }
        return current;
    }

    /** The running host, or null. */
    static synchronized ClusterHostProcess running() {
        return current != null && current.process.isAlive() ? current : null;
    }

    /** Stops the host, if one runs, and every cluster in it. */
    static void shutdownCurrent() {
        ClusterHostProcess host;
        synchronized (ClusterHostProcess.class) {
            host = current;
            current = null;
        }
        if (host != null) {
            host.shutdown();
        }
    }

    /** A cluster the host starts at launch: its flags, and whether it is a prefetch. */
    private record Launch(List<String> flags, boolean prefetch) {}

    private static ClusterHostProcess start(Launch launch) {
        Path jar = EmbeddedJar.path();
        HostArchive archive =
                HostArchive.enabled() ? HostArchive.forJar(jar, !EmbeddedJar.given()) : null;
        List<String> cds = archive == null ? List.of() : archive.flags(jar);
        try {
            return start(jar, archive, cds, launch);
        } catch (HostDiedEarly e) {
            if (archive == null || !cds.contains("-XX:SharedArchiveFile=" + archive.archive())) {
                throw e.failure;
            }
            // the JVM could not use the archive (a crash mapping it): drop it, start without
            archive.discard();
            return start(jar, null, List.of(), launch);
        }
    }

    /** The host died before its first line (thrown only then, for one retry without archive). */
    private static final class HostDiedEarly extends RuntimeException {
        final J8sException failure;

        HostDiedEarly(J8sException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    private static ClusterHostProcess start(
            Path jar, HostArchive archive, List<String> cds, Launch launch) {
        Path dir;
        try {
            dir = Files.createTempDirectory("j8s-host-");
        } catch (IOException e) {
            throw new J8sException(
                    "cannot create the cluster host's temporary directory: " + e.getMessage(), e);
        }
        Path log = dir.resolve("host.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags(cds));
        command.add("-XX:ErrorFile=" + dir.resolve("hs_err_pid%p.log"));
        String extra = System.getProperty("j8s.host.jvmArgs", "");
        for (String arg : extra.trim().split("\\s+")) {
            if (!arg.isEmpty()) {
                command.add(arg);
            }
        }
        command.addAll(
                List.of(
                        "-cp",
                        jar.toString(),
                        MAIN_CLASS,
                        "--dir",
                        dir.toString(),
                        "--cache",
                        EmbeddedJar.cacheRoot().toAbsolutePath().toString()));
        if (launch != null) {
            // read by io.j8s.server.testhost.ClusterHost (START_ARG, PREFETCH_ARG)
            String flag = launch.prefetch() ? "--prefetch-arg=" : "--start-arg=";
            for (String arg : launch.flags()) {
                command.add(flag + arg);
            }
        }
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        } catch (IOException e) {
            throw new J8sException(
                    "cannot start the cluster host " + command + ": " + e.getMessage(), e);
        }
        ClusterHostProcess host =
                new ClusterHostProcess(process, dir, log, HostArchive.writes(cds) ? archive : null);
        try {
            host.hello.get(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return host;
        } catch (TimeoutException e) {
            host.failed = true;
            host.shutdown();
            throw new J8sException(
                    "the cluster host did not start within "
                            + HELLO_TIMEOUT.toSeconds()
                            + " s"
                            + host.logHint());
        } catch (ExecutionException e) {
            host.failed = true;
            host.shutdown();
            J8sException failure = new J8sException(e.getCause().getMessage(), e.getCause());
            throw new HostDiedEarly(failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            host.shutdown();
            throw new J8sException("interrupted while the cluster host started");
        }
    }

    /**
     * The host JVM's own flags before the user's ({@code -Dj8s.host.jvmArgs}): the class data
     * sharing archive's ({@link HostArchive}), the JVM's own messages on stderr ({@code
     * -XX:+DisplayVMOutputToStderr}: stdout is the protocol's), and C1 only ({@code
     * -XX:TieredStopAtLevel=1}: a cluster's start is short, and C2's compilations cost more CPU
     * than they save on 2 cores).
     */
    static List<String> jvmFlags(List<String> cds) {
        List<String> flags = new ArrayList<>(cds);
        flags.add("-XX:+DisplayVMOutputToStderr");
        flags.add("-XX:TieredStopAtLevel=1");
        return flags;
    }

    /** The host JVM's process. */
    ProcessHandle handle() {
        return process.toHandle();
    }

    /**
     * Sends {@code op} with {@code params} and waits for its answer: the host bounds the work by
     * {@code timeout}, this side waits {@link #GRACE} longer before giving up.
     *
     * @throws J8sException with the host's message when the request failed
     */
    Map<String, Object> call(String op, Map<String, Object> params, Duration timeout) {
        long id = ids.incrementAndGet();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", id);
        request.put("op", op);
        request.put("timeoutMs", Math.max(1, timeout.toMillis()));
        request.putAll(params);
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            byte[] line = (Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (stdin) {
                stdin.write(line);
                stdin.flush();
            }
            Map<String, Object> result =
                    answer.get(timeout.plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
            if (!Boolean.TRUE.equals(result.get("ok"))) {
                throw new J8sException(String.valueOf(result.get("error")));
            }
            return result;
        } catch (IOException e) {
            failed = true;
            throw new J8sException(
                    "cannot reach the cluster host (" + exitStatus() + ")" + logHint(), e);
        } catch (TimeoutException e) {
            failed = true;
            throw new J8sException(
                    "the cluster host did not answer '"
                            + op
                            + "' within "
                            + timeout.plus(GRACE).toSeconds()
                            + " s"
                            + logHint());
        } catch (ExecutionException e) {
            throw new J8sException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new J8sException("interrupted while waiting for '" + op + "'");
        } finally {
            pending.remove(id);
        }
    }

    @SuppressWarnings("unchecked")
    private void readAnswers() {
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                Map<String, Object> message;
                try {
                    message = (Map<String, Object>) Json.parse(line);
                } catch (RuntimeException e) {
                    failed = true;
                    continue; // not ours: the host keeps stdout for the protocol, this should not
                    // happen
                }
                if ("ready".equals(message.get("event"))) {
                    hello.complete(message);
                    continue;
                }
                Object id = message.get("id");
                CompletableFuture<Map<String, Object>> answer =
                        id instanceof Long n ? pending.get(n) : null;
                if (answer != null) {
                    answer.complete(message);
                } else if (Boolean.TRUE.equals(message.get("ok"))
                        && message.get("kubeconfig") != null) {
                    stopOrphan(String.valueOf(message.get("cluster")));
                } else if (!Boolean.TRUE.equals(message.get("ok"))) {
                    failed = true; // an error the host could not tie to a request
                }
            }
        } catch (IOException | RuntimeException e) {
            // the host is gone: answered below
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        J8sException gone =
                new J8sException("the cluster host stopped (" + exitStatus() + ")" + logHint());
        if (!hello.isDone() || process.isAlive() || process.exitValue() != 0) {
            failed = true;
        }
        hello.completeExceptionally(gone);
        pending.values().forEach(f -> f.completeExceptionally(gone));
    }

    /**
     * A start answered after this side gave up on it: nobody holds that cluster, so it is stopped
     * now.
     */
    private void stopOrphan(String cluster) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", ids.incrementAndGet());
        request.put("op", "stop");
        request.put("cluster", cluster);
        try {
            byte[] line = (Json.write(request) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (stdin) {
                stdin.write(line);
                stdin.flush();
            }
        } catch (IOException e) {
            // the host is gone, and the cluster with it
        }
    }

    private String exitStatus() {
        return process.isAlive() ? "running" : "exit code " + process.exitValue();
    }

    /** Where the host's log is, and its last lines. */
    String logHint() {
        return "; the host's log " + logFile + " ends with:\n" + tail(logFile, 4096);
    }

    private static String tail(Path file, int bytes) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - bytes);
            f.seek(start);
            byte[] buffer = new byte[(int) (f.length() - start)];
            f.readFully(buffer);
            return new String(buffer, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * Closes the host's stdin, which makes it stop every cluster and exit; kills it (and what it
     * started) if it has not exited after {@link #EXIT_TIMEOUT}. Deletes its directory unless
     * something failed (then the log stays for reading, and its path is printed).
     */
    void shutdown() {
        try {
            stdin.close();
        } catch (IOException e) {
            // already closed: the host is exiting
        }
        boolean exited;
        try {
            exited = process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (writing != null) {
            writing.adopt(exited ? process.exitValue() : -1);
        }
        if (!exited) {
            failed = true;
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failed) {
            System.err.println("j8s: the cluster host's log is kept in " + logFile);
        } else {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
