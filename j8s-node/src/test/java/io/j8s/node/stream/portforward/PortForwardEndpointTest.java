package io.j8s.node.stream.portforward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.node.logs.ContainerLogRegistry;
import io.j8s.node.server.ContainerLogServer;
import io.j8s.node.server.NodeEndpointAuthenticator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node's {@code /portForward} WebSocket against a real TCP listener standing for the Pod. */
class PortForwardEndpointTest {

    private EventLoopGroup group;
    private ContainerLogServer server;
    private ServerSocket pod;
    private final ContainerLogRegistry registry = new ContainerLogRegistry();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server =
                new ContainerLogServer(
                                new InetSocketAddress("127.0.0.1", 0),
                                registry,
                                null,
                                NodeEndpointAuthenticator.ALLOW_ALL,
                                Clock.systemUTC(),
                                group)
                        .start();
        pod = new ServerSocket();
        pod.bind(new InetSocketAddress("127.0.0.1", 0));
        registry.publishAddress("default", "web-1", "uid-1", "127.0.0.1");
    }

    @AfterEach
    void tearDown() throws Exception {
        pod.close();
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * What the node sent: byte arrays (empty = end of the Pod's side), strings (errors), "CLOSE".
     */
    private static final class Received implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.writeBytes(b);
            if (last) {
                messages.add(partial.toByteArray());
                partial.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            messages.add(data.toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            messages.add("CLOSE " + statusCode);
            return null;
        }

        Object next() throws InterruptedException {
            Object m = messages.poll(10, TimeUnit.SECONDS);
            assertThat(m).as("a message from the node").isNotNull();
            return m;
        }
    }

    private WebSocket open(String path, Received listener) {
        return http.newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + server.address().getPort() + path), listener)
                .join();
    }

    @Test
    void bytesAreRelayedBothWays_andThePodsEndEndsTheForward() throws Exception {
        Received received = new Received();
        WebSocket ws = open("/portForward/default/web-1?port=" + pod.getLocalPort(), received);
        try (Socket accepted = pod.accept()) {
            ws.sendBinary(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)), true).join();
            InputStream in = accepted.getInputStream();
            byte[] got = in.readNBytes(4);
            assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("ping");
            accepted.getOutputStream().write("pong".getBytes(StandardCharsets.UTF_8));
            accepted.getOutputStream().flush();
            assertThat(new String((byte[]) received.next(), StandardCharsets.UTF_8))
                    .isEqualTo("pong");
            // an empty message: the client's side ended; the Pod sees end of input
            ws.sendBinary(ByteBuffer.allocate(0), true).join();
            assertThat(in.read()).isEqualTo(-1);
            accepted.getOutputStream().write("bye".getBytes(StandardCharsets.UTF_8));
            accepted.getOutputStream().flush();
            assertThat(new String((byte[]) received.next(), StandardCharsets.UTF_8))
                    .isEqualTo("bye");
            accepted.shutdownOutput();
            assertThat((byte[]) received.next()).isEmpty();
            assertThat(received.next()).isEqualTo("CLOSE 1000");
        }
    }

    @Test
    void aPortNothingListensOn_isTheKubeletsError() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        Received received = new Received();
        open("/portForward/default/web-1?port=" + closedPort, received);
        assertThat(received.next())
                .isEqualTo(
                        "error forwarding port "
                                + closedPort
                                + " to pod uid-1, uid : failed to"
                                + " execute portforward in network namespace \"127.0.0.1\": failed to connect to 127.0.0.1:"
                                + closedPort
                                + " inside namespace \"uid-1\", IPv4: dial tcp4 127.0.0.1:"
                                + closedPort
                                + ": connect: connection refused");
        assertThat(received.next()).isEqualTo("CLOSE 1000");
    }

    @Test
    void aPodNotOnThisNode_orABadPort_isRefusedBeforeTheUpgrade() {
        assertThatThrownBy(() -> open("/portForward/default/nope?port=80", new Received()))
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(
                        e ->
                                assertThat(
                                                ((WebSocketHandshakeException) e.getCause())
                                                        .getResponse()
                                                        .statusCode())
                                        .isEqualTo(404));
        assertThatThrownBy(() -> open("/portForward/default/web-1?port=0", new Received()))
                .satisfies(
                        e ->
                                assertThat(
                                                ((WebSocketHandshakeException) e.getCause())
                                                        .getResponse()
                                                        .statusCode())
                                        .isEqualTo(400));
    }

    @Test
    void removingThePod_closesItsForwards() throws Exception {
        Received received = new Received();
        open("/portForward/default/web-1?port=" + pod.getLocalPort(), received);
        try (Socket accepted = pod.accept()) {
            registry.remove("default", "web-1", "uid-1");
            Object m = received.next();
            while (m instanceof byte[]) {
                m = received.next();
            }
            assertThat(m.toString()).startsWith("CLOSE");
            accepted.setSoTimeout(10_000);
            assertThat(accepted.getInputStream().read()).isEqualTo(-1);
        }
    }
}
