package io.j8s.server.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.http.HttpLimits;
import io.j8s.apiserver.http.HttpServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.local.LocalAddress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process transport against j8s' own HTTP server (its in-process listener), with handlers
 * that stand in for the API.
 */
class LoopbackHttpClientTest {
    private static final String STATUS_409 =
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"message\":\"configmaps \\\"c\\\" already exists\","
                    + "\"reason\":\"AlreadyExists\",\"code\":409}";

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final AtomicReference<HttpExchange> last = new AtomicReference<>();
    private final CountDownLatch streamClosed = new CountDownLatch(1);
    private final AtomicInteger chunksWritten = new AtomicInteger();
    private HttpServer server;
    private LoopbackHttpClientFactory factory;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        server =
                new HttpServer(
                        new InetSocketAddress("127.0.0.1", 0),
                        null,
                        this::handle,
                        workers,
                        HttpLimits.DEFAULTS,
                        (code, reason, message) -> message.getBytes(StandardCharsets.UTF_8),
                        new byte[0]);
        server.start();
        LocalAddress address = server.startInProcess();
        factory = new LoopbackHttpClientFactory(() -> address);
        client = factory.newBuilder().build();
    }

    @AfterEach
    void stop() {
        client.close();
        factory.close();
        server.close();
        workers.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        last.set(exchange);
        switch (exchange.path()) {
            case "/echo" ->
                    exchange.respond(
                            200,
                            "application/octet-stream",
                            exchange.body(),
                            Map.of(
                                    "X-Method",
                                    exchange.method(),
                                    "X-In-Process",
                                    String.valueOf(exchange.inProcess())));
            case "/big" -> exchange.respond(200, "text/plain", big(5 << 20), Map.of());
            case "/stream" -> {
                var stream = exchange.stream(200, "application/json", Map.of());
                stream.onClose(streamClosed::countDown);
                for (int i = 0; i < 50; i++) {
                    stream.write(
                            Unpooled.copiedBuffer("{\"n\":" + i + "}\n", StandardCharsets.UTF_8));
                    stream.flush();
                    chunksWritten.incrementAndGet();
                }
                if (exchange.query("end") != null) {
                    stream.end();
                }
            }
            case "/api/v1/namespaces/default/configmaps" ->
                    exchange.respond(
                            409,
                            "application/json",
                            STATUS_409.getBytes(StandardCharsets.UTF_8),
                            Map.of());
            case "/api/v1/namespaces/informed/configmaps" -> informed(exchange);
            case "/never" -> {} // no answer: the client's timeout ends it
            default -> exchange.respond(404, "text/plain", new byte[0], Map.of());
        }
    }

    private final AtomicInteger lists = new AtomicInteger();
    private final AtomicInteger watches = new AtomicInteger();

    /**
     * A ConfigMap list and watch as an informer sees them: the first watch sends an event and ends
     * (the server closed it), the second answers 410 Gone (an expired resourceVersion), later ones
     * stay open.
     */
    private void informed(HttpExchange exchange) {
        if (!"true".equals(exchange.query("watch"))) {
            int n = lists.incrementAndGet();
            String body =
                    "{\"kind\":\"ConfigMapList\",\"apiVersion\":\"v1\",\"metadata\":"
                            + "{\"resourceVersion\":\""
                            + (10 * n)
                            + "\"},\"items\":["
                            + configMap("c1", 10 * n)
                            + "]}";
            exchange.respond(
                    200, "application/json", body.getBytes(StandardCharsets.UTF_8), Map.of());
            return;
        }
        int n = watches.incrementAndGet();
        var stream = exchange.stream(200, "application/json", Map.of());
        if (n == 1) {
            stream.write(
                    Unpooled.copiedBuffer(
                            "{\"type\":\"ADDED\",\"object\":" + configMap("c2", 11) + "}\n",
                            StandardCharsets.UTF_8));
            stream.flush();
            stream.end();
        } else if (n == 2) {
            stream.write(
                    Unpooled.copiedBuffer(
                            "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\","
                                    + "\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                    + "\"message\":\"too old resource version\","
                                    + "\"reason\":\"Expired\",\"code\":410}}\n",
                            StandardCharsets.UTF_8));
            stream.flush();
            stream.end();
        }
        // later watches stay open until the client goes
    }

    private static String configMap(String name, int resourceVersion) {
        return "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\""
                + name
                + "\",\"namespace\":\"informed\",\"resourceVersion\":\""
                + resourceVersion
                + "\"}}";
    }

    private static byte[] big(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    private StandardHttpRequest.Builder request(String path) {
        return (StandardHttpRequest.Builder)
                client.newHttpRequestBuilder().uri("https://127.0.0.1:6443" + path);
    }

    @Test
    void requestWithoutBody_reachesTheInProcessListener() throws Exception {
        HttpResponse<String> response =
                client.sendAsync(
                                request("/echo?a=b%20c")
                                        .header("Authorization", "Bearer t")
                                        .build(),
                                String.class)
                        .get(10, TimeUnit.SECONDS);
        assertThat(response.code()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.header("x-method")).isEqualTo("GET");
        assertThat(response.header("X-In-Process")).isEqualTo("true");
        HttpExchange seen = last.get();
        assertThat(seen.query("a")).isEqualTo("b c");
        assertThat(seen.header("Authorization")).isEqualTo("Bearer t");
        assertThat(seen.header("Host")).isEqualTo("127.0.0.1:6443");
        assertThat(seen.remoteIp()).isEqualTo("127.0.0.1");
        assertThat(seen.peerCertificates()).isNull();
    }

    @Test
    void requestBodies_stringBytesAndStreams_arrive() throws Exception {
        HttpResponse<String> string =
                client.sendAsync(
                                request("/echo")
                                        .method("PUT", "application/json", "{\"a\":\"é\"}")
                                        .build(),
                                String.class)
                        .get(10, TimeUnit.SECONDS);
        assertThat(string.body()).isEqualTo("{\"a\":\"é\"}");
        assertThat(string.header("X-Method")).isEqualTo("PUT");
        assertThat(last.get().header("Content-Type")).isEqualTo("application/json");

        byte[] payload = big(2 << 20); // a large body: 2 MiB, under the server's 3 MiB limit
        HttpResponse<byte[]> bytes =
                client.sendAsync(
                                request("/echo").post("application/octet-stream", payload).build(),
                                byte[].class)
                        .get(10, TimeUnit.SECONDS);
        assertThat(bytes.body()).isEqualTo(payload);

        for (long length : new long[] {payload.length, -1}) {
            HttpResponse<byte[]> streamed =
                    client.sendAsync(
                                    request("/echo")
                                            .method(
                                                    "POST",
                                                    "application/octet-stream",
                                                    new ByteArrayInputStream(payload),
                                                    length)
                                            .build(),
                                    byte[].class)
                            .get(10, TimeUnit.SECONDS);
            assertThat(streamed.body()).as("length " + length).isEqualTo(payload);
        }
    }

    @Test
    void largeResponse_arrivesWhole() throws Exception {
        HttpResponse<byte[]> response =
                client.sendAsync(request("/big").build(), byte[].class).get(10, TimeUnit.SECONDS);
        assertThat(response.body()).isEqualTo(big(5 << 20));
    }

    @Test
    void streamedResponse_isHandedOverOnlyAsTheConsumerAsks() throws Exception {
        List<String> received = new ArrayList<>();
        AtomicInteger deliveries = new AtomicInteger();
        HttpResponse<AsyncBody> response =
                ((StandardHttpClient<?, ?, ?>) client)
                        .consumeBytesDirect(
                                request("/stream?end=1").build(),
                                (buffers, body) -> {
                                    deliveries.incrementAndGet();
                                    for (ByteBuffer b : buffers) {
                                        received.add(StandardCharsets.UTF_8.decode(b).toString());
                                    }
                                })
                        .get(10, TimeUnit.SECONDS);
        assertThat(response.code()).isEqualTo(200);
        // the server wrote everything; nothing is handed over before the consumer asks
        while (chunksWritten.get() < 50) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        assertThat(deliveries.get()).isZero();
        AsyncBody body = response.body();
        int asked = 0;
        while (!body.done().isDone()) {
            int before = deliveries.get();
            body.consume();
            asked++;
            // one consume(), at most one delivery
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (deliveries.get() == before
                    && !body.done().isDone()
                    && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            Thread.sleep(5);
            assertThat(deliveries.get()).isLessThanOrEqualTo(before + 1);
        }
        body.done().get(5, TimeUnit.SECONDS);
        assertThat(asked).isGreaterThanOrEqualTo(deliveries.get());
        String all = String.join("", received);
        assertThat(all.split("\n")).hasSize(50).startsWith("{\"n\":0}").endsWith("{\"n\":49}");
    }

    @Test
    void cancelMidStream_closesTheServerSide() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        HttpResponse<AsyncBody> response =
                ((StandardHttpClient<?, ?, ?>) client)
                        .consumeBytesDirect(
                                request("/stream").build(), (buffers, body) -> first.countDown())
                        .get(10, TimeUnit.SECONDS);
        response.body().consume();
        assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(streamClosed.getCount()).isEqualTo(1); // the stream is still open
        response.body().cancel();
        assertThat(streamClosed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(response.body().done()).isCancelled();
    }

    @Test
    void statusOf4xx_reachesTheFabric8Caller() {
        Config config =
                new ConfigBuilder(Config.empty())
                        .withMasterUrl("https://127.0.0.1:6443")
                        .withOauthToken("t")
                        .withNamespace("default")
                        .withOnlyHttpWatches(true)
                        .build();
        try (KubernetesClient k8s =
                new KubernetesClientBuilder()
                        .withConfig(config)
                        .withHttpClientFactory(factory)
                        .build()) {
            assertThatThrownBy(
                            () ->
                                    k8s.configMaps()
                                            .resource(
                                                    new ConfigMapBuilder()
                                                            .withNewMetadata()
                                                            .withName("c")
                                                            .endMetadata()
                                                            .build())
                                            .create())
                    .isInstanceOfSatisfying(
                            KubernetesClientException.class,
                            e -> {
                                assertThat(e.getCode()).isEqualTo(409);
                                assertThat(e.getStatus().getReason()).isEqualTo("AlreadyExists");
                                assertThat(e.getMessage())
                                        .contains("configmaps \"c\" already exists");
                            });
            assertThat(last.get().header("Authorization")).isEqualTo("Bearer t");
            // no ConfigMap "x": 404, which fabric8 answers with null
            assertThat(k8s.configMaps().withName("x").get()).isNull();
        }
    }

    @Test
    void fabric8Informer_listsWatches_reconnectsWhenTheServerEndsAWatch_andRelistsOn410()
            throws Exception {
        Config config =
                new ConfigBuilder(Config.empty())
                        .withMasterUrl("https://127.0.0.1:6443")
                        .withOauthToken("t")
                        .withNamespace("default")
                        .withOnlyHttpWatches(true)
                        .withWatchReconnectInterval(50)
                        .build();
        List<String> added = java.util.Collections.synchronizedList(new ArrayList<>());
        try (KubernetesClient k8s =
                new KubernetesClientBuilder()
                        .withConfig(config)
                        .withHttpClientFactory(factory)
                        .build()) {
            var informer =
                    k8s.configMaps()
                            .inNamespace("informed")
                            .inform(
                                    new io.fabric8.kubernetes.client.informers.ResourceEventHandler<
                                            io.fabric8.kubernetes.api.model.ConfigMap>() {
                                        @Override
                                        public void onAdd(
                                                io.fabric8.kubernetes.api.model.ConfigMap cm) {
                                            added.add(cm.getMetadata().getName());
                                        }

                                        @Override
                                        public void onUpdate(
                                                io.fabric8.kubernetes.api.model.ConfigMap a,
                                                io.fabric8.kubernetes.api.model.ConfigMap b) {}

                                        @Override
                                        public void onDelete(
                                                io.fabric8.kubernetes.api.model.ConfigMap cm,
                                                boolean unknown) {}
                                    },
                                    0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((lists.get() < 2 || watches.get() < 3) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            // list, watch (an event, then the server ends it), watch again (410), list again,
            // watch again
            assertThat(lists.get()).as("lists, with %s watches", watches.get()).isEqualTo(2);
            assertThat(watches.get()).isGreaterThanOrEqualTo(3);
            assertThat(added).contains("c1", "c2");
            assertThat(informer.hasSynced()).isTrue();
            informer.stop();
        }
    }

    @Test
    void requestTimeout_failsWithAnIOException() {
        CompletableFuture<HttpResponse<AsyncBody>> response =
                ((StandardHttpClient<?, ?, ?>) client)
                        .consumeBytesDirect(
                                (StandardHttpRequest)
                                        request("/never")
                                                .timeout(200, TimeUnit.MILLISECONDS)
                                                .build(),
                                (buffers, body) -> {});
        assertThatThrownBy(() -> response.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(HttpTimeoutException.class)
                .hasMessageContaining("timed out after 200 ms");
    }

    @Test
    void nothingListening_isAnIOException_andWebSocketsAreRefusedClearly() throws Exception {
        try (LoopbackHttpClientFactory nowhere =
                        new LoopbackHttpClientFactory(() -> new LocalAddress("j8s-test-nowhere"));
                HttpClient lost = nowhere.newBuilder().build()) {
            CompletableFuture<HttpResponse<AsyncBody>> response =
                    ((StandardHttpClient<?, ?, ?>) lost)
                            .consumeBytesDirect(
                                    (StandardHttpRequest)
                                            lost.newHttpRequestBuilder()
                                                    .uri("https://127.0.0.1:6443/echo")
                                                    .build(),
                                    (buffers, body) -> {});
            assertThatThrownBy(() -> response.get(5, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot connect to the in-process API server");
        }
        assertThatThrownBy(
                        () ->
                                client.newWebSocketBuilder()
                                        .uri(java.net.URI.create("https://127.0.0.1:6443/x"))
                                        .buildAsync(
                                                new io.fabric8.kubernetes.client.http.WebSocket
                                                        .Listener() {})
                                        .get(5, TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(UnsupportedOperationException.class)
                .rootCause()
                .hasMessageContaining("no WebSockets");
    }
}
