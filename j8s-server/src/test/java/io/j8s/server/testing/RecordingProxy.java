package io.j8s.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain-HTTP reverse proxy on 127.0.0.1 that forwards every request to a server and records what
 * the client sent (method, URI, {@code Content-Type}, body), so that tests can check the wire
 * format kubectl uses. Watch responses are streamed through. Close it to stop it.
 */
public final class RecordingProxy implements AutoCloseable {
    private static final Set<String> HOP_BY_HOP =
            Set.of(
                    "connection",
                    "content-length",
                    "expect",
                    "host",
                    "keep-alive",
                    "transfer-encoding",
                    "upgrade");

    /** One request as the client sent it. */
    public record Request(
            String method, String uri, String contentType, byte[] body, String kubectlCommand) {
        /**
         * The base media type of the body ({@code application/vnd.kubernetes.protobuf}),
         * lower-cased.
         */
        public String mediaType() {
            int semi = contentType.indexOf(';');
            return (semi < 0 ? contentType : contentType.substring(0, semi))
                    .trim()
                    .toLowerCase(Locale.ROOT);
        }
    }

    private final String upstream;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final List<Request> requests = new ArrayList<>(); // guarded by itself

    private RecordingProxy(String upstream, javax.net.ssl.SSLContext tls) throws IOException {
        this.upstream =
                upstream.endsWith("/") ? upstream.substring(0, upstream.length() - 1) : upstream;
        this.executor =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread thread = new Thread(r, "recording-proxy");
                            thread.setDaemon(true);
                            return thread;
                        });
        HttpClient.Builder builder =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor);
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.client = builder.build();
        this.server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::forward);
        server.start();
    }

    /** Starts a proxy to {@code upstream} ({@code http://127.0.0.1:6443}). */
    public static RecordingProxy start(String upstream) {
        return start(upstream, null);
    }

    /**
     * Starts a proxy to an HTTPS {@code upstream}, which it reaches with {@code tls} (its client
     * certificate authenticates every forwarded request: kubectl's own credentials end at the
     * proxy).
     */
    public static RecordingProxy start(String upstream, javax.net.ssl.SSLContext tls) {
        try {
            return new RecordingProxy(upstream, tls);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The proxy's base URL. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A copy of {@code kubeconfig} whose server is this proxy, written to {@code target}. */
    public Path writeKubeconfig(Path kubeconfig, Path target) {
        try {
            String text = Files.readString(kubeconfig, StandardCharsets.UTF_8);
            if (!text.contains(upstream)) {
                throw new IllegalStateException(
                        kubeconfig + " does not name the server " + upstream);
            }
            return Files.writeString(target, text.replace(upstream, url()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The requests recorded so far, oldest first. */
    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Forgets the recorded requests. */
    public void clear() {
        synchronized (requests) {
            requests.clear();
        }
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String contentType = header(exchange, "Content-Type");
            synchronized (requests) {
                requests.add(
                        new Request(
                                exchange.getRequestMethod(),
                                exchange.getRequestURI().toString(),
                                contentType,
                                body,
                                header(exchange, "Kubectl-Command")));
            }
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
                            .method(
                                    exchange.getRequestMethod(),
                                    body.length == 0
                                            ? HttpRequest.BodyPublishers.noBody()
                                            : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
                if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    header.getValue().forEach(value -> request.header(header.getKey(), value));
                }
            }
            HttpResponse<InputStream> response =
                    client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            response.headers()
                    .map()
                    .forEach(
                            (name, values) -> {
                                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))
                                        && !name.startsWith(":")) {
                                    exchange.getResponseHeaders().put(name, values);
                                }
                            });
            try (InputStream in = response.body()) {
                boolean streaming =
                        exchange.getRequestURI().getQuery() != null
                                && exchange.getRequestURI().getQuery().contains("watch=true");
                if (streaming) {
                    exchange.sendResponseHeaders(response.statusCode(), 0);
                    OutputStream out = exchange.getResponseBody();
                    byte[] buffer = new byte[8192];
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } else {
                    byte[] bytes = in.readAllBytes();
                    exchange.sendResponseHeaders(
                            response.statusCode(), bytes.length == 0 ? -1 : bytes.length);
                    exchange.getResponseBody().write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String header(HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "" : value;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
