package io.j8s.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real etcd cluster of several members for tests, each member an {@code etcd} process on its own
 * loopback client and peer ports, with its data in memory ({@code /dev/shm}) when the machine has
 * it. {@link #kill(int)} ends one member with SIGKILL (a crash, as {@code kill -9}); {@link
 * #leader()} asks the members which of them leads. {@link #close()} kills every member and deletes
 * the directory; a JVM shutdown hook does the same if a test never gets there.
 *
 * <pre>{@code
 * EtcdProcess.requireInstalled();
 * try (EtcdCluster etcd = EtcdCluster.start(3)) {
 *     ... --store etcd --etcd-endpoints etcd.endpointsFlag() ...
 *     etcd.kill(etcd.leader());
 * }
 * }</pre>
 *
 * <p>Thread safety: start, kill and close must not race each other.
 */
public final class EtcdCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern MEMBER_ID = Pattern.compile("\"member_id\"\\s*:\\s*\"?(\\d+)");
    private static final Pattern LEADER = Pattern.compile("\"leader\"\\s*:\\s*\"?(\\d+)");

    private final Path baseDir;
    private final int[] clientPorts;
    private final int[] peerPorts;
    private final Process[] processes;
    private final Thread shutdownHook;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private EtcdCluster(Path baseDir, int members) throws IOException {
        this.baseDir = baseDir;
        this.clientPorts = new int[members];
        this.peerPorts = new int[members];
        this.processes = new Process[members];
        for (int i = 0; i < members; i++) {
            clientPorts[i] = EtcdProcess.freePort();
            peerPorts[i] = EtcdProcess.freePort();
        }
        this.shutdownHook = new Thread(this::destroyAndDelete, "etcd-cluster-cleanup");
    }

    /**
     * Starts a cluster of {@code members} members and waits until each reports healthy (a leader
     * exists).
     */
    public static EtcdCluster start(int members) {
        Path binary = EtcdProcess.findBinary();
        if (binary == null) {
            throw new IllegalStateException("etcd is not on the PATH");
        }
        try {
            EtcdCluster cluster =
                    new EtcdCluster(
                            Files.createTempDirectory(
                                    EtcdProcess.dataParent(), "j8s-etcd-cluster-"),
                            members);
            Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
            try {
                for (int i = 0; i < members; i++) {
                    cluster.launch(binary, i);
                }
                for (int i = 0; i < members; i++) {
                    cluster.awaitHealthy(i);
                }
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int size() {
        return processes.length;
    }

    /** The client URL of member {@code i}. */
    public URI endpoint(int i) {
        return URI.create("http://127.0.0.1:" + clientPorts[i]);
    }

    /**
     * Every member's client URL, also those of killed members (clients are expected to skip them).
     */
    public List<URI> endpoints() {
        List<URI> all = new ArrayList<>();
        for (int i = 0; i < processes.length; i++) {
            all.add(endpoint(i));
        }
        return all;
    }

    /** The value for an {@code --etcd-endpoints} flag: every member, comma separated. */
    public String endpointsFlag() {
        return endpoints().stream().map(URI::toString).collect(Collectors.joining(","));
    }

    public boolean isRunning(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    /** The operating system's process id of member {@code i}. */
    public long pid(int i) {
        return processes[i].pid();
    }

    /**
     * The index of the member that leads, as the running members report it.
     *
     * @throws IllegalStateException when no running member names a running leader within 10 s
     */
    public int leader() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<String[]> answers = new ArrayList<>();
            for (int i = 0; i < processes.length; i++) {
                String[] status = isRunning(i) ? status(i) : null;
                if (status != null) {
                    answers.add(new String[] {String.valueOf(i), status[0], status[1]});
                }
            }
            for (String[] answer : answers) {
                for (String[] other : answers) {
                    if (other[1].equals(answer[2])) {
                        return Integer.parseInt(other[0]);
                    }
                }
            }
            EtcdProcess.sleep(100);
        }
        throw new IllegalStateException("no running etcd member names a running leader");
    }

    /** Kills member {@code i} with SIGKILL and waits until it is gone; its data stays. */
    public void kill(int i) {
        Process p = processes[i];
        if (p == null) {
            return;
        }
        EtcdProcess.kill(p);
        processes[i] = null;
    }

    /** Kills every member and deletes the directory. Idempotent. */
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
        return "EtcdCluster[" + endpointsFlag() + ", " + baseDir + "]";
    }

    private String name(int i) {
        return "m" + i;
    }

    private void launch(Path binary, int i) {
        String client = "http://127.0.0.1:" + clientPorts[i];
        String peer = "http://127.0.0.1:" + peerPorts[i];
        List<String> initial = new ArrayList<>();
        for (int m = 0; m < processes.length; m++) {
            initial.add(name(m) + "=http://127.0.0.1:" + peerPorts[m]);
        }
        Path dir = baseDir.resolve(name(i));
        ProcessBuilder pb =
                new ProcessBuilder(
                                binary.toString(),
                                "--name",
                                name(i),
                                "--data-dir",
                                dir.resolve("data").toString(),
                                "--listen-client-urls",
                                client,
                                "--advertise-client-urls",
                                client,
                                "--listen-peer-urls",
                                peer,
                                "--initial-advertise-peer-urls",
                                peer,
                                "--initial-cluster",
                                String.join(",", initial),
                                "--initial-cluster-token",
                                baseDir.getFileName().toString(),
                                "--initial-cluster-state",
                                "new",
                                "--logger",
                                "zap",
                                "--log-level",
                                "warn")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(i).toFile()));
        try {
            Files.createDirectories(dir);
            processes[i] = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start etcd member " + name(i), e);
        }
    }

    private Path logFile(int i) {
        return baseDir.resolve(name(i) + ".log");
    }

    /** {member id, leader id} of member {@code i}, or null when it does not answer. */
    private String[] status(int i) {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(endpoint(i) + "/v3/maintenance/status"))
                        .timeout(Duration.ofSeconds(2))
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build();
        try {
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher member = MEMBER_ID.matcher(response.body());
            Matcher leader = LEADER.matcher(response.body());
            if (response.statusCode() == 200 && member.find() && leader.find()) {
                return new String[] {member.group(1), leader.group(1)};
            }
        } catch (IOException e) {
            // Not answering: down or electing.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private void awaitHealthy(int i) {
        EtcdProcess.awaitHealthy(
                http,
                endpoint(i),
                processes[i],
                START_TIMEOUT,
                "etcd member " + name(i),
                logFile(i));
    }

    private synchronized void destroyAndDelete() {
        for (int i = 0; i < processes.length; i++) {
            kill(i);
        }
        EtcdProcess.deleteTree(baseDir);
    }
}
