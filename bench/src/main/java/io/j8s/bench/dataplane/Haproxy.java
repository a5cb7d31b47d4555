package io.j8s.bench.dataplane;

import io.j8s.bench.support.Proc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An HAProxy (the Debian package) in TCP mode with one thread, balancing round-robin over the given
 * backends, listening on a free port of 127.0.0.1: the peer the j8s proxy is compared with. Not
 * thread-safe; {@link #close()} stops it.
 */
final class Haproxy implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path config;

    private Haproxy(Process process, int port, Path config) {
        this.process = process;
        this.port = port;
        this.config = config;
    }

    /**
     * Writes {@code haproxy.cfg} into {@code dir}, starts HAProxy in the foreground and waits until
     * it listens.
     */
    static Haproxy start(Path dir, List<String> backends) {
        int port = Proc.freePort();
        StringBuilder cfg = new StringBuilder();
        cfg.append(
                "global\n  nbthread 1\n  maxconn 4096\n\n"); // 2 fds per connection, under a 20,000
        // fd limit
        cfg.append(
                "defaults\n  mode tcp\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n\n");
        cfg.append("frontend bench\n  bind 127.0.0.1:")
                .append(port)
                .append("\n  default_backend pods\n\n");
        cfg.append("backend pods\n  balance roundrobin\n");
        for (int i = 0; i < backends.size(); i++) {
            cfg.append("  server pod").append(i).append(' ').append(backends.get(i)).append('\n');
        }
        Path config = dir.resolve("haproxy.cfg");
        try {
            Files.writeString(config, cfg.toString());
            Process p =
                    new ProcessBuilder("haproxy", "-db", "-f", config.toString())
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("haproxy.log").toFile())
                            .start();
            Haproxy h = new Haproxy(p, port, config);
            h.awaitListening();
            return h;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start haproxy (apt-get install -y haproxy): " + e.getMessage(), e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "haproxy exited with " + process.exitValue() + "; config " + config);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                sleep();
            }
        }
        throw new IllegalStateException("haproxy did not listen on " + port + " within 10 s");
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** User + system CPU seconds HAProxy has used. */
    double cpuSeconds() {
        return Proc.cpuSeconds(process.pid());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
