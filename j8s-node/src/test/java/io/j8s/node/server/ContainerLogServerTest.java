package io.j8s.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.node.logs.ContainerLog;
import io.j8s.node.logs.ContainerLogRegistry;
import io.j8s.node.logs.ContainerLogs;
import io.j8s.node.logs.LogStream;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerLogServerTest {

    private EventLoopGroup group;
    private ContainerLogServer server;
    private final ContainerLogRegistry registry = new ContainerLogRegistry();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ContainerLog current = new ContainerLog(1 << 20);
    private final ContainerLog previous = new ContainerLog(1 << 20);
    private final Instant t0 = Instant.now().minusSeconds(100);

    @BeforeEach
    void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        NodeEndpointAuthenticator auth =
                (req, tls) ->
                        "let-me-in".equals(req.headers().get("Authorization"))
                                        || req.uri().startsWith("/healthz")
                                ? NodeEndpointAuthenticator.Decision.ALLOW
                                : NodeEndpointAuthenticator.Decision.deny(401, "Unauthorized");
        server =
                new ContainerLogServer(
                                new InetSocketAddress("127.0.0.1", 0),
                                registry,
                                null,
                                auth,
                                Clock.systemUTC(),
                                group)
                        .start();
        previous.append(LogStream.STDOUT, t0, "old 1\n".getBytes(StandardCharsets.UTF_8));
        previous.close();
        for (int i = 1; i <= 3; i++) {
            current.append(
                    LogStream.STDOUT,
                    t0.plusSeconds(i * 30L),
                    ("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
        }
        registry.publish(
                "default", "web-1", "uid-1", "nginx", new ContainerLogs(current, previous, null));
        registry.publish(
                "default",
                "web-1",
                "uid-1",
                "sidecar",
                new ContainerLogs(null, null, "ContainerCreating"));
    }

    @AfterEach
    void tearDown() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.address().getPort() + pathAndQuery);
        return http.send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", "let-me-in")
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void containerLogs_servesTheLogWithKubeletOptions() throws Exception {
        assertThat(get("/containerLogs/default/web-1/nginx").body())
                .isEqualTo("line 1\nline 2\nline 3\n");
        assertThat(get("/containerLogs/default/web-1/nginx?tailLines=1").body())
                .isEqualTo("line 3\n");
        assertThat(get("/containerLogs/default/web-1/nginx?limitBytes=8").body())
                .isEqualTo("line 1\nl");
        assertThat(get("/containerLogs/default/web-1/nginx?previous=true").body())
                .isEqualTo("old 1\n");
        assertThat(get("/containerLogs/default/web-1/nginx?sinceSeconds=20").body())
                .isEqualTo("line 3\n");
        assertThat(get("/containerLogs/default/web-1/nginx?sinceTime=" + t0.plusSeconds(60)).body())
                .isEqualTo("line 2\nline 3\n");
        String stamped =
                get("/containerLogs/default/web-1/nginx?tailLines=1&timestamps=true").body();
        assertThat(stamped).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z line 3\n");
        assertThat(get("/containerLogs/default/web-1/nginx").headers().firstValue("content-type"))
                .contains("text/plain");
    }

    @Test
    void containerLogs_errorsSayWhatIsMissing() throws Exception {
        HttpResponse<String> noPod = get("/containerLogs/default/nope/nginx");
        assertThat(noPod.statusCode()).isEqualTo(404);
        assertThat(get("/containerLogs/default/web-1/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> waiting = get("/containerLogs/default/web-1/sidecar");
        assertThat(waiting.statusCode()).isEqualTo(400);
        assertThat(waiting.body())
                .isEqualTo(
                        "container \"sidecar\" in pod \"web-1\" is waiting to start: ContainerCreating\n");
        HttpResponse<String> noPrevious = get("/containerLogs/default/web-1/sidecar?previous=true");
        assertThat(noPrevious.body())
                .isEqualTo(
                        "previous terminated container \"sidecar\" in pod \"web-1\" not found\n");
        assertThat(get("/containerLogs/default/web-1/nginx?tailLines=x").statusCode())
                .isEqualTo(400);
        assertThat(get("/healthz").body()).isEqualTo("ok\n");
    }

    @Test
    void authenticator_canRejectRequests() throws Exception {
        URI uri =
                URI.create(
                        "http://127.0.0.1:"
                                + server.address().getPort()
                                + "/containerLogs/default/web-1/nginx");
        HttpResponse<String> res =
                http.send(
                        HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(401);
    }

    @Test
    void follow_streamsNewLinesUntilTheContainerEnds() throws Exception {
        URI uri =
                URI.create(
                        "http://127.0.0.1:"
                                + server.address().getPort()
                                + "/containerLogs/default/web-1/nginx?follow=true&tailLines=1");
        HttpResponse<InputStream> res =
                http.send(
                        HttpRequest.newBuilder(uri).header("Authorization", "let-me-in").build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8));
        assertThat(reader.readLine()).isEqualTo("line 3");
        current.append(
                LogStream.STDOUT, Instant.now(), "line 4\n".getBytes(StandardCharsets.UTF_8));
        assertThat(reader.readLine()).isEqualTo("line 4");
        current.append(
                LogStream.STDERR, Instant.now(), "line 5\n".getBytes(StandardCharsets.UTF_8));
        CompletableFuture<String> rest =
                CompletableFuture.supplyAsync(
                        () -> {
                            StringBuilder sb = new StringBuilder();
                            try {
                                String l;
                                while ((l = reader.readLine()) != null) {
                                    sb.append(l).append('\n');
                                }
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            return sb.toString();
                        });
        current.close();
        assertThat(rest.get(5, TimeUnit.SECONDS))
                .isEqualTo("line 5\n"); // the stream ended with the container
    }

    @Test
    void follow_honoursLimitBytes() throws Exception {
        HttpResponse<String> res =
                get("/containerLogs/default/web-1/nginx?follow=true&limitBytes=10");
        assertThat(res.body()).isEqualTo("line 1\nlin");
    }
}
