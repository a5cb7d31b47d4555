package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.apiserver.http.HttpLimits;
import io.j8s.server.testing.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Requests no well-behaved client sends, written byte by byte on the wire: each gets a 4xx with a
 * {@code Status} (or, when nothing of a request arrived, a closed connection), never a 5xx or a
 * connection dropped without an answer, and the server keeps answering. The server runs with short
 * timeouts so that the slow clients are seen to be cut.
 */
class HostileRequestsTest {
    /** Short, but not so short that a busy machine's handshakes and requests miss them. */
    private static final HttpLimits LIMITS =
            HttpLimits.DEFAULTS.withTimeouts(
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(4));

    private static final int LIMIT = HttpLimits.DEFAULTS.maxBodyBytes();
    private static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    private static TestCluster cluster;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start(o -> o.withHttpLimits(LIMITS));
        port = URI.create(cluster.server().apiUrl()).getPort();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void serverStillAnswers() throws Exception {
        try (Wire wire = Wire.open()) {
            wire.send("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(wire.response().code()).isEqualTo(200);
        }
    }

    /** A raw HTTP/1.1 connection over TLS with the admin's certificate. */
    private static final class Wire implements AutoCloseable {
        final SSLSocket socket;
        final InputStream in;
        final OutputStream out;

        private Wire(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        static Wire open() throws Exception {
            SSLSocket socket =
                    (SSLSocket)
                            cluster.adminSslContext()
                                    .getSocketFactory()
                                    .createSocket("127.0.0.1", port);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            return new Wire(socket);
        }

        void send(String text) throws IOException {
            send(text.getBytes(StandardCharsets.UTF_8));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Sends {@code request} and reads its response. */
        Response response(String request) throws IOException {
            send(request);
            return response();
        }

        /** Reads one response (its body by Content-Length or chunked). */
        Response response() throws IOException {
            String statusLine = line();
            assertThat(statusLine).as("status line").startsWith("HTTP/1.1 ");
            int code = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = line(); !line.isEmpty(); line = line()) {
                int colon = line.indexOf(':');
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (headers.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (int size = Integer.parseInt(line().trim(), 16);
                        size > 0;
                        size = Integer.parseInt(line().trim(), 16)) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
            }
            return new Response(code, headers, body.toString(StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        /**
         * Whether the server closed the connection (end of stream or reset) within {@code wait}.
         */
        boolean closedWithin(Duration wait) throws IOException {
            socket.setSoTimeout((int) wait.toMillis());
            try {
                while (in.read() >= 0) {
                    // whatever else comes (nothing should)
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private record Response(int code, Map<String, String> headers, String body) {
        JsonNode status(int expectedCode, String reason) {
            assertThat(code).as(body).isEqualTo(expectedCode);
            assertThat(headers.get("content-type")).isEqualTo("application/json");
            JsonNode status = Json.parse(body);
            assertThat(status.path("kind").asString()).isEqualTo("Status");
            assertThat(status.path("status").asString()).isEqualTo("Failure");
            assertThat(status.path("reason").asString()).isEqualTo(reason);
            assertThat(status.path("code").asInt()).isEqualTo(expectedCode);
            return status;
        }
    }

    private static String request(String method, String path, String... headers) {
        StringBuilder request =
                new StringBuilder(method)
                        .append(' ')
                        .append(path)
                        .append(" HTTP/1.1\r\nHost: x\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    private static byte[] filler(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'a');
        return bytes;
    }

    /** Writes {@code body} on a thread of its own: the server may stop reading it. */
    private static CompletableFuture<Void> sendInBackground(Wire wire, byte[]... parts) {
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        for (byte[] part : parts) {
                            wire.send(part);
                        }
                    } catch (IOException e) {
                        // the server closed: expected once it answered
                    }
                });
    }

    // ---- bodies too large ----

    @Test
    void largeBodies_are413_andTheRestIsNotRead_overHttp11() throws Exception {
        String yaml = "Content-Type: application/yaml";
        String json = "Content-Type: application/json";
        String[][] requests = {
            {"POST", CONFIGMAPS, json},
            {"POST", CONFIGMAPS, yaml},
            {"PUT", CONFIGMAPS + "/big", yaml},
            {"PATCH", CONFIGMAPS + "/big", "Content-Type: application/merge-patch+json"},
        };
        byte[] twentyMiB = filler(20 << 20);
        for (String[] r : requests) {
            // by Content-Length: answered before any of the body is read
            try (Wire wire = Wire.open()) {
                wire.send(request(r[0], r[1], r[2], "Content-Length: " + twentyMiB.length));
                CompletableFuture<Void> sending = sendInBackground(wire, twentyMiB);
                Response response = wire.response();
                response.status(413, "RequestEntityTooLarge");
                assertThat(response.headers().get("connection")).isEqualTo("close");
                assertThat(wire.closedWithin(Duration.ofSeconds(10))).isTrue();
                sending.get(30, TimeUnit.SECONDS);
            }
            // chunked: answered when the body passes the limit
            try (Wire wire = Wire.open()) {
                wire.send(request(r[0], r[1], r[2], "Transfer-Encoding: chunked"));
                byte[] chunk = filler(1 << 20);
                byte[] head = "100000\r\n".getBytes(StandardCharsets.US_ASCII);
                byte[] tail = "\r\n".getBytes(StandardCharsets.US_ASCII);
                byte[][] parts = new byte[60][];
                for (int i = 0; i < 20; i++) {
                    parts[3 * i] = head;
                    parts[3 * i + 1] = chunk;
                    parts[3 * i + 2] = tail;
                }
                CompletableFuture<Void> sending = sendInBackground(wire, parts);
                wire.response().status(413, "RequestEntityTooLarge");
                assertThat(wire.closedWithin(Duration.ofSeconds(10))).isTrue();
                sending.get(30, TimeUnit.SECONDS);
            }
        }
        status(CONFIGMAPS + "/big", 404);
    }

    @Test
    void bodySlightlyOverTheLimit_is413_andTheConnectionStaysUsable() throws Exception {
        try (Wire wire = Wire.open()) {
            byte[] body = filler(LIMIT + 100);
            wire.send(
                    request(
                            "POST",
                            CONFIGMAPS,
                            "Content-Type: application/json",
                            "Content-Length: " + body.length));
            wire.send(body);
            Response response = wire.response();
            response.status(413, "RequestEntityTooLarge");
            assertThat(response.headers()).doesNotContainKey("connection");
            wire.send(request("GET", "/readyz"));
            assertThat(wire.response().code()).isEqualTo(200);
        }
        // over HTTP/2 too, with and without a Content-Length: the JDK's client reads its answer
        // only
        // once it has sent its whole body
        HttpClient h2 =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_2)
                        .sslContext(cluster.adminSslContext())
                        .build();
        byte[] body = filler(LIMIT + 100 * 1024);
        for (boolean knownLength : new boolean[] {true, false}) {
            HttpRequest.BodyPublisher publisher =
                    knownLength
                            ? HttpRequest.BodyPublishers.ofByteArray(body)
                            : HttpRequest.BodyPublishers.ofInputStream(
                                    () -> new java.io.ByteArrayInputStream(body));
            HttpResponse<String> response =
                    h2.send(
                            HttpRequest.newBuilder(
                                            URI.create(cluster.server().apiUrl() + CONFIGMAPS))
                                    .header("Content-Type", "application/json")
                                    .timeout(Duration.ofSeconds(30))
                                    .POST(publisher)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
            assertThat(Json.parse(response.body()).path("reason").asString())
                    .isEqualTo("RequestEntityTooLarge");
        }
        assertThat(
                        h2.send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                cluster.server().apiUrl()
                                                                        + "/readyz"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                .isEqualTo(200);
    }

    @Test
    void largeBodies_are413_toKubectl_overHttp2() throws Exception {
        cluster.kubectl().run("create", "configmap", "small", "--from-literal=a=1").ok();
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(cluster.dir(), "big");
        String data = "b".repeat(20 << 20);
        java.nio.file.Path yaml = dir.resolve("big.yaml");
        java.nio.file.Files.writeString(
                yaml,
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: small\ndata:\n"
                        + "  big: "
                        + data
                        + "\n");
        java.nio.file.Path patch = dir.resolve("patch.json");
        java.nio.file.Files.writeString(patch, "{\"data\":{\"big\":\"" + data + "\"}}");
        String[][] commands = {
            {"create", "-f", yaml.toString()},
            {"replace", "-f", yaml.toString()},
            {"patch", "configmap", "small", "--type=merge", "--patch-file=" + patch},
            {"create", "configmap", "big", "--from-file=big=" + patch},
        };
        for (String[] command : commands) {
            var result = cluster.kubectl().run(command);
            assertThat(result.exitCode()).as(String.join(" ", command)).isNotZero();
            assertThat(result.stderr())
                    .as(String.join(" ", command))
                    .contains("the request is too large");
        }
        assertThat(
                        cluster.kubectl()
                                .run("get", "configmap", "small", "-o", "jsonpath={.data}")
                                .ok())
                .isEqualTo("{\"a\":\"1\"}");
        status(CONFIGMAPS + "/big", 404);
    }

    private static void status(String path, int code) throws Exception {
        try (Wire wire = Wire.open()) {
            wire.send(request("GET", path));
            assertThat(wire.response().code()).isEqualTo(code);
        }
    }

    // ---- slow clients ----

    @Test
    void unfinishedHeaders_are408_withinTheHeaderTimeout() throws Exception {
        try (Wire wire = Wire.open()) {
            long start = System.nanoTime();
            wire.send("GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nAcc");
            Response response = wire.response();
            JsonNode status = response.status(408, "Timeout");
            assertThat(status.path("message").asString()).contains("headers", "2s");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(8));
            assertThat(wire.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void headersDribbledByteByByte_areCutAtTheHeaderTimeout() throws Exception {
        try (Wire wire = Wire.open()) {
            long start = System.nanoTime();
            byte[] request =
                    request("GET", "/readyz", "X-Slow: " + "s".repeat(100))
                            .getBytes(StandardCharsets.UTF_8);
            try {
                for (byte b : request) {
                    wire.send(new byte[] {b});
                    Thread.sleep(200);
                }
                org.junit.jupiter.api.Assertions.fail(
                        "the server read a request dribbled over " + request.length / 5 + "s");
            } catch (IOException e) {
                // cut
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aBodyShorterThanItsContentLength_is408_withinTheBodyTimeout() throws Exception {
        try (Wire wire = Wire.open()) {
            wire.send(
                    request(
                            "POST",
                            CONFIGMAPS,
                            "Content-Type: application/json",
                            "Content-Length: 100"));
            wire.send("{\"metadata\":");
            long start = System.nanoTime();
            JsonNode status = wire.response().status(408, "Timeout");
            assertThat(status.path("message").asString()).contains("body", "3s");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(8));
            assertThat(wire.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void silentAndIdleConnections_areClosed() throws Exception {
        try (Wire silent = Wire.open()) {
            assertThat(silent.closedWithin(Duration.ofSeconds(8))).isTrue();
        }
        try (Wire idle = Wire.open()) {
            idle.send(request("GET", "/readyz"));
            assertThat(idle.response().code()).isEqualTo(200);
            assertThat(idle.closedWithin(Duration.ofSeconds(1))).isFalse();
            assertThat(idle.closedWithin(Duration.ofSeconds(10))).isTrue();
        }
        // no TLS handshake at all
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port));
            plain.setSoTimeout(8_000);
            assertThat(plain.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void watches_outliveEveryTimeout_chunkedAndOverHttp2() throws Exception {
        try (Wire wire = Wire.open()) {
            wire.send(request("GET", CONFIGMAPS + "?watch=true&timeoutSeconds=30"));
            Response head = readHead(wire);
            assertThat(head.code()).isEqualTo(200);
            HttpClient h2 =
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_2)
                            .sslContext(cluster.adminSslContext())
                            .build();
            HttpResponse<java.util.stream.Stream<String>> stream =
                    h2.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    cluster.server().apiUrl()
                                                            + CONFIGMAPS
                                                            + "?watch=true&timeoutSeconds=30"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.version()).isEqualTo(HttpClient.Version.HTTP_2);
            Thread.sleep(8_000); // longer than the header, body and idle timeouts
            HttpClient h1 = HttpClient.newBuilder().sslContext(cluster.adminSslContext()).build();
            assertThat(
                            h1.send(
                                            HttpRequest.newBuilder(
                                                            URI.create(
                                                                    cluster.server().apiUrl()
                                                                            + CONFIGMAPS))
                                                    .header("Content-Type", "application/json")
                                                    .POST(
                                                            HttpRequest.BodyPublishers.ofString(
                                                                    "{\"metadata\":{\"name\":\"watched\"}}"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(201);
            wire.socket.setSoTimeout(10_000);
            StringBuilder events = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (!events.toString().contains("\"watched\"")) {
                int n = wire.in.read(buffer);
                assertThat(n).as("the watch ended: " + events).isPositive();
                events.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            assertThat(events.toString()).contains("ADDED");
            assertThat(stream.body().filter(line -> line.contains("watched")).findFirst())
                    .isPresent();
        }
    }

    @Test
    void aPipelinedWatch_isNotCut_whenTheResponseBeforeItEndsWhileItsBodyArrives()
            throws Exception {
        try (Wire wire = Wire.open()) {
            // the first watch ends after 1s, while the second request's (ignored) body is still due
            wire.send(
                    request("GET", CONFIGMAPS + "?watch=true&timeoutSeconds=1")
                            + request(
                                    "GET",
                                    CONFIGMAPS + "?watch=true&timeoutSeconds=30",
                                    "Content-Length: 2"));
            Thread.sleep(2_000);
            wire.send("{}");
            Thread.sleep(6_000); // longer than the idle timeout
            HttpClient h1 = HttpClient.newBuilder().sslContext(cluster.adminSslContext()).build();
            assertThat(
                            h1.send(
                                            HttpRequest.newBuilder(
                                                            URI.create(
                                                                    cluster.server().apiUrl()
                                                                            + CONFIGMAPS))
                                                    .header("Content-Type", "application/json")
                                                    .POST(
                                                            HttpRequest.BodyPublishers.ofString(
                                                                    "{\"metadata\":{\"name\":\"pipelined\"}}"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode())
                    .isEqualTo(201);
            wire.socket.setSoTimeout(10_000);
            StringBuilder events = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (!events.toString().contains("\"pipelined\"")) {
                int n = wire.in.read(buffer);
                assertThat(n).as("the watch ended: " + events).isPositive();
                events.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        }
    }

    /** Reads a response's status line and headers only (a streamed body follows). */
    private static Response readHead(Wire wire) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = wire.in.read();
            if (b < 0) {
                throw new IOException("connection closed");
            }
            head.append((char) b);
        }
        return new Response(Integer.parseInt(head.substring(9, 12)), Map.of(), head.toString());
    }

    // ---- malformed requests ----

    @Test
    void malformedPercentEscapes_are400_andTheConnectionStaysUsable() throws Exception {
        try (Wire wire = Wire.open()) {
            for (String path :
                    new String[] {
                        CONFIGMAPS + "/%", CONFIGMAPS + "/%zz", CONFIGMAPS + "?labelSelector=%g"
                    }) {
                JsonNode status = wire.response(request("GET", path)).status(400, "BadRequest");
                assertThat(status.path("message").asString()).contains("URI");
            }
            assertThat(wire.response(request("GET", "/readyz")).code()).isEqualTo(200);
        }
    }

    @Test
    void aWebSocketUpgradeWithoutAHandshake_is400() throws Exception {
        String watch = CONFIGMAPS + "?watch=true";
        String[][] upgrades = {
            {"Connection: Upgrade", "Upgrade: websocket"},
            {"Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13"},
            {
                "Connection: Upgrade",
                "Upgrade: websocket",
                "Sec-WebSocket-Version: 99",
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
            },
        };
        for (String[] headers : upgrades) {
            try (Wire wire = Wire.open()) {
                JsonNode status =
                        wire.response(request("GET", watch, headers)).status(400, "BadRequest");
                assertThat(status.path("message").asString()).contains("WebSocket");
            }
        }
        // a complete handshake is still a watch
        try (Wire wire = Wire.open()) {
            wire.send(
                    request(
                            "GET",
                            watch,
                            "Connection: Upgrade",
                            "Upgrade: websocket",
                            "Sec-WebSocket-Version: 13",
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="));
            assertThat(readHead(wire).code()).isEqualTo(101);
        }
    }

    @Test
    void oddMethodsHostsAndHeaders_are4xx() throws Exception {
        try (Wire wire = Wire.open()) {
            wire.response(request("FROBNICATE", CONFIGMAPS)).status(405, "MethodNotAllowed");
            wire.response(
                            request(
                                            "POST",
                                            CONFIGMAPS,
                                            "Content-Type: text/html",
                                            "Content-Length: 2")
                                    + "{}")
                    .status(415, "UnsupportedMediaType");
            wire.send("GET /readyz HTTP/1.1\r\n\r\n");
            wire.response().status(400, "BadRequest");
            assertThat(wire.response(request("GET", "/readyz")).code()).isEqualTo(200);
        }
        String[] unparsable = {
            "G\u0001T /readyz HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n",
            "GET /readyz HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n",
        };
        for (String raw : unparsable) {
            try (Wire wire = Wire.open()) {
                wire.send(raw);
                wire.response().status(400, "BadRequest");
                assertThat(wire.closedWithin(Duration.ofSeconds(5))).isTrue();
            }
        }
        try (Socket plain = new Socket("127.0.0.1", port)) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream()
                    .write(request("GET", "/readyz").getBytes(StandardCharsets.US_ASCII));
            String answer =
                    new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer)
                    .startsWith("HTTP/1.0 400 Bad Request\r\n")
                    .contains("\"reason\":\"BadRequest\"", "an HTTP request to an HTTPS server");
        }
        try (Wire wire = Wire.open()) {
            // as Go's server (so Kubernetes) answers
            wire.send("GET /readyz HTTP/9.9\r\nHost: x\r\n\r\n");
            wire.response().status(505, "HTTPVersionNotSupported");
        }
        try (Wire wire = Wire.open()) {
            wire.send(request("GET", "/readyz", "X-Big: " + "b".repeat(100 * 1024)));
            wire.response().status(431, "RequestHeaderFieldsTooLarge");
            assertThat(wire.closedWithin(Duration.ofSeconds(5))).isTrue();
        }
        try (Wire wire = Wire.open()) {
            wire.send(request("GET", "/readyz?" + "q".repeat(100 * 1024)));
            wire.response().status(431, "RequestHeaderFieldsTooLarge");
        }
    }
}
