package io.j8s.bench.controlplane;

import io.j8s.bench.support.ApiClient;
import io.j8s.bench.support.Latencies;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Observes the proxy itself: a probe Service of two Pods on simulated nodes, whose Pod IPs the
 * benchmark serves with its own listeners (a simulated Pod runs nothing; the proxy's connections to
 * its IP reach the benchmark instead), and a client that connects to the Service's ClusterIP every
 * few milliseconds. Each listener notes when connections arrive, so the benchmark sees which
 * endpoint the proxy uses at any moment.
 *
 * <p>A cycle deletes one probe Pod and measures, for its replacement, from the arrival of the Pod
 * event showing it Ready (its IP served from then on) to the first connection the proxy forwards to
 * it (<b>add</b>), and for the deleted Pod, from sending the DELETE to the last connection the
 * proxy forwarded to it (<b>remove</b>). The resolution is the probe interval.
 *
 * <p>Thread-safe; close it to stop the client and the listeners.
 */
final class ProxyProbe implements AutoCloseable {
    static final String NAMESPACE = "bench-probe";
    private static final String NAME = "probe";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long PROBE_INTERVAL_NANOS = 5_000_000;

    private final ApiClient client;
    private final PodTracker pods;
    private final int port;
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final Map<String, Long> readySeen = new ConcurrentHashMap<>();
    private final Latencies adds = new Latencies();
    private final Latencies removes = new Latencies();
    private final Consumer<PodTracker.PodState> onReady = this::onReady;
    private volatile boolean closed;
    private Thread prober;
    private int ipReused;
    private int timedOut;

    ProxyProbe(ApiClient client, PodTracker pods, int port) {
        this.client = client;
        this.pods = pods;
        this.port = port;
    }

    /** Creates the probe Service and Deployment and waits until the proxy forwards to both Pods. */
    void start() {
        pods.onReady(onReady);
        Workload.App app = new Workload.App(NAMESPACE, NAME, 2);
        client.sendOk("POST", "/api/v1/namespaces", null, Workload.namespaceJson(NAMESPACE));
        String svc =
                Workload.serviceJson(app).replace("\"targetPort\":8080", "\"targetPort\":" + port);
        client.sendOk("POST", "/api/v1/namespaces/" + NAMESPACE + "/services", null, svc);
        String deployment =
                Workload.deploymentJson(app)
                        .replace("\"containerPort\":8080", "\"containerPort\":" + port);
        client.sendOk(
                "POST", "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments", null, deployment);
        String clusterIp =
                JSON.readTree(
                                client.sendOk(
                                                "GET",
                                                "/api/v1/namespaces/"
                                                        + NAMESPACE
                                                        + "/services/"
                                                        + NAME,
                                                null,
                                                null)
                                        .body())
                        .path("spec")
                        .path("clusterIP")
                        .asString();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (probePods().size() < 2) {
            check(deadline, "probe Pods Ready");
        }
        for (PodTracker.PodState p : probePods()) {
            listen(p.ip);
        }
        prober = new Thread(() -> probe(clusterIp), "bench-proxy-probe");
        prober.setDaemon(true);
        prober.start();
        while (listeners.values().stream().filter(l -> l.lastAccept != 0).count() < 2) {
            check(deadline, "the proxy forwarding to both probe Pods");
        }
    }

    /**
     * Deletes one probe Pod and waits (up to {@code timeout}) until the proxy forwards to its
     * replacement and no longer to it; records both latencies.
     */
    void cycle(Duration timeout) {
        var current = probePods();
        if (current.size() < 2) {
            return; // the previous replacement is not Ready yet
        }
        PodTracker.PodState victim = current.get(0);
        Listener old = listeners.get(victim.ip);
        long deleted = System.nanoTime();
        String name = victim.key.substring(victim.key.indexOf('/') + 1);
        client.sendOk("DELETE", "/api/v1/namespaces/" + NAMESPACE + "/pods/" + name, null, null);
        long deadline = deleted + timeout.toNanos();
        String replacement = null;
        while (System.nanoTime() < deadline) {
            replacement =
                    probePods().stream()
                            .filter(p -> p.readySeenNanos > deleted && !p.ip.equals(victim.ip))
                            .map(p -> p.ip)
                            .findFirst()
                            .orElse(null);
            Listener l = replacement == null ? null : listeners.get(replacement);
            if (l != null && l.firstAccept != 0) {
                adds.record(Math.max(0, l.firstAccept - readySeen.get(replacement)));
                break;
            }
            sleepMillis(5);
        }
        if (System.nanoTime() >= deadline) {
            timedOut++;
        }
        // The old endpoint is gone once nothing reached it for a while; its last connection tells
        // when.
        while (old != null
                && System.nanoTime() < deadline
                && System.nanoTime() - old.lastAccept < 1_000_000_000L) {
            sleepMillis(20);
        }
        if (old != null) {
            removes.record(Math.max(0, old.lastAccept - deleted));
            old.close();
            listeners.remove(victim.ip);
        }
    }

    Latencies adds() {
        return adds;
    }

    Latencies removes() {
        return removes;
    }

    /**
     * Cycles that did not see the proxy forward to the replacement and stop forwarding to the old
     * Pod in time.
     */
    int timedOut() {
        return timedOut;
    }

    /** Replacements that got the IP of the Pod they replaced (not measured). */
    int ipReused() {
        return ipReused;
    }

    private void onReady(PodTracker.PodState p) {
        if (!NAMESPACE.equals(p.namespace) || p.ip == null) {
            return;
        }
        if (listeners.containsKey(p.ip)) {
            ipReused++;
            return;
        }
        readySeen.put(p.ip, p.readySeenNanos);
        listen(p.ip);
    }

    private java.util.List<PodTracker.PodState> probePods() {
        return pods.readyPods().stream()
                .filter(p -> NAMESPACE.equals(p.namespace) && p.ip != null)
                .sorted(java.util.Comparator.comparingLong(p -> p.readySeenNanos))
                .toList();
    }

    private void listen(String ip) {
        listeners.computeIfAbsent(ip, i -> new Listener(i, port));
    }

    /** Connects to the ClusterIP, sends a byte and reads to the end, every few milliseconds. */
    private void probe(String clusterIp) {
        InetSocketAddress target = new InetSocketAddress(clusterIp, 80);
        byte[] buf = new byte[64];
        long next = System.nanoTime();
        while (!closed) {
            try (Socket s = new Socket()) {
                s.connect(target, 200);
                s.setSoTimeout(500);
                s.getOutputStream().write('x');
                InputStream in = s.getInputStream();
                while (in.read(buf) >= 0) {
                    // until the listener closes
                }
            } catch (IOException e) {
                // Reset (no endpoint) or timed out: the next probe tells.
            }
            next += PROBE_INTERVAL_NANOS;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleepMillis(Math.max(1, wait / 1_000_000));
            } else {
                next = System.nanoTime();
            }
        }
    }

    private void check(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out waiting for " + what);
        }
        sleepMillis(20);
    }

    @Override
    public void close() {
        closed = true;
        pods.removeListener(onReady);
        listeners.values().forEach(Listener::close);
        if (prober != null) {
            try {
                prober.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Serves one Pod IP: notes each connection's arrival, answers one byte and closes. */
    private static final class Listener implements AutoCloseable {
        private final ServerSocket socket;
        volatile long firstAccept;
        volatile long lastAccept;

        Listener(String ip, int port) {
            try {
                socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(ip), port), 64);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot listen on " + ip + ":" + port + ": " + e.getMessage(), e);
            }
            Thread t = new Thread(this::serve, "bench-probe-listener-" + ip);
            t.setDaemon(true);
            t.start();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    long now = System.nanoTime();
                    if (firstAccept == 0) {
                        firstAccept = now;
                    }
                    lastAccept = now;
                    s.getOutputStream().write('y');
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
