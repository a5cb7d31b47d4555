package io.j8s.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.j8s.node.logs.ContainerLog;
import io.j8s.node.logs.ContainerLogRegistry;
import io.j8s.node.runtime.ContainerEnvironment;
import io.j8s.node.runtime.ContainerInstance;
import io.j8s.node.runtime.ContainerLaunch;
import io.j8s.node.runtime.ProcessRuntime;
import io.j8s.node.server.ContainerLogServer;
import io.j8s.node.server.NodeEndpointAuthenticator;
import io.j8s.node.testing.TestPods;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics/resource} of the node endpoint over a real process container and the real
 * {@code /proc}.
 */
class ResourceMetricsEndpointTest {

    private EventLoopGroup group;
    private ExecutorService blocking;
    private ScheduledExecutorService scheduler;
    private ContainerLogServer server;
    private final RunningContainers processes = new RunningContainers();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        blocking = Executors.newSingleThreadExecutor();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        NodeEndpointAuthenticator auth =
                (req, tls) ->
                        "let-me-in".equals(req.headers().get("Authorization"))
                                ? NodeEndpointAuthenticator.Decision.ALLOW
                                : NodeEndpointAuthenticator.Decision.deny(401, "Unauthorized");
        ResourceMetrics metrics =
                new ResourceMetrics(Path.of("/proc"), processes, Clock.systemUTC());
        server =
                new ContainerLogServer(
                                new InetSocketAddress("127.0.0.1", 0),
                                new ContainerLogRegistry(),
                                null,
                                auth,
                                Clock.systemUTC(),
                                group)
                        .serveResourceMetrics(metrics::scrape, blocking)
                        .start();
    }

    @AfterEach
    void tearDown() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.shutdownNow();
        scheduler.shutdownNow();
    }

    private HttpResponse<String> get(String credentials) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                                URI.create(
                                        "http://127.0.0.1:"
                                                + server.address().getPort()
                                                + "/metrics/resource"))
                        .timeout(Duration.ofSeconds(10));
        if (credentials != null) {
            request.header("Authorization", credentials);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double cpuSeconds(String text, String container) {
        Matcher m =
                Pattern.compile(
                                "(?m)^container_cpu_usage_seconds_total\\{container=\""
                                        + container
                                        + "\",namespace=\"default\",pod=\"p1\"} (\\S+) \\d+$")
                        .matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void aBusyContainerShowsItsCpu_anEndedOneIsGone() throws Exception {
        assertThat(get(null).statusCode()).isEqualTo(401);
        ProcessRuntime runtime = new ProcessRuntime(Clock.systemUTC(), scheduler, null, processes);
        Container busy =
                new ContainerBuilder()
                        .withName("busy")
                        .withCommand("/bin/sh", "-c")
                        .withArgs("while :; do :; done")
                        .build();
        Container children =
                new ContainerBuilder()
                        .withName("children")
                        .withCommand("/bin/sh", "-c")
                        .withArgs("(while :; do :; done) & sleep 3600")
                        .build();
        ContainerInstance a = start(runtime, busy);
        ContainerInstance b = start(runtime, children);
        try {
            await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> {
                                String text = get("let-me-in").body();
                                return cpuSeconds(text, "busy") > 0.05
                                        && cpuSeconds(text, "children") > 0.05;
                            });
            HttpResponse<String> response = get("let-me-in");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type"))
                    .contains("text/plain; version=0.0.4; charset=utf-8");
            assertThat(response.body())
                    .containsPattern(
                            "(?m)^container_memory_working_set_bytes\\{container=\"busy\",namespace=\"default\","
                                    + "pod=\"p1\"} [1-9]\\d* \\d+$")
                    .containsPattern(
                            "(?m)^container_start_time_seconds\\{container=\"busy\",namespace=\"default\","
                                    + "pod=\"p1\"} \\d+\\.\\d{3}$")
                    .containsPattern(
                            "(?m)^pod_cpu_usage_seconds_total\\{namespace=\"default\",pod=\"p1\"} \\S+ \\d+$")
                    .containsPattern("(?m)^node_cpu_usage_seconds_total \\S+ \\d+$")
                    .containsPattern("(?m)^node_memory_working_set_bytes [1-9]\\d* \\d+$")
                    .contains("scrape_error 0\n");
        } finally {
            a.stop(Duration.ZERO);
            b.stop(Duration.ZERO);
            a.exit().get(10, TimeUnit.SECONDS);
            b.exit().get(10, TimeUnit.SECONDS);
        }
        assertThat(processes.running()).isEmpty();
        assertThat(get("let-me-in").body()).doesNotContain("pod=\"p1\"");
    }

    private static ContainerInstance start(ProcessRuntime runtime, Container c) throws Exception {
        Map<String, String> env =
                ContainerEnvironment.build(
                        TestPods.pod("p1", c), c, "127.244.1.9", "node01", "127.0.0.1");
        return runtime.start(
                new ContainerLaunch(
                        "default",
                        "p1",
                        "uid",
                        "node01",
                        "127.244.1.9",
                        c,
                        env,
                        new ContainerLog(1 << 16)));
    }
}
