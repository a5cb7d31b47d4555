package io.j8s.apiserver.nodeproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.apiserver.spdy.SpdyConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mapping of kubectl's SPDY exec streams onto the node's channel messages, against a client
 * made of Netty's SPDY codec (frames as on the wire).
 */
class SpdyClientStreamTest {
    private EmbeddedChannel server;
    private final EmbeddedChannel client =
            new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    private final List<String> toNode = new ArrayList<>();
    private boolean ready;
    private boolean failed;
    private boolean sinkClosed;

    private SpdyClientStream install(String protocol, boolean stdin, boolean tty) {
        server = new EmbeddedChannel();
        SpdyClientStream stream =
                new SpdyClientStream(
                        "ns/p/c",
                        protocol,
                        stdin,
                        true,
                        true,
                        tty,
                        s -> {
                            ready = true;
                            s.start(
                                    new ClientStream.Sink() {
                                        @Override
                                        public CompletionStage<?> onMessage(ByteBuffer message) {
                                            byte[] b = new byte[message.remaining()];
                                            message.get(b);
                                            toNode.add(
                                                    (b[0] & 0xff)
                                                            + ":"
                                                            + new String(
                                                                    b,
                                                                    1,
                                                                    b.length - 1,
                                                                    StandardCharsets.UTF_8));
                                            return CompletableFuture.completedFuture(null);
                                        }

                                        @Override
                                        public void onClose() {
                                            sinkClosed = true;
                                        }
                                    });
                        },
                        () -> failed = true);
        SpdyConnection connection =
                SpdyConnection.install(server.pipeline(), null, stream, 8, Duration.ofMinutes(1));
        stream.installed(connection);
        return stream;
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        if (server != null) {
            server.finishAndReleaseAll();
        }
    }

    private List<Object> exchange(Object... frames) {
        for (Object f : frames) {
            client.writeOutbound(f);
        }
        ByteBuf bytes;
        while ((bytes = client.readOutbound()) != null) {
            server.writeInbound(bytes);
        }
        server.runPendingTasks();
        return fromServer();
    }

    private List<Object> fromServer() {
        server.runPendingTasks();
        ByteBuf bytes;
        while ((bytes = server.readOutbound()) != null) {
            client.writeInbound(bytes);
        }
        List<Object> out = new ArrayList<>();
        Object frame;
        while ((frame = client.readInbound()) != null) {
            out.add(frame);
        }
        return out;
    }

    private static DefaultSpdySynStreamFrame syn(int id, String type) {
        DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        syn.headers().set("streamtype", type);
        return syn;
    }

    private static DefaultSpdyDataFrame data(int id, String text, boolean last) {
        DefaultSpdyDataFrame d =
                new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        d.setLast(last);
        return d;
    }

    /** "streamId:text" of the DATA frames, "streamId:FIN" for an empty last one. */
    private static List<String> data(List<Object> frames) {
        List<String> out = new ArrayList<>();
        for (Object f : frames) {
            if (f instanceof SpdyDataFrame d) {
                String text = d.content().toString(StandardCharsets.UTF_8);
                out.add(d.streamId() + ":" + (text.isEmpty() && d.isLast() ? "FIN" : text));
            }
            ReferenceCountUtil.release(f);
        }
        return out;
    }

    private static ByteBuffer message(int channel, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + p.length);
        b.put((byte) channel).put(p).flip();
        return b;
    }

    @Test
    void theKubeletsNegotiation_firstOfTheClientsVersionsTheServerSpeaks() {
        assertThat(
                        SpdyClientStream.negotiate(
                                List.of(
                                        "v5.channel.k8s.io",
                                        "v3.channel.k8s.io",
                                        "v4.channel.k8s.io")))
                .isEqualTo("v3.channel.k8s.io");
        assertThat(SpdyClientStream.negotiate(List.of("channel.k8s.io")))
                .isEqualTo("channel.k8s.io");
        assertThat(SpdyClientStream.negotiate(List.of("portforward.k8s.io"))).isNull();
    }

    @Test
    void v4WithTty_streamsBecomeChannels_andTheStatusIsWrittenAsJson() {
        SpdyClientStream s = install("v4.channel.k8s.io", true, true);
        data(exchange(syn(1, "error"), syn(3, "stdin"), syn(5, "stdout")));
        assertThat(ready).as("resize is expected with a tty, stderr is not").isFalse();
        data(exchange(syn(7, "resize")));
        assertThat(ready).isTrue();

        exchange(
                data(3, "hello", false),
                data(7, "{\"Width\":80,\"Height\":24}\n{\"Width\":100,", false),
                data(7, "\"Height\":30}", false),
                data(3, "", true));
        assertThat(toNode)
                .containsExactly(
                        "0:hello",
                        "4:{\"Width\":80,\"Height\":24}",
                        "4:{\"Width\":100,\"Height\":30}",
                        "255:\u0000");

        s.send(message(1, "out"), () -> {});
        String status =
                "{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\","
                        + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}";
        s.send(message(3, status), () -> {});
        s.close(1000, "");
        List<String> frames = data(fromServer());
        assertThat(frames).containsSubsequence("5:out", "1:" + status);
        assertThat(frames).contains("1:FIN", "3:FIN", "5:FIN", "7:FIN");
        assertThat(server.isOpen()).as("closed once the node ended").isFalse();
        assertThat(sinkClosed).isTrue();
    }

    @Test
    void v3_writesOnlyAFailuresMessage() {
        SpdyClientStream s = install("v3.channel.k8s.io", false, false);
        data(exchange(syn(1, "error"), syn(3, "stdout"), syn(5, "stderr")));
        assertThat(ready).isTrue();
        s.send(message(2, "err"), () -> {});
        s.send(
                message(
                        3,
                        "{\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code\"}"),
                () -> {});
        assertThat(data(fromServer()))
                .containsExactly("5:err", "1:command terminated with non-zero exit code");
    }

    @Test
    void v2_writesNothingForSuccess() {
        SpdyClientStream ok = install("v2.channel.k8s.io", false, false);
        data(exchange(syn(1, "error"), syn(3, "stdout"), syn(5, "stderr")));
        ok.send(message(3, "{\"metadata\":{},\"status\":\"Success\"}"), () -> {});
        ok.close(1000, "");
        assertThat(data(fromServer())).containsExactlyInAnyOrder("1:FIN", "3:FIN", "5:FIN");
    }

    @Test
    void aConnectionEndingBeforeTheStreamsAreThere_abortsTheNodesStream() {
        install("v4.channel.k8s.io", true, false);
        data(exchange(syn(1, "error")));
        server.close();
        assertThat(ready).isFalse();
        assertThat(failed).isTrue();
    }

    @Test
    void theNodeFailing_isWrittenOnTheErrorStream() {
        SpdyClientStream s = install("v4.channel.k8s.io", false, false);
        data(exchange(syn(1, "error"), syn(3, "stdout"), syn(5, "stderr")));
        s.close(1011, "the node's stream failed");
        assertThat(data(fromServer()))
                .contains("1:error: the stream to the node ended (1011: the node's stream failed)");
    }
}
