package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.server.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every error a client can cause comes back as a {@code Status} body with the right code and
 * reason, and writes nothing.
 */
class ApiErrorsTest {
    private static TestCluster cluster;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start();
        http =
                HttpClient.newBuilder()
                        .sslContext(cluster.adminSslContext())
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static HttpResponse<String> send(
            String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(cluster.server().apiUrl() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/json");
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@link #send} with a given {@code Accept} header. */
    private static HttpResponse<String> sendAccepting(
            String accept, String method, String path, String contentType, byte[] body)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(cluster.server().apiUrl() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Accept", accept);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode status(HttpResponse<String> response, int code, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(code);
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/json");
        JsonNode status = Json.parse(response.body());
        assertThat(status.path("kind").asString()).isEqualTo("Status");
        assertThat(status.path("status").asString()).isEqualTo("Failure");
        assertThat(status.path("reason").asString()).isEqualTo(reason);
        assertThat(status.path("code").asInt()).isEqualTo(code);
        return status;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void unknownPath_is404() throws Exception {
        status(send("GET", "/api/v1/namespaces/default/widgets", null, null), 404, "NotFound");
        status(send("GET", "/nope", null, null), 404, "NotFound");
        status(send("GET", "/openapi/v3/apis/widgets.example.com/v1", null, null), 404, "NotFound");
    }

    @Test
    void queryParameters_areReadAsTheApiserverReadsThem() throws Exception {
        String cms = "/api/v1/namespaces/default/configmaps";
        JsonNode limit = status(send("GET", cms + "?limit=abc", null, null), 400, "BadRequest");
        assertThat(limit.path("message").asString())
                .isEqualTo("strconv.ParseInt: parsing \"abc\": invalid syntax");
        JsonNode timeout = status(send("GET", cms + "?timeout=5", null, null), 400, "BadRequest");
        assertThat(timeout.path("message").asString())
                .isEqualTo(
                        "invalid timeout specified in the request URL - time: missing unit in duration \"5\"");
        assertThat(send("GET", cms + "?timeout=32s&limit=%2B5", null, null).statusCode())
                .isEqualTo(200);
        // A boolean is true unless absent, 0 or false: ?watch=False is a list.
        assertThat(
                        Json.parse(send("GET", cms + "?watch=False", null, null).body())
                                .path("kind")
                                .asString())
                .isEqualTo("ConfigMapList");
    }

    @Test
    void wrongMethod_is405() throws Exception {
        status(
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps/x",
                        "application/json",
                        utf8("{}")),
                405,
                "MethodNotAllowed");
    }

    @Test
    void malformedJson_is400_namingTheProblem() throws Exception {
        String before = send("GET", "/api/v1/namespaces/default/configmaps", null, null).body();
        JsonNode s =
                status(
                        send(
                                "POST",
                                "/api/v1/namespaces/default/configmaps",
                                "application/json",
                                utf8("{\"metadata\": {\"name\": \"half")),
                        400,
                        "BadRequest");
        assertThat(s.path("message").asString()).contains("could not be decoded");
        assertThat(
                        Json.parse(
                                        send(
                                                        "GET",
                                                        "/api/v1/namespaces/default/configmaps",
                                                        null,
                                                        null)
                                                .body())
                                .path("items")
                                .size())
                .isEqualTo(Json.parse(before).path("items").size());
    }

    @Test
    void bodyOver3MiB_is413_overHttp2AndHttp11() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 100];
        java.util.Arrays.fill(big, (byte) 'a');
        status(
                send("POST", "/api/v1/namespaces/default/configmaps", "application/json", big),
                413,
                "RequestEntityTooLarge");
        HttpClient http11 =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .sslContext(cluster.adminSslContext())
                        .build();
        HttpResponse<String> response =
                http11.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                cluster.server().apiUrl()
                                                        + "/api/v1/namespaces/default/configmaps"))
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        status(response, 413, "RequestEntityTooLarge");
    }

    @Test
    void unsupportedPatchType_is415() throws Exception {
        send(
                "POST",
                "/api/v1/namespaces/default/configmaps",
                "application/json",
                utf8("{\"metadata\":{\"name\":\"p415\"}}"));
        JsonNode s =
                status(
                        send(
                                "PATCH",
                                "/api/v1/namespaces/default/configmaps/p415",
                                "text/plain",
                                utf8("x")),
                        415,
                        "UnsupportedMediaType");
        assertThat(s.path("message").asString()).contains("application/strategic-merge-patch+json");
    }

    @Test
    void invalidObject_is422_withOneCausePerField_andNothingIsWritten() throws Exception {
        JsonNode s =
                status(
                        send(
                                "POST",
                                "/api/v1/namespaces/default/services",
                                "application/json",
                                utf8(
                                        """
                {"metadata":{"name":"bad-svc"},"spec":{"ports":[{"port":0},{"port":81}]}}""")),
                        422,
                        "Invalid");
        assertThat(s.path("details").path("kind").asString()).isEqualTo("Service");
        // targetPort defaults to port, so port 0 also makes targetPort 0 invalid, as in Kubernetes
        assertThat(s.path("details").path("causes").size()).isEqualTo(4);
        assertThat(s.path("details").path("causes").toString())
                .contains(
                        "spec.ports[0].port",
                        "FieldValueInvalid",
                        "spec.ports[0].targetPort",
                        "spec.ports[1].name",
                        "FieldValueRequired");
        status(
                send("GET", "/api/v1/namespaces/default/services/bad-svc", null, null),
                404,
                "NotFound");
    }

    @Test
    void staleResourceVersion_is409Conflict_andAnExistingName_is409AlreadyExists()
            throws Exception {
        HttpResponse<String> created =
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        "application/json",
                        utf8("{\"metadata\":{\"name\":\"c409\"},\"data\":{\"a\":\"1\"}}"));
        assertThat(created.statusCode()).isEqualTo(201);
        String rv = Json.parse(created.body()).path("metadata").path("resourceVersion").asString();
        send(
                "PATCH",
                "/api/v1/namespaces/default/configmaps/c409",
                "application/merge-patch+json",
                utf8("{\"data\":{\"a\":\"2\"}}"));
        JsonNode conflict =
                status(
                        send(
                                "PUT",
                                "/api/v1/namespaces/default/configmaps/c409",
                                "application/json",
                                utf8(
                                        "{\"metadata\":{\"name\":\"c409\",\"resourceVersion\":\""
                                                + rv
                                                + "\"},\"data\":{\"a\":\"3\"}}")),
                        409,
                        "Conflict");
        assertThat(conflict.path("message").asString()).contains("the object has been modified");
        JsonNode exists =
                status(
                        send(
                                "POST",
                                "/api/v1/namespaces/default/configmaps",
                                "application/json",
                                utf8("{\"metadata\":{\"name\":\"c409\"}}")),
                        409,
                        "AlreadyExists");
        assertThat(exists.path("details").path("kind").asString()).isEqualTo("configmaps");
        assertThat(
                        Json.parse(
                                        send(
                                                        "GET",
                                                        "/api/v1/namespaces/default/configmaps/c409",
                                                        null,
                                                        null)
                                                .body())
                                .path("data")
                                .path("a")
                                .asString())
                .isEqualTo("2");
    }

    @Test
    void deleteCollection_deletesWhatTheSelectorMatches() throws Exception {
        for (String name : new String[] {"dc-1", "dc-2", "dc-keep"}) {
            String label = name.equals("dc-keep") ? "keep" : "go";
            send(
                    "POST",
                    "/api/v1/namespaces/default/configmaps",
                    "application/json",
                    utf8(
                            "{\"metadata\":{\"name\":\""
                                    + name
                                    + "\",\"labels\":{\"dc\":\""
                                    + label
                                    + "\"}}}"));
        }
        HttpResponse<String> deleted =
                send(
                        "DELETE",
                        "/api/v1/namespaces/default/configmaps?labelSelector=dc%3Dgo",
                        null,
                        null);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(Json.parse(deleted.body()).path("items").size()).isEqualTo(2);
        String left =
                send("GET", "/api/v1/namespaces/default/configmaps?labelSelector=dc", null, null)
                        .body();
        assertThat(left).contains("dc-keep").doesNotContain("dc-1");
    }

    @Test
    void noCredentials_is401() throws Exception {
        HttpClient anonymous =
                HttpClient.newBuilder().sslContext(cluster.adminSslContext()).build();
        javax.net.ssl.SSLContext trustOnly = javax.net.ssl.SSLContext.getInstance("TLS");
        var trust =
                javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        var ca =
                (java.security.cert.X509Certificate)
                        java.security.cert.CertificateFactory.getInstance("X.509")
                                .generateCertificate(
                                        java.nio.file.Files.newInputStream(
                                                cluster.dir().resolve("data/tls/ca.crt")));
        store.setCertificateEntry("ca", ca);
        trust.init(store);
        trustOnly.init(null, trust.getTrustManagers(), null);
        anonymous = HttpClient.newBuilder().sslContext(trustOnly).build();
        HttpResponse<String> response =
                anonymous.send(
                        HttpRequest.newBuilder(
                                        URI.create(cluster.server().apiUrl() + "/api/v1/pods"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        status(response, 401, "Unauthorized");
        HttpResponse<String> health =
                anonymous.send(
                        HttpRequest.newBuilder(URI.create(cluster.server().apiUrl() + "/healthz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void unacceptableOrMalformedAccept_is406_beforeAnythingIsWritten() throws Exception {
        String configmaps = "/api/v1/namespaces/default/configmaps";
        for (String accept : new String[] {"text/html", ";;;", "application/json;q=0"}) {
            JsonNode s =
                    status(
                            sendAccepting(
                                    accept,
                                    "POST",
                                    configmaps,
                                    "application/json",
                                    utf8("{\"metadata\":{\"name\":\"n406\"}}")),
                            406,
                            "NotAcceptable");
            assertThat(s.path("message").asString()).contains("application/json");
            status(send("GET", configmaps + "/n406", null, null), 404, "NotFound");
        }
        assertThat(
                        send(
                                        "POST",
                                        configmaps,
                                        "application/json",
                                        utf8(
                                                "{\"metadata\":{\"name\":\"k406\"},\"data\":{\"a\":\"1\"}}"))
                                .statusCode())
                .isEqualTo(201);
        status(
                sendAccepting(
                        "text/html",
                        "PUT",
                        configmaps + "/k406",
                        "application/json",
                        utf8("{\"metadata\":{\"name\":\"k406\"},\"data\":{\"a\":\"2\"}}")),
                406,
                "NotAcceptable");
        status(
                sendAccepting(
                        ";;;",
                        "PATCH",
                        configmaps + "/k406",
                        "application/merge-patch+json",
                        utf8("{\"data\":{\"a\":\"3\"}}")),
                406,
                "NotAcceptable");
        status(
                sendAccepting("text/html", "DELETE", configmaps + "/k406", null, null),
                406,
                "NotAcceptable");
        status(
                sendAccepting("image/png", "DELETE", configmaps + "?labelSelector=", null, null),
                406,
                "NotAcceptable");
        HttpResponse<String> kept = send("GET", configmaps + "/k406", null, null);
        assertThat(kept.statusCode()).isEqualTo(200);
        assertThat(Json.parse(kept.body()).path("data").path("a").asString()).isEqualTo("1");
        // What kubectl and browsers send still works.
        assertThat(
                        sendAccepting(
                                        "text/html, */*;q=0.8",
                                        "GET",
                                        configmaps + "/k406",
                                        null,
                                        null)
                                .statusCode())
                .isEqualTo(200);
        HttpResponse<String> yaml =
                sendAccepting("application/yaml", "DELETE", configmaps + "/k406", null, null);
        assertThat(yaml.statusCode()).isEqualTo(200);
        assertThat(yaml.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/yaml");
    }

    @Test
    void bodyOfAnUnknownOrMalformedContentType_is415() throws Exception {
        for (String type : new String[] {"text/html", ";;;", "application/"}) {
            status(
                    send(
                            "POST",
                            "/api/v1/namespaces/default/configmaps",
                            type,
                            utf8("{\"metadata\":{\"name\":\"t415\"}}")),
                    415,
                    "UnsupportedMediaType");
        }
        status(
                send("GET", "/api/v1/namespaces/default/configmaps/t415", null, null),
                404,
                "NotFound");
    }
}
