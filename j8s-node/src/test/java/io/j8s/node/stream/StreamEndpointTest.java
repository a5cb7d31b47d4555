package io.j8s.node.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.j8s.node.logs.ContainerLog;
import io.j8s.node.logs.ContainerLogRegistry;
import io.j8s.node.logs.ContainerLogs;
import io.j8s.node.runtime.ContainerEnvironment;
import io.j8s.node.runtime.ContainerInstance;
import io.j8s.node.runtime.ContainerLaunch;
import io.j8s.node.runtime.ProcessRuntime;
import io.j8s.node.runtime.SimulatedRuntime;
import io.j8s.node.server.ContainerLogServer;
import io.j8s.node.server.NodeEndpointAuthenticator;
import io.j8s.node.testing.TestPods;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node's exec/attach WebSocket endpoint with the process runtime, as the API server uses it.
 */
class StreamEndpointTest {

    private EventLoopGroup group;
    private ScheduledExecutorService scheduler;
    private ContainerLogServer server;
    private final ContainerLogRegistry registry = new ContainerLogRegistry();
    private final List<ContainerInstance> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        scheduler = Executors.newSingleThreadScheduledExecutor();
        server =
                new ContainerLogServer(
                                new InetSocketAddress("127.0.0.1", 0),
                                registry,
                                null,
                                (req, tls) -> NodeEndpointAuthenticator.Decision.ALLOW,
                                Clock.systemUTC(),
                                group,
                                new StreamLimits(2, Duration.ofSeconds(2)))
                        .start();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ContainerInstance i : started) {
            i.stop(Duration.ZERO);
            i.exit().get(10, TimeUnit.SECONDS);
        }
        server.close();
        scheduler.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ContainerInstance run(String pod, Container c) throws Exception {
        Map<String, String> env =
                ContainerEnvironment.build(
                        TestPods.pod(pod, c), c, "127.244.1.9", "node01", "127.0.0.1");
        ContainerLog log = new ContainerLog(1 << 20);
        ContainerInstance i =
                new ProcessRuntime(Clock.systemUTC(), scheduler, null)
                        .start(
                                new ContainerLaunch(
                                        "default",
                                        pod,
                                        "uid-" + pod,
                                        "node01",
                                        "127.244.1.9",
                                        c,
                                        env,
                                        log));
        started.add(i);
        registry.publish(
                "default", pod, "uid-" + pod, c.getName(), new ContainerLogs(log, null, null, i));
        return i;
    }

    private static Container sleeper() {
        return new ContainerBuilder()
                .withName("main")
                .withImage("busybox")
                .withCommand("sleep", "300")
                .withWorkingDir("/tmp")
                .addNewEnv()
                .withName("GREETING")
                .withValue("hi there")
                .endEnv()
                .build();
    }

    /** What a client saw on each channel, and the close. */
    static final class Recorder implements WebSocket.Listener {
        final ByteArrayOutputStream[] channels = new ByteArrayOutputStream[256];
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public synchronized CompletionStage<?> onBinary(
                WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.writeBytes(b);
            if (last) {
                byte[] m = partial.toByteArray();
                partial.reset();
                int ch = m[0] & 0xff;
                if (channels[ch] == null) {
                    channels[ch] = new ByteArrayOutputStream();
                }
                channels[ch].write(m, 1, m.length - 1);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        synchronized String text(int ch) {
            return channels[ch] == null ? "" : channels[ch].toString(StandardCharsets.UTF_8);
        }
    }

    private WebSocket open(String path, Recorder r, String... command) throws Exception {
        StringBuilder q = new StringBuilder("stdout=1&");
        for (String c : command) {
            q.append("command=").append(URLEncoder.encode(c, StandardCharsets.UTF_8)).append('&');
        }
        URI uri =
                URI.create(
                        "ws://127.0.0.1:"
                                + server.address().getPort()
                                + path
                                + (path.contains("?") ? "&" : "?")
                                + q);
        return http.newWebSocketBuilder()
                .subprotocols(StreamProtocol.V5)
                .buildAsync(uri, r)
                .get(10, TimeUnit.SECONDS);
    }

    private static void send(WebSocket ws, int ch, String data) {
        byte[] d = data.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(d.length + 1).put((byte) ch).put(d).flip();
        ws.sendBinary(b, true).join();
    }

    @Test
    void exec_runsWithTheContainersEnvironment_andEndsWithItsExitCode() throws Exception {
        run("p1", sleeper());
        Recorder ok = new Recorder();
        open(
                "/exec/default/p1/main",
                ok,
                "sh",
                "-c",
                "echo \"$GREETING\" $POD_IP; pwd; echo e >&2");
        assertThat(ok.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(ok.text(1)).isEqualTo("hi there 127.244.1.9\n/tmp\n");
        assertThat(ok.text(2)).isEmpty(); // stderr was not asked for
        assertThat(ok.text(3)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");

        Recorder failed = new Recorder();
        open("/exec/default/p1/main", failed, "sh", "-c", "exit 42");
        failed.closed.get(10, TimeUnit.SECONDS);
        assertThat(failed.text(3))
                .contains("\"reason\":\"NonZeroExitCode\"")
                .contains("{\"reason\":\"ExitCode\",\"message\":\"42\"}");
    }

    @Test
    void exec_stdinEofReachesTheCommand() throws Exception {
        run("p2", sleeper());
        Recorder r = new Recorder();
        WebSocket ws = open("/exec/default/p2/main?stdin=1", r, "wc", "-c");
        send(ws, 0, "12345");
        send(ws, 255, "\0"); // v5: stdin is closed
        r.closed.get(10, TimeUnit.SECONDS);
        assertThat(r.text(1).trim()).isEqualTo("5");
    }

    @Test
    void exec_stdinAsTextMessages_isTakenAsItsBytes() throws Exception {
        run("p7", sleeper());
        Recorder r = new Recorder();
        WebSocket ws = open("/exec/default/p7/main?stdin=1", r, "head", "-n", "1");
        ws.sendText("\u0000typed line\n", true).join(); // as the Python client sends a str
        r.closed.get(10, TimeUnit.SECONDS);
        assertThat(r.text(1)).isEqualTo("typed line\n");
    }

    @Test
    void exec_withTty_runsOnATerminalThatResizes() throws Exception {
        run("p3", sleeper());
        Recorder r = new Recorder();
        WebSocket ws =
                open(
                        "/exec/default/p3/main?tty=1&stdin=1",
                        r,
                        "sh",
                        "-c",
                        "read x; stty size; tty");
        send(ws, 4, "{\"Width\":123,\"Height\":45}");
        send(ws, 0, "go\n");
        r.closed.get(10, TimeUnit.SECONDS);
        assertThat(r.text(1)).contains("45 123").contains("/dev/pts/");
    }

    @Test
    void exec_isKilledWhenThePodGoes_andTheClientSeesIt() throws Exception {
        ContainerInstance pod = run("p4", sleeper());
        Recorder r = new Recorder();
        open("/exec/default/p4/main", r, "sh", "-c", "echo started; sleep 300");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> r.text(1).equals("started\n"));
        pod.stop(Duration.ZERO);
        assertThat(r.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(r.text(3)).contains("NonZeroExitCode");
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(
                        () ->
                                ProcessHandle.current()
                                        .descendants()
                                        .noneMatch(
                                                p ->
                                                        p.info()
                                                                .commandLine()
                                                                .map(c -> c.contains("sleep 300"))
                                                                .orElse(false)));
    }

    @Test
    void refusals_beforeTheUpgrade() throws Exception {
        run("p5", sleeper());
        assertThat(refusal("/exec/default/p5/main?stdout=1")).isEqualTo(400); // no command
        assertThat(refusal("/exec/default/nope/main?command=true&stdout=1")).isEqualTo(404);
        assertThat(refusal("/exec/default/p5/other?command=true&stdout=1")).isEqualTo(404);
        // Two streams at most (this server's limit): the third is 429.
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        open("/exec/default/p5/main", a, "sleep", "30");
        open("/exec/default/p5/main", b, "sleep", "30");
        assertThat(refusal("/exec/default/p5/main?command=true&stdout=1")).isEqualTo(429);
    }

    @Test
    void idleStreams_areClosed() throws Exception {
        run("p6", sleeper());
        Recorder r = new Recorder();
        open("/exec/default/p6/main?stdin=1", r, "sleep", "300");
        assertThat(r.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000); // idle timeout of 2s
    }

    @Test
    void simulatedContainers_sayTheyCannotExec() throws Exception {
        Container c = sleeper();
        ContainerLog log = new ContainerLog(1 << 14);
        ContainerInstance i =
                new SimulatedRuntime(Clock.systemUTC())
                        .start(
                                new ContainerLaunch(
                                        "default",
                                        "sim",
                                        "uid",
                                        "node01",
                                        "127.244.1.9",
                                        c,
                                        Map.of(),
                                        log));
        registry.publish("default", "sim", "uid", "main", new ContainerLogs(log, null, null, i));
        Recorder r = new Recorder();
        open("/exec/default/sim/main", r, "true");
        r.closed.get(10, TimeUnit.SECONDS);
        assertThat(r.text(3)).contains("Failure").contains("simulated node");
    }

    private int refusal(String pathAndQuery) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + server.address().getPort() + pathAndQuery);
        try {
            http.newWebSocketBuilder()
                    .subprotocols(StreamProtocol.V5)
                    .buildAsync(uri, new Recorder())
                    .get(10, TimeUnit.SECONDS);
            return 101;
        } catch (java.util.concurrent.ExecutionException e) {
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }
}
