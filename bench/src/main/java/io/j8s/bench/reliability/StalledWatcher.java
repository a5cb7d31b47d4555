package io.j8s.bench.reliability;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Jcmd;
import io.j8s.bench.support.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import tools.jackson.databind.json.JsonMapper;

/**
 * A watcher that never reads: a raw TLS connection sends a watch of one namespace's ConfigMaps
 * (HTTP/1.1), reads the response headers, and then reads nothing while writer threads update large
 * ConfigMaps (each {@code objectBytes} of data) in that namespace. The server's heap is sampled
 * from its {@code /metrics} ({@code jvm_memory_used_bytes}, heap pools) every 250 ms, and measured
 * after a full GC ({@code jcmd GC.run}, {@code GC.heap_info}) before, at the end of the writes with
 * the connection still open, and after the connection is closed. The phase watches the server's
 * counter {@code j8s_apiserver_watch_queue_overflows_total} and its log for the moment it ends the
 * watch; writes stop {@code afterCutoff} writes after that, or after {@code maxWrites}. At the end
 * the connection is read once to see how much was buffered for it and how it ended.
 *
 * <p>Not thread-safe: {@link #run} once.
 */
final class StalledWatcher {
    static final String NAMESPACE = "rel-stall";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String LOG_MARKER = "ending a watch whose client does not read";
    private static final int WRITERS = 2;
    private static final int OBJECTS = 10;

    /**
     * What the phase measured.
     *
     * @param writes large updates acknowledged
     * @param cutOff whether the server ended the watch
     * @param cutOffSeconds from the first write to the benchmark seeing the cut-off (counter or
     *     log), else NaN
     * @param writesAtCutOff writes acknowledged when the cut-off was seen
     * @param logLine the server's log line about it, verbatim, or null
     * @param heapBeforeBytes heap after a full GC before the watch was opened
     * @param heapPeakBytes the most heap in use (not collected) seen during the writes
     * @param heapAtEndBytes heap after a full GC when the writes ended, the connection still open
     * @param heapAfterBytes heap after a full GC once the connection was closed
     * @param bufferedBytes what the connection delivered when it was finally read (socket buffers)
     * @param connectionEnd how the final read ended: EOF, reset, or still open
     */
    record Outcome(
            int objectBytes,
            long writes,
            double writeSeconds,
            boolean cutOff,
            double cutOffSeconds,
            long writesAtCutOff,
            String logLine,
            long heapBeforeBytes,
            long heapPeakBytes,
            long heapAtEndBytes,
            long heapAfterBytes,
            long bufferedBytes,
            String connectionEnd,
            String responseStatus) {
        double mebibytesWritten() {
            return writes * (double) objectBytes / (1 << 20);
        }

        double mebibytesAtCutOff() {
            return writesAtCutOff * (double) objectBytes / (1 << 20);
        }
    }

    private final ServerProcess server;
    private final ApiClient client;
    private final AtomicBoolean cutOff = new AtomicBoolean();
    private final AtomicLong peakHeap = new AtomicLong();
    private volatile String logLine;
    private volatile long cutOffNanos;
    private volatile long writesAtCutOff;

    StalledWatcher(ServerProcess server) {
        this.server = server;
        this.client = server.client();
    }

    Outcome run(int objectBytes, int maxWrites, int afterCutoff) throws Exception {
        client.sendOk(
                "POST",
                "/api/v1/namespaces",
                null,
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                        + NAMESPACE
                        + "\"}}");
        String base = "/api/v1/namespaces/" + NAMESPACE + "/configmaps";
        String blob = blob(objectBytes);
        for (int i = 0; i < OBJECTS; i++) {
            client.sendOk(
                    "POST",
                    base,
                    null,
                    "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                            + "\"metadata\":{\"name\":\"big-"
                            + i
                            + "\"},\"data\":{\"seq\":\"0\",\"blob\":\""
                            + blob
                            + "\"}}");
        }
        String from =
                JSON.readTree(client.sendOk("GET", base + "?limit=1", null, null).body())
                        .path("metadata")
                        .path("resourceVersion")
                        .asString();
        long logOffset = Files.size(server.logFile());
        long heapBefore = Jcmd.heapUsedAfterGc(server.pid());

        try (SSLSocket socket =
                openWatch(
                        server.kubeconfig(),
                        base + "?watch=true&timeoutSeconds=3600&resourceVersion=" + from)) {
            String status = readHeaders(socket.getInputStream());
            AtomicLong writes = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            Thread monitor = new Thread(() -> monitor(stop, writes, logOffset), "stall-monitor");
            monitor.setDaemon(true);
            long start = System.nanoTime();
            monitor.start();
            AtomicInteger next = new AtomicInteger();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                Thread writer =
                        new Thread(
                                () -> {
                                    for (int k; (k = next.getAndIncrement()) < maxWrites; ) {
                                        if (cutOff.get()
                                                && writes.get() - writesAtCutOff >= afterCutoff) {
                                            break;
                                        }
                                        client.sendOk(
                                                "PATCH",
                                                base + "/big-" + (k % OBJECTS),
                                                "application/merge-patch+json",
                                                "{\"data\":{\"seq\":\""
                                                        + k
                                                        + "\",\"blob\":\""
                                                        + blob
                                                        + "\"}}");
                                        writes.incrementAndGet();
                                    }
                                },
                                "stall-writer-" + t);
                writer.setDaemon(true);
                writers.add(writer);
                writer.start();
            }
            for (Thread w : writers) {
                w.join();
            }
            double writeSeconds = (System.nanoTime() - start) / 1e9;
            // Let the monitor see a cut-off that happened with the last writes.
            Thread.sleep(1000);
            stop.set(true);
            monitor.join();
            long heapAtEnd = Jcmd.heapUsedAfterGc(server.pid());
            String[] end = new String[1];
            long buffered = drain(socket, end);
            socket.close();
            long heapAfter = Jcmd.heapUsedAfterGc(server.pid());
            boolean was = cutOff.get();
            return new Outcome(
                    objectBytes,
                    writes.get(),
                    writeSeconds,
                    was,
                    was ? (cutOffNanos - start) / 1e9 : Double.NaN,
                    was ? writesAtCutOff : 0,
                    logLine,
                    heapBefore,
                    peakHeap.get(),
                    heapAtEnd,
                    heapAfter,
                    buffered,
                    end[0],
                    status);
        }
    }

    /**
     * Samples the heap, and looks for the cut-off in the server's counter and log, until {@code
     * stop}.
     */
    private void monitor(AtomicBoolean stop, AtomicLong writes, long logOffset) {
        long offset = logOffset;
        while (!stop.get()) {
            try {
                String metrics = client.sendOk("GET", "/metrics", null, null).text();
                long heap = 0;
                boolean overflowed = false;
                for (String line : metrics.split("\n")) {
                    if (line.startsWith("jvm_memory_used_bytes{")
                            && line.contains("area=\"heap\"")) {
                        heap +=
                                (long)
                                        Double.parseDouble(
                                                line.substring(line.lastIndexOf(' ') + 1));
                    } else if (line.startsWith("j8s_apiserver_watch_queue_overflows_total{")
                            && line.contains("configmaps")) {
                        overflowed |=
                                Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) > 0;
                    }
                }
                peakHeap.accumulateAndGet(heap, Math::max);
                long[] next = {offset};
                String found = logLine == null ? scanLog(server.logFile(), next) : null;
                offset = next[0];
                if (found != null) {
                    logLine = found;
                    overflowed = true;
                }
                if (overflowed && cutOff.compareAndSet(false, true)) {
                    cutOffNanos = System.nanoTime();
                    writesAtCutOff = writes.get();
                }
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // A scrape that failed under load: the next one counts.
            }
        }
    }

    /**
     * The first line with {@link #LOG_MARKER} after {@code offset[0]}; advances it to the last
     * complete line read.
     */
    private static String scanLog(Path log, long[] offset) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long length = f.length();
            if (length <= offset[0]) {
                return null;
            }
            byte[] bytes = new byte[(int) Math.min(length - offset[0], 16 << 20)];
            f.seek(offset[0]);
            f.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int lastNewline = text.lastIndexOf('\n');
            if (lastNewline < 0) {
                return null;
            }
            offset[0] += text.substring(0, lastNewline + 1).getBytes(StandardCharsets.UTF_8).length;
            for (String line : text.substring(0, lastNewline).split("\n")) {
                if (line.contains(LOG_MARKER)) {
                    return line;
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A TLS connection (HTTP/1.1, the kubeconfig's client certificate) that has sent {@code GET
     * path}.
     */
    private static SSLSocket openWatch(Path kubeconfig, String path) throws Exception {
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        URI url = URI.create(config.getMasterUrl());
        SSLSocket socket =
                (SSLSocket)
                        SSLUtils.sslContext(config)
                                .getSocketFactory()
                                .createSocket(url.getHost(), url.getPort());
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        String token =
                config.getOauthToken() != null
                        ? config.getOauthToken()
                        : config.getAutoOAuthToken();
        String request =
                "GET "
                        + path
                        + " HTTP/1.1\r\nHost: "
                        + url.getHost()
                        + ":"
                        + url.getPort()
                        + "\r\nAccept: application/json\r\n"
                        + (token == null || token.isBlank()
                                ? ""
                                : "Authorization: Bearer " + token + "\r\n")
                        + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /**
     * Reads up to the end of the response headers (byte by byte, so nothing after them); returns
     * the status line.
     */
    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the watch ended before its headers: " + head);
            }
            head.append((char) b);
        }
        String status = head.substring(0, head.indexOf("\r\n"));
        if (!status.contains(" 200")) {
            throw new IllegalStateException("the watch answered " + head);
        }
        return status;
    }

    /**
     * Reads what the connection still has, until EOF, a reset, or 5 s of silence; {@code end[0]}
     * says which.
     */
    private static long drain(SSLSocket socket, String[] end) {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try {
            socket.setSoTimeout(5_000);
            InputStream in = socket.getInputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                total += n;
            }
            end[0] = "EOF";
        } catch (SocketTimeoutException e) {
            end[0] = "still open (nothing more for 5 s)";
        } catch (IOException e) {
            end[0] = "reset (" + e.getMessage() + ")";
        }
        return total;
    }

    private static String blob(int bytes) {
        StringBuilder b = new StringBuilder(bytes);
        for (int i = 0; i < bytes; i++) {
            b.append((char) ('a' + i % 26));
        }
        return b.toString();
    }
}
