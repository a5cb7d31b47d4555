package io.j8s.node.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.j8s.node.runtime.ContainerInstance;
import io.j8s.node.runtime.ExecResult;
import io.j8s.node.runtime.ExitStatus;
import io.j8s.node.testing.Ports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProberTest {

    private ExecutorService pool;
    private Prober prober;
    private HttpServer server;
    private String ip;
    private int port;
    private final AtomicReference<String> lastUserAgent = new AtomicReference<>();
    private final AtomicReference<String> lastHeader = new AtomicReference<>();

    @BeforeEach
    void setUp() throws Exception {
        pool = Executors.newCachedThreadPool();
        prober = new Prober(pool);
        ip = Ports.uniqueLoopbackIp();
        port = Ports.freePort(ip);
        server = HttpServer.create(new InetSocketAddress(ip, port), 0);
        server.createContext(
                "/",
                ex -> {
                    lastUserAgent.set(ex.getRequestHeaders().getFirst("User-Agent"));
                    lastHeader.set(ex.getRequestHeaders().getFirst("X-Custom"));
                    int status =
                            switch (ex.getRequestURI().getPath()) {
                                case "/healthz" -> 200;
                                case "/moved" -> 302;
                                case "/slow" -> {
                                    try {
                                        Thread.sleep(1500);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                    yield 200;
                                }
                                default -> 500;
                            };
                    byte[] body = "x".getBytes(StandardCharsets.UTF_8);
                    if (status == 302) {
                        ex.getResponseHeaders().add("Location", "/healthz");
                    }
                    ex.sendResponseHeaders(status, body.length);
                    ex.getResponseBody().write(body);
                    ex.close();
                });
        server.setExecutor(pool);
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
        pool.shutdownNow();
    }

    private static final Container CONTAINER =
            new ContainerBuilder()
                    .withName("app")
                    .addNewPort()
                    .withName("http")
                    .withContainerPort(1)
                    .endPort()
                    .build();

    private ProbeOutcome run(Probe p, Container c, ContainerInstance instance) throws Exception {
        return prober.probe(ProbeSpec.from(ProbeType.READINESS, p), c, ip, instance)
                .get(10, TimeUnit.SECONDS);
    }

    private ProbeOutcome run(Probe p) throws Exception {
        return run(p, CONTAINER, null);
    }

    @Test
    void httpGet_succeedsFor2xxAnd3xxAndSendsHeaders() throws Exception {
        Probe p =
                new ProbeBuilder()
                        .withNewHttpGet()
                        .withPath("/healthz")
                        .withPort(new IntOrString(port))
                        .addNewHttpHeader()
                        .withName("X-Custom")
                        .withValue("yes")
                        .endHttpHeader()
                        .endHttpGet()
                        .build();
        assertThat(run(p).result()).isEqualTo(ProbeResult.SUCCESS);
        assertThat(lastUserAgent.get()).isEqualTo("kube-probe/1.32");
        assertThat(lastHeader.get()).isEqualTo("yes");
        Probe moved =
                new ProbeBuilder()
                        .withNewHttpGet()
                        .withPath("/moved")
                        .withPort(new IntOrString(port))
                        .endHttpGet()
                        .build();
        assertThat(run(moved).result()).isEqualTo(ProbeResult.SUCCESS);
    }

    @Test
    void httpGet_failsOnErrorStatusClosedPortAndTimeout() throws Exception {
        Probe error =
                new ProbeBuilder()
                        .withNewHttpGet()
                        .withPath("/boom")
                        .withPort(new IntOrString(port))
                        .endHttpGet()
                        .build();
        assertThat(run(error))
                .isEqualTo(ProbeOutcome.failure("HTTP probe failed with statuscode: 500"));

        int closed = Ports.freePort(ip);
        Probe refused =
                new ProbeBuilder()
                        .withNewHttpGet()
                        .withPath("/")
                        .withPort(new IntOrString(closed))
                        .endHttpGet()
                        .build();
        assertThat(run(refused).output())
                .isEqualTo(
                        "Get \"http://"
                                + ip
                                + ":"
                                + closed
                                + "/\": dial tcp "
                                + ip
                                + ":"
                                + closed
                                + ": connect: connection refused");

        Probe slow =
                new ProbeBuilder()
                        .withNewHttpGet()
                        .withPath("/slow")
                        .withPort(new IntOrString(port))
                        .endHttpGet()
                        .withTimeoutSeconds(1)
                        .build();
        assertThat(run(slow).output()).contains("context deadline exceeded");
    }

    @Test
    void httpGet_resolvesNamedPorts() throws Exception {
        Container c =
                new ContainerBuilder()
                        .withName("app")
                        .addNewPort()
                        .withName("http")
                        .withContainerPort(port)
                        .endPort()
                        .build();
        Probe p =
                new ProbeBuilder()
                        .withNewHttpGet()
                        .withPath("/healthz")
                        .withPort(new IntOrString("http"))
                        .endHttpGet()
                        .build();
        assertThat(run(p, c, null).result()).isEqualTo(ProbeResult.SUCCESS);
        Probe unknown =
                new ProbeBuilder()
                        .withNewHttpGet()
                        .withPort(new IntOrString("metrics"))
                        .endHttpGet()
                        .build();
        assertThat(run(unknown, c, null).output())
                .isEqualTo("couldn't find port: metrics in container app");
    }

    @Test
    void tcpSocket_succeedsOnlyWhenSomethingListens() throws Exception {
        Probe open =
                new ProbeBuilder()
                        .withNewTcpSocket()
                        .withPort(new IntOrString(port))
                        .endTcpSocket()
                        .build();
        assertThat(run(open).result()).isEqualTo(ProbeResult.SUCCESS);
        int closed = Ports.freePort(ip);
        Probe shut =
                new ProbeBuilder()
                        .withNewTcpSocket()
                        .withPort(new IntOrString(closed))
                        .endTcpSocket()
                        .build();
        assertThat(run(shut))
                .isEqualTo(
                        ProbeOutcome.failure(
                                "dial tcp " + ip + ":" + closed + ": connect: connection refused"));
    }

    @Test
    void exec_usesTheInstancesExecAndExitCode() throws Exception {
        ContainerInstance fake = new ExecOnly();
        Probe ok = new ProbeBuilder().withNewExec().withCommand("true").endExec().build();
        assertThat(run(ok, CONTAINER, fake).result()).isEqualTo(ProbeResult.SUCCESS);
        Probe bad = new ProbeBuilder().withNewExec().withCommand("false").endExec().build();
        assertThat(run(bad, CONTAINER, fake)).isEqualTo(ProbeOutcome.failure("ran false\n"));
    }

    /** Runs exec commands for real on the host, which is what both real runtimes do. */
    private static final class ExecOnly implements ContainerInstance {
        @Override
        public String id() {
            return "x";
        }

        @Override
        public Instant startedAt() {
            return Instant.now();
        }

        @Override
        public CompletableFuture<ExitStatus> exit() {
            return new CompletableFuture<>();
        }

        @Override
        public void stop(Duration gracePeriod) {}

        @Override
        public CompletableFuture<ExecResult> exec(List<String> command, Duration timeout) {
            return io.j8s.node.runtime.HostExec.run(
                    List.of("/bin/sh", "-c", "echo ran " + command.get(0) + "; " + command.get(0)),
                    java.util.Map.of("PATH", "/usr/bin:/bin"),
                    null,
                    timeout);
        }
    }
}
