package io.j8s.node.probe;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.j8s.node.runtime.ContainerInstance;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Performs single probe attempts: {@code httpGet} (status 200–399 succeeds; HTTPS is not verified,
 * as the kubelet does not verify), {@code tcpSocket} (a connection succeeds), {@code exec} (exit
 * code 0 succeeds). Failure texts follow the kubelet's wording. Blocking network I/O runs on the
 * given executor, never on the caller. Thread-safe.
 */
public final class Prober {

    /** The kubelet's probe user agent. */
    static final String USER_AGENT = "kube-probe/1.32";

    private final Executor blockingExecutor;

    public Prober(Executor blockingExecutor) {
        this.blockingExecutor = blockingExecutor;
    }

    /** Runs one attempt of {@code spec} against a container instance at {@code podIp}. */
    public CompletableFuture<ProbeOutcome> probe(
            ProbeSpec spec, Container container, String podIp, ContainerInstance instance) {
        Probe p = spec.handler();
        Duration timeout = spec.timeout();
        if (p.getExec() != null) {
            return instance.exec(
                            p.getExec().getCommand() == null
                                    ? java.util.List.of()
                                    : p.getExec().getCommand(),
                            timeout)
                    .thenApply(
                            r ->
                                    r.exitCode() == 0
                                            ? ProbeOutcome.success()
                                            : ProbeOutcome.failure(r.output()));
        }
        if (p.getHttpGet() != null) {
            return CompletableFuture.supplyAsync(
                    () -> httpGet(p.getHttpGet(), container, podIp, timeout), blockingExecutor);
        }
        if (p.getTcpSocket() != null) {
            String host =
                    p.getTcpSocket().getHost() == null || p.getTcpSocket().getHost().isEmpty()
                            ? podIp
                            : p.getTcpSocket().getHost();
            return CompletableFuture.supplyAsync(
                    () -> {
                        int port;
                        try {
                            port = resolvePort(p.getTcpSocket().getPort(), container);
                        } catch (IllegalArgumentException e) {
                            return ProbeOutcome.failure(e.getMessage());
                        }
                        return tcp(host, port, timeout);
                    },
                    blockingExecutor);
        }
        if (p.getGrpc() != null) {
            return CompletableFuture.completedFuture(
                    ProbeOutcome.failure("gRPC probes are not supported by the j8s node agent"));
        }
        return CompletableFuture.completedFuture(
                ProbeOutcome.failure("probe has no handler (httpGet, tcpSocket or exec)"));
    }

    /** A number, or the name of one of the container's ports. */
    static int resolvePort(IntOrString port, Container container) {
        if (port == null) {
            throw new IllegalArgumentException("probe has no port");
        }
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        String name = port.getStrVal();
        if (name != null && name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
            return Integer.parseInt(name);
        }
        if (container.getPorts() != null) {
            for (ContainerPort cp : container.getPorts()) {
                if (name != null && name.equals(cp.getName())) {
                    return cp.getContainerPort();
                }
            }
        }
        throw new IllegalArgumentException(
                "couldn't find port: " + name + " in container " + container.getName());
    }

    static ProbeOutcome tcp(String host, int port, Duration timeout) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
            return ProbeOutcome.success();
        } catch (SocketTimeoutException e) {
            return ProbeOutcome.failure("dial tcp " + host + ":" + port + ": i/o timeout");
        } catch (ConnectException e) {
            return ProbeOutcome.failure(
                    "dial tcp " + host + ":" + port + ": connect: connection refused");
        } catch (IOException e) {
            return ProbeOutcome.failure("dial tcp " + host + ":" + port + ": " + e.getMessage());
        }
    }

    static ProbeOutcome httpGet(
            HTTPGetAction a, Container container, String podIp, Duration timeout) {
        String host = a.getHost() == null || a.getHost().isEmpty() ? podIp : a.getHost();
        boolean https = "HTTPS".equalsIgnoreCase(a.getScheme());
        int port;
        try {
            port = resolvePort(a.getPort(), container);
        } catch (IllegalArgumentException e) {
            return ProbeOutcome.failure(e.getMessage());
        }
        String path = a.getPath() == null || a.getPath().isEmpty() ? "/" : a.getPath();
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        String url = (https ? "https" : "http") + "://" + host + ":" + port + path;
        long deadline = System.nanoTime() + timeout.toNanos();
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(host, port), millis);
            Socket s = raw;
            if (https) {
                SSLSocket ssl =
                        (SSLSocket)
                                insecureTls()
                                        .getSocketFactory()
                                        .createSocket(raw, host, port, false);
                ssl.setSoTimeout(remaining(deadline));
                ssl.startHandshake();
                s = ssl;
            }
            s.setSoTimeout(remaining(deadline));
            StringBuilder req = new StringBuilder();
            req.append("GET ").append(path).append(" HTTP/1.1\r\n");
            boolean hostSet = false;
            boolean agentSet = false;
            boolean acceptSet = false;
            if (a.getHttpHeaders() != null) {
                for (HTTPHeader h : a.getHttpHeaders()) {
                    req.append(h.getName()).append(": ").append(h.getValue()).append("\r\n");
                    hostSet |= h.getName().equalsIgnoreCase("Host");
                    agentSet |= h.getName().equalsIgnoreCase("User-Agent");
                    acceptSet |= h.getName().equalsIgnoreCase("Accept");
                }
            }
            if (!hostSet) {
                req.append("Host: ").append(host).append(':').append(port).append("\r\n");
            }
            if (!agentSet) {
                req.append("User-Agent: ").append(USER_AGENT).append("\r\n");
            }
            if (!acceptSet) {
                req.append("Accept: */*\r\n");
            }
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            int status = readStatus(s.getInputStream(), url);
            if (status >= 200 && status < 400) {
                return ProbeOutcome.success();
            }
            return ProbeOutcome.failure("HTTP probe failed with statuscode: " + status);
        } catch (SocketTimeoutException e) {
            return ProbeOutcome.failure(
                    "Get \""
                            + url
                            + "\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        } catch (ConnectException e) {
            return ProbeOutcome.failure(
                    "Get \""
                            + url
                            + "\": dial tcp "
                            + host
                            + ":"
                            + port
                            + ": connect: connection refused");
        } catch (IOException e) {
            return ProbeOutcome.failure("Get \"" + url + "\": " + e.getMessage());
        }
    }

    private static int remaining(long deadlineNanos) throws SocketTimeoutException {
        long ms = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (ms <= 0) {
            throw new SocketTimeoutException("probe timeout");
        }
        return (int) ms;
    }

    private static int readStatus(InputStream in, String url) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (line.length() > 1024) {
                break;
            }
            line.append((char) b);
        }
        String[] parts = line.toString().trim().split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("malformed HTTP response: " + line.toString().trim());
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("malformed HTTP status: " + line.toString().trim());
        }
    }

    private static volatile SSLContext insecure;

    private static SSLContext insecureTls() throws IOException {
        SSLContext ctx = insecure;
        if (ctx != null) {
            return ctx;
        }
        try {
            ctx = SSLContext.getInstance("TLS");
            ctx.init(
                    null,
                    new TrustManager[] {
                        new X509TrustManager() {
                            @Override
                            public void checkClientTrusted(
                                    X509Certificate[] chain, String authType) {}

                            @Override
                            public void checkServerTrusted(
                                    X509Certificate[] chain, String authType) {}

                            @Override
                            public X509Certificate[] getAcceptedIssuers() {
                                return new X509Certificate[0];
                            }
                        }
                    },
                    null);
            insecure = ctx;
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("TLS unavailable: " + e.getMessage(), e);
        }
    }
}
