package io.j8s.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.j8s.node.runtime.ProcessSessions;
import io.j8s.node.runtime.ProcessTable;
import io.j8s.node.testing.Ports;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the agent does before and without an API server. Its API traffic (registration, lease, Pod
 * watch, status and event writes) is covered by the server's integration tests.
 */
class NodeAgentTest {

    @TempDir Path stateDir;

    private static KubernetesClient unreachableServer() {
        int port = Ports.freePort("127.0.0.1"); // nothing listens there
        Config config =
                new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + port)
                        .withRequestTimeout(500)
                        .withConnectionTimeout(500)
                        .withRequestRetryBackoffLimit(0)
                        .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Test
    void start_killsContainersAPreviousAgentLeftRunning() throws Exception {
        // A container of the "crashed" previous agent: a process session recorded in its table.
        Process orphan =
                new ProcessBuilder(
                                ProcessSessions.setsid().orElseThrow().toString(),
                                "/bin/sh",
                                "-c",
                                "sleep 300 & sleep 300")
                        .start();
        try {
            new ProcessTable(stateDir.resolve("processes"))
                    .add(
                            orphan.pid(),
                            orphan.toHandle().info().startInstant().orElseThrow(),
                            "default/old/c");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> ProcessSessions.members(orphan.pid()).size() >= 2);

            try (KubernetesClient client = unreachableServer();
                    NodeAgent agent =
                            new NodeAgent(
                                    client,
                                    NodeAgentSettings.builder("node-t1").stateDir(stateDir).build(),
                                    new SimpleMeterRegistry(),
                                    Clock.systemUTC())) {
                agent.start();
                assertThat(orphan.waitFor(5, TimeUnit.SECONDS)).isTrue();
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> ProcessSessions.members(orphan.pid()).isEmpty());
            }
        } finally {
            ProcessSessions.killSession(
                    orphan.pid()); // whatever happened above, leave nothing behind
        }
    }

    @Test
    void start_withoutAServerKeepsRetryingAndClosesCleanly() throws Exception {
        // A server that answers every request with 503: each registration attempt reaches it.
        AtomicInteger nodeRequests = new AtomicInteger();
        HttpServer failing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        failing.createContext(
                "/",
                exchange -> {
                    if (exchange.getRequestURI().getPath().contains("/nodes")) {
                        nodeRequests.incrementAndGet();
                    }
                    byte[] body =
                            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":503}"
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(503, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        failing.start();
        Config config =
                new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + failing.getAddress().getPort())
                        .withRequestTimeout(500)
                        .withConnectionTimeout(500)
                        .withRequestRetryBackoffLimit(0)
                        .build();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            NodeAgent agent =
                    new NodeAgent(
                                    client,
                                    NodeAgentSettings.builder("node-t2")
                                            .runtimeMode(RuntimeMode.SIMULATED)
                                            .build(),
                                    new SimpleMeterRegistry(),
                                    Clock.systemUTC())
                            .start();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () ->
                                    assertThat(nodeRequests.get())
                                            .as("registration attempts")
                                            .isGreaterThanOrEqualTo(2));
            int attempts = nodeRequests.get();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () ->
                                    assertThat(nodeRequests.get())
                                            .as("it keeps retrying")
                                            .isGreaterThan(attempts));
            assertThat(agent.ready()).isNotDone();
            assertThat(agent.podWorkers()).isNull(); // no Pod CIDR, no Pods
            long t0 = System.nanoTime();
            agent.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(agent.ready()).isCompletedExceptionally();
            await().atMost(Duration.ofSeconds(5))
                    .until(
                            () ->
                                    Thread.getAllStackTraces().keySet().stream()
                                            .noneMatch(
                                                    t ->
                                                            t.isAlive()
                                                                    && t.getName()
                                                                            .startsWith(
                                                                                    "j8s-node-")));
        } finally {
            failing.stop(0);
        }
    }
}
