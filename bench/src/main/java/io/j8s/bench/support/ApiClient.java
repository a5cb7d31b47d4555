package io.j8s.bench.support;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The benchmarks' HTTP client for the Kubernetes API: the JDK's {@link HttpClient} over HTTP/1.1
 * (one connection per concurrent request, as many Kubernetes clients without HTTP/2 use), with the
 * server URL and credentials (CA, client certificate, bearer token) of a kubeconfig. Plain JSON in
 * and out; the benchmarks build their bodies as text so that the client spends little CPU on the
 * machine it shares with the server.
 *
 * <p>Thread-safe. {@link #close()} stops the client's threads; open watches end with it.
 */
public final class ApiClient implements AutoCloseable {
    private final HttpClient http;
    private final ExecutorService executor;
    private final String baseUrl;
    private final String authorization;

    private ApiClient(
            HttpClient http, ExecutorService executor, String baseUrl, String authorization) {
        this.http = http;
        this.executor = executor;
        this.baseUrl = baseUrl;
        this.authorization = authorization;
    }

    /** A client for the cluster and user of the kubeconfig file's current context. */
    public static ApiClient fromKubeconfig(Path kubeconfig) {
        try {
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
            AtomicInteger n = new AtomicInteger();
            ExecutorService executor =
                    Executors.newFixedThreadPool(
                            4,
                            r -> {
                                Thread t = new Thread(r, "bench-http-" + n.incrementAndGet());
                                t.setDaemon(true);
                                return t;
                            });
            HttpClient.Builder builder =
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(10))
                            .executor(executor);
            String url = config.getMasterUrl();
            if (url.startsWith("https:")) {
                builder.sslContext(SSLUtils.sslContext(config));
            }
            String token =
                    config.getOauthToken() != null
                            ? config.getOauthToken()
                            : config.getAutoOAuthToken();
            return new ApiClient(
                    builder.build(),
                    executor,
                    url.replaceAll("/+$", ""),
                    token == null || token.isBlank() ? null : "Bearer " + token);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot use the TLS material of kubeconfig " + kubeconfig, e);
        }
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** One request, waiting for the whole response. {@code body} may be null. */
    public Response send(String method, String path, String contentType, String body) {
        HttpRequest request =
                request(path, Duration.ofSeconds(120))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(
                                                body, StandardCharsets.UTF_8))
                        .header(
                                "Content-Type",
                                contentType == null ? "application/json" : contentType)
                        .build();
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.body(), System.nanoTime() - start);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    /**
     * A GET whose body is read and counted but not kept (a list of 150,000 Pods is half a
     * gigabyte); the first {@code keepBytes} bytes are kept, e.g. to find the {@code continue}
     * token of a page.
     */
    public Counted getCounted(String path, int keepBytes) {
        HttpRequest request = request(path, Duration.ofSeconds(600)).GET().build();
        long start = System.nanoTime();
        try {
            HttpResponse<java.io.InputStream> r =
                    http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            long total = 0;
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            try (java.io.InputStream in = r.body()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    if (head.size() < keepBytes) {
                        head.write(buf, 0, Math.min(n, keepBytes - head.size()));
                    }
                    total += n;
                }
            }
            return new Counted(
                    r.statusCode(),
                    total,
                    head.toString(StandardCharsets.UTF_8),
                    System.nanoTime() - start);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during GET " + path, e);
        }
    }

    /**
     * A response read by {@link #getCounted}: its size, its first bytes, and request to last byte.
     */
    public record Counted(int status, long bytes, String head, long nanos) {}

    /** {@link #send} that fails unless the status is 2xx. */
    public Response sendOk(String method, String path, String contentType, String body) {
        Response r = send(method, path, contentType, body);
        if (r.status() / 100 != 2) {
            throw new IllegalStateException(
                    method + " " + path + " answered " + r.status() + ": " + r.text());
        }
        return r;
    }

    /**
     * Opens a watch (or any streaming GET) and hands each line to {@code onLine} on the client's
     * threads, in order. Returns once the response headers arrived.
     *
     * @param onEnd called once when the stream ends (null: ended by the server or by {@link
     *     Stream#close()}; otherwise the error)
     * @throws IllegalStateException when the server does not answer 200 within {@code timeout}
     */
    public Stream stream(
            String path, Consumer<String> onLine, Consumer<Throwable> onEnd, Duration timeout) {
        LineSubscriber subscriber = new LineSubscriber(onLine, onEnd);
        CompletableFuture<Integer> status = new CompletableFuture<>();
        HttpRequest request = request(path, null).GET().build();
        CompletableFuture<HttpResponse<Void>> done =
                http.sendAsync(
                        request,
                        info -> {
                            status.complete(info.statusCode());
                            return HttpResponse.BodySubscribers.fromLineSubscriber(
                                    subscriber, s -> null, StandardCharsets.UTF_8, "\n");
                        });
        done.whenComplete(
                (r, e) -> {
                    status.completeExceptionally(
                            e != null
                                    ? e
                                    : new IllegalStateException("stream ended before headers"));
                    subscriber.ended(e);
                });
        int code;
        try {
            code = status.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            subscriber.cancel();
            throw new IllegalStateException("GET " + path + " did not start: " + e, e);
        }
        if (code != 200) {
            subscriber.cancel();
            throw new IllegalStateException("GET " + path + " answered " + code);
        }
        return subscriber;
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .header("Accept", "application/json");
        if (timeout != null) {
            b.timeout(timeout);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A complete response; {@code nanos} is request issued to body received. */
    public record Response(int status, byte[] body, long nanos) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An open streaming response. */
    public interface Stream extends AutoCloseable {
        /** Cancels the stream (closes its connection); {@code onEnd} is called with null. */
        @Override
        void close();
    }

    private static final class LineSubscriber implements Flow.Subscriber<String>, Stream {
        private final Consumer<String> onLine;
        private final Consumer<Throwable> onEnd;
        private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();
        private final java.util.concurrent.atomic.AtomicBoolean ended =
                new java.util.concurrent.atomic.AtomicBoolean();

        LineSubscriber(Consumer<String> onLine, Consumer<Throwable> onEnd) {
            this.onLine = onLine;
            this.onEnd = onEnd;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.complete(s);
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (!line.isEmpty()) {
                onLine.accept(line);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended(t);
        }

        @Override
        public void onComplete() {
            ended(null);
        }

        void ended(Throwable t) {
            if (ended.compareAndSet(false, true) && onEnd != null) {
                onEnd.accept(t);
            }
        }

        void cancel() {
            subscription.thenAccept(Flow.Subscription::cancel);
        }

        @Override
        public void close() {
            ended(null);
            cancel();
        }
    }
}
