package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.server.ServerOptions;
import io.j8s.server.testing.TestCluster;
import io.j8s.testkit.EtcdProcess;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The work and size of what a client sends or watches are bounded (docs/architecture.md, Limits): a
 * patch that multiplies itself, a decoder bomb, an object too large for the store, numbers beyond
 * their field, revisions from the future and a watcher that never reads each get a 4xx (or the
 * cut-off) while the server's heap stays bounded and the server stays ready.
 */
class LimitsTest {
    private static final long MiB = 1024 * 1024;
    private static TestCluster cluster;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start();
        http = client(cluster);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static HttpClient client(TestCluster c) {
        return HttpClient.newBuilder()
                .sslContext(c.adminSslContext())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static HttpResponse<String> send(
            String method, String path, String contentType, String body) throws Exception {
        return send(cluster, http, method, path, contentType, body);
    }

    private static HttpResponse<String> send(
            TestCluster c,
            HttpClient client,
            String method,
            String path,
            String contentType,
            String body)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(c.server().apiUrl() + path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Accept", "application/json");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode status(HttpResponse<String> response, int code, String reason) {
        assertThat(response.statusCode())
                .as(
                        response.body().length() > 2000
                                ? response.body().substring(0, 2000)
                                : response.body())
                .isEqualTo(code);
        JsonNode status = Json.parse(response.body());
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("reason").asString()).isEqualTo(reason);
        assertThat(status.path("code").asInt()).isEqualTo(code);
        return status;
    }

    private static void created(HttpResponse<String> response) {
        assertThat(response.statusCode())
                .as(
                        response.body().length() > 2000
                                ? response.body().substring(0, 2000)
                                : response.body())
                .isEqualTo(201);
    }

    /** The heap the JVM (the test and the server in it) uses after a collection. */
    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    private static void assertReady() throws Exception {
        HttpResponse<String> ready = send("GET", "/readyz", null, null);
        assertThat(ready.statusCode()).isEqualTo(200);
    }

    private static String configMap(String name, String dataValue) {
        ObjectNode cm = Json.object();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", name);
        cm.putObject("data").put("v", dataValue);
        return Json.write(cm);
    }

    // ---- patches and decoders ----

    /**
     * The reported bomb: an add of a 1 KiB map, then 40 copies of it into itself (4.5 KB) would
     * double the map 40 times; the accumulated copy size stops it after a dozen.
     */
    @Test
    void jsonPatchBomb_is422Quickly_heapStaysBounded_andTheServerStaysReady() throws Exception {
        created(
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        "application/json",
                        configMap("bomb", "x")));
        StringBuilder ops =
                new StringBuilder(
                        "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{");
        for (int i = 0; i < 16; i++) {
            ops.append(i == 0 ? "" : ",")
                    .append("\"k")
                    .append(i)
                    .append("\":\"")
                    .append("x".repeat(60))
                    .append('"');
        }
        ops.append("}}");
        for (int i = 0; i < 40; i++) {
            ops.append(
                            ",{\"op\":\"copy\",\"from\":\"/metadata/annotations\",\"path\":\"/metadata/annotations/c")
                    .append(i)
                    .append("\"}");
        }
        ops.append(']');
        long before = usedHeapAfterGc();
        long start = System.nanoTime();
        JsonNode status =
                status(
                        send(
                                "PATCH",
                                "/api/v1/namespaces/default/configmaps/bomb",
                                "application/json-patch+json",
                                ops.toString()),
                        422,
                        "Invalid");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(status.path("message").asString())
                .startsWith(
                        "Unable to complete the copy, the accumulated size increase of copy is ")
                .endsWith(", exceeding the limit 3145728");
        assertThat(ms).as("answered within").isLessThan(5_000);
        long growth = usedHeapAfterGc() - before;
        System.out.println(
                "LimitsTest: JSON patch bomb answered in "
                        + ms
                        + " ms, heap growth "
                        + growth / MiB
                        + " MiB");
        assertThat(growth).as("heap growth").isLessThan(64 * MiB);
        assertReady();
        JsonNode stored =
                Json.parse(
                        send("GET", "/api/v1/namespaces/default/configmaps/bomb", null, null)
                                .body());
        assertThat(stored.path("metadata").has("annotations")).as("nothing applied").isFalse();
    }

    @Test
    void moreThanTenThousandPatchOperations_is413() throws Exception {
        created(
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        "application/json",
                        configMap("many-ops", "x")));
        String op = "{\"op\":\"test\",\"path\":\"/data/v\",\"value\":\"x\"}";
        String patch = "[" + String.join(",", java.util.Collections.nCopies(10_001, op)) + "]";
        JsonNode status =
                status(
                        send(
                                "PATCH",
                                "/api/v1/namespaces/default/configmaps/many-ops",
                                "application/json-patch+json",
                                patch),
                        413,
                        "RequestEntityTooLarge");
        assertThat(status.path("message").asString())
                .isEqualTo(
                        "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001");
    }

    @Test
    void decoderBombs_deepNesting_yamlAliases_longNumbers_are400() throws Exception {
        created(
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        "application/json",
                        configMap("deep", "x")));
        String deep = "{\"a\":".repeat(600) + "1" + "}".repeat(600);
        for (String type :
                List.of("application/merge-patch+json", "application/strategic-merge-patch+json")) {
            JsonNode status =
                    status(
                            send(
                                    "PATCH",
                                    "/api/v1/namespaces/default/configmaps/deep",
                                    type,
                                    "{\"metadata\":{\"labels\":" + deep + "}}"),
                            400,
                            "BadRequest");
            assertThat(status.path("message").asString()).contains("nesting depth");
        }
        status(
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        "application/json",
                        "{\"metadata\":{\"name\":\"n\"},\"data\":" + deep + "}"),
                400,
                "BadRequest");

        StringBuilder laughs =
                new StringBuilder(
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\n"
                                + "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            laughs.append('l')
                    .append(i)
                    .append(": &l")
                    .append(i)
                    .append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*l" + (i - 1))))
                    .append("]\n");
        }
        laughs.append("data: {v: x}\n");
        long before = usedHeapAfterGc();
        long start = System.nanoTime();
        status(
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        "application/yaml",
                        laughs.toString()),
                400,
                "BadRequest");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(5_000);
        assertThat(usedHeapAfterGc() - before).as("heap growth").isLessThan(64 * MiB);

        status(
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        "application/json",
                        "{\"metadata\":{\"name\":\"num\"},\"data\":{\"v\":\"x\"},\"immutable\":"
                                + "1".repeat(5000)
                                + "}"),
                400,
                "BadRequest");
        // Aliases within the budget are expanded, as Kubernetes' YAML decoder does.
        created(
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        "application/yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aliased, labels: &l {app: web}, annotations: *l}\n"));
        JsonNode aliased =
                Json.parse(
                        send("GET", "/api/v1/namespaces/default/configmaps/aliased", null, null)
                                .body());
        assertThat(aliased.path("metadata").path("annotations").path("app").asString())
                .isEqualTo("web");
        assertReady();
    }

    // ---- object size, the same on both stores ----

    @Test
    void objectSize_configMapDataOver1MiB_is422_encodingOver1Point5MiB_is413_onSqliteAndEtcd()
            throws Exception {
        objectSizeLimits(cluster, http);
        EtcdProcess.requireInstalled();
        try (EtcdProcess etcd = EtcdProcess.start();
                TestCluster onEtcd =
                        TestCluster.start(
                                o ->
                                        o.withStore(
                                                ServerOptions.StoreKind.ETCD,
                                                etcd.endpoints().stream()
                                                        .map(Object::toString)
                                                        .toList(),
                                                "/limits-test/"))) {
            objectSizeLimits(onEtcd, client(onEtcd));
        }
    }

    private static void objectSizeLimits(TestCluster c, HttpClient client) throws Exception {
        String path = "/api/v1/namespaces/default/configmaps";
        // 1.6 MB of data: ValidateConfigMap's 1 MiB, whatever the store.
        JsonNode invalid =
                status(
                        send(
                                c,
                                client,
                                "POST",
                                path,
                                "application/json",
                                configMap("too-much-data", "x".repeat(1_600_000))),
                        422,
                        "Invalid");
        assertThat(invalid.path("message").asString())
                .isEqualTo(
                        "ConfigMap \"too-much-data\" is invalid: []: Too long: may not be more than 1048576 bytes");
        assertThat(invalid.path("details").path("causes").get(0).path("reason").asString())
                .isEqualTo("FieldValueTooLong");
        // Exactly 1 MiB of data is stored.
        created(
                send(
                        c,
                        client,
                        "POST",
                        path,
                        "application/json",
                        configMap("one-mib", "x".repeat(1024 * 1024))));
        // 1,000,000 newlines are 1 MB of data but 2 MB encoded ("\n"): too large to store, on
        // either store.
        JsonNode tooLarge =
                status(
                        send(
                                c,
                                client,
                                "POST",
                                path,
                                "application/json",
                                configMap("escaped", "\n".repeat(1_000_000))),
                        413,
                        "RequestEntityTooLarge");
        assertThat(tooLarge.path("message").asString())
                .startsWith("Request entity too large: ")
                .endsWith("the limit is 1572864 bytes");
        status(send(c, client, "GET", path + "/escaped", null, null), 404, "NotFound");
        // An update that grows an object past the limit is refused the same way, and leaves it as
        // it was.
        status(
                send(
                        c,
                        client,
                        "PUT",
                        path + "/one-mib",
                        "application/json",
                        configMap("one-mib", "\n".repeat(1024 * 1024))),
                413,
                "RequestEntityTooLarge");
        JsonNode kept = Json.parse(send(c, client, "GET", path + "/one-mib", null, null).body());
        assertThat(kept.path("data").path("v").asString()).startsWith("xxx");
    }

    // ---- numbers beyond their field ----

    @Test
    void numbersBeyondTheirFieldsRange_are400_orA422ForAPatch() throws Exception {
        String deployment =
                """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%s"},
                 "spec":{"replicas":%s,"selector":{"matchLabels":{"app":"d"}},
                  "template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"c","image":"nginx"}]}}}}""";
        JsonNode status =
                status(
                        send(
                                "POST",
                                "/apis/apps/v1/namespaces/default/deployments",
                                "application/json",
                                deployment.formatted("huge", "9223372036854775808")),
                        400,
                        "BadRequest");
        assertThat(status.path("message").asString())
                .isEqualTo(
                        "Deployment in version \"v1\" cannot be handled as a"
                                + " Deployment: json: cannot unmarshal number 9223372036854775808 into Go struct field"
                                + " DeploymentSpec.spec.replicas of type int32");
        status =
                status(
                        send(
                                "POST",
                                "/api/v1/namespaces/default/pods",
                                "application/json",
                                """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
                 "spec":{"terminationGracePeriodSeconds":9223372036854775808,"containers":[{"name":"c","image":"x"}]}}"""),
                        400,
                        "BadRequest");
        assertThat(status.path("message").asString())
                .endsWith(
                        "json: cannot unmarshal number 9223372036854775808"
                                + " into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64");

        created(
                send(
                        "POST",
                        "/apis/apps/v1/namespaces/default/deployments",
                        "application/json",
                        deployment.formatted("d1", "1")));
        status =
                status(
                        send(
                                "PATCH",
                                "/apis/apps/v1/namespaces/default/deployments/d1/scale",
                                "application/merge-patch+json",
                                "{\"spec\":{\"replicas\":2147483648}}"),
                        422,
                        "Invalid");
        assertThat(status.path("message").asString())
                .startsWith(" \"\" is invalid: patch: Invalid value: \"{")
                .endsWith(
                        "json: cannot unmarshal number 2147483648 into Go struct field ScaleSpec.spec.replicas"
                                + " of type int32");
        assertThat(status.path("details").path("causes").get(0).path("field").asString())
                .isEqualTo("patch");
        status =
                status(
                        send(
                                "PUT",
                                "/apis/apps/v1/namespaces/default/deployments/d1/scale",
                                "application/json",
                                "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"d1\"},"
                                        + "\"spec\":{\"replicas\":2147483648}}"),
                        400,
                        "BadRequest");
        assertThat(status.path("message").asString())
                .isEqualTo(
                        "Scale in version \"v1\" cannot be handled as a Scale:"
                                + " json: cannot unmarshal number 2147483648 into Go struct field ScaleSpec.spec.replicas of type int32");
        status =
                status(
                        send(
                                "PATCH",
                                "/apis/apps/v1/namespaces/default/deployments/d1",
                                "application/strategic-merge-patch+json",
                                "{\"spec\":{\"replicas\":2147483648}}"),
                        422,
                        "Invalid");
        assertThat(status.path("message").asString())
                .endsWith(
                        "json: cannot unmarshal number 2147483648 into Go"
                                + " struct field DeploymentSpec.spec.replicas of type int32");
        JsonNode d1 =
                Json.parse(
                        send("GET", "/apis/apps/v1/namespaces/default/deployments/d1", null, null)
                                .body());
        assertThat(d1.path("spec").path("replicas").asInt()).isEqualTo(1);
        status(
                send(
                        "DELETE",
                        "/apis/apps/v1/namespaces/default/deployments/d1",
                        "application/json",
                        "{\"gracePeriodSeconds\":9223372036854775808}"),
                400,
                "BadRequest");
    }

    // ---- revisions from the future ----

    @Test
    void continueTokenOrExactRevisionFromTheFuture_is504TooLargeResourceVersion() throws Exception {
        send(
                "POST",
                "/api/v1/namespaces",
                "application/json",
                "{\"metadata\":{\"name\":\"future\"}}");
        for (int i = 0; i < 3; i++) {
            created(
                    send(
                            "POST",
                            "/api/v1/namespaces/future/configmaps",
                            "application/json",
                            configMap("c" + i, "x")));
        }
        JsonNode page =
                Json.parse(
                        send("GET", "/api/v1/namespaces/future/configmaps?limit=1", null, null)
                                .body());
        String token = page.path("metadata").path("continue").asString();
        long current = Long.parseLong(page.path("metadata").path("resourceVersion").asString());
        ObjectNode decoded = (ObjectNode) Json.parse(Base64.getUrlDecoder().decode(token));
        long future = current + 1_000_000;
        decoded.put("rv", future);
        String futureToken =
                Base64.getUrlEncoder().withoutPadding().encodeToString(Json.writeBytes(decoded));

        Function<HttpResponse<String>, JsonNode> tooLarge =
                response -> {
                    JsonNode status = status(response, 504, "Timeout");
                    assertThat(status.path("message").asString())
                            .startsWith(
                                    "Timeout: Too large resource version: "
                                            + future
                                            + ", current: ");
                    assertThat(
                                    status.path("details")
                                            .path("causes")
                                            .get(0)
                                            .path("reason")
                                            .asString())
                            .isEqualTo("ResourceVersionTooLarge");
                    assertThat(
                                    status.path("details")
                                            .path("causes")
                                            .get(0)
                                            .path("message")
                                            .asString())
                            .isEqualTo("Too large resource version");
                    assertThat(status.path("details").path("retryAfterSeconds").asInt())
                            .isEqualTo(1);
                    assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
                    return status;
                };
        tooLarge.apply(
                send(
                        "GET",
                        "/api/v1/namespaces/future/configmaps?limit=1&continue=" + futureToken,
                        null,
                        null));
        tooLarge.apply(
                send(
                        "GET",
                        "/api/v1/namespaces/future/configmaps?resourceVersionMatch=Exact&resourceVersion="
                                + future,
                        null,
                        null));
        status(
                send(
                        "GET",
                        "/api/v1/namespaces/future/configmaps?limit=1&continue=bm90LWpzb24",
                        null,
                        null),
                400,
                "BadRequest");
        assertReady();
    }

    // ---- a watcher that never reads ----

    /**
     * A raw watch that never reads while 150 MB of ConfigMap versions are written: its queue would
     * keep every version; it is cut off at 16 MiB instead, counted in the metrics, and the heap
     * stays bounded (the cache's history is bounded in bytes too).
     */
    @Test
    void watcherThatNeverReads_isCutOff_andTheHeapStaysBounded() throws Exception {
        send(
                "POST",
                "/api/v1/namespaces",
                "application/json",
                "{\"metadata\":{\"name\":\"slow\"}}");
        created(
                send(
                        "POST",
                        "/api/v1/namespaces/slow/configmaps",
                        "application/json",
                        configMap("w", "0")));
        long before = usedHeapAfterGc();
        URI api = URI.create(cluster.server().apiUrl());
        try (SSLSocket socket =
                (SSLSocket) cluster.adminSslContext().getSocketFactory().createSocket()) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(new InetSocketAddress(api.getHost(), api.getPort()), 5_000);
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("GET /api/v1/namespaces/slow/configmaps?watch=true&labelSelector=app%3Dslow HTTP/1.1\r\n"
                                    + "Host: "
                                    + api.getHost()
                                    + "\r\nAccept: application/json\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(500);
            // 150 versions of 1 MB each; the watcher reads none of them.
            ObjectNode cm = (ObjectNode) Json.parse(configMap("w", ""));
            ((ObjectNode) cm.get("metadata")).putObject("labels").put("app", "slow");
            for (int i = 0; i < 150; i++) {
                ((ObjectNode) cm.get("data")).put("v", "x".repeat(999_990) + i);
                HttpResponse<String> written =
                        send(
                                "PUT",
                                "/api/v1/namespaces/slow/configmaps/w",
                                "application/json",
                                Json.write(cm));
                assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
            }
            String metric = "j8s_apiserver_watch_queue_overflows_total{resource=\"configmaps\"}";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String metrics = "";
            while (System.nanoTime() < deadline && !metrics.contains(metric + " 1.0")) {
                metrics = send("GET", "/metrics", null, null).body();
                Thread.sleep(200);
            }
            assertThat(metrics).contains(metric + " 1.0");
            long growth = usedHeapAfterGc() - before;
            System.out.println(
                    "LimitsTest: heap growth with a watcher that never read 150 MB of changes: "
                            + growth / MiB
                            + " MiB");
            assertThat(growth)
                    .as("heap growth while the watcher is connected")
                    .isLessThan(160 * MiB);
            // The stream was ended: what was sent before the cut-off can be read, then the end.
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long received = 0;
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received += n;
                }
            } catch (java.io.IOException reset) {
                // an aborted stream may end in a reset
            }
            assertThat(received).as("bytes before the cut-off").isLessThan(64 * MiB);
        }
        assertReady();
    }
}
