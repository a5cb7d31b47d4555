package io.j8s.apiserver.spdy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SPDY/3.1 stream layer against a client made of Netty's own SPDY codec (frames encoded,
 * compressed and decoded as on the wire), over a plain byte stream and over the WebSocket tunnel.
 */
class SpdyConnectionTest {
    private EmbeddedChannel server;
    private EmbeddedChannel client;
    private final List<SpdyConnection.Stream> opened = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private boolean closed;

    @BeforeEach
    void setUp() {
        server = new EmbeddedChannel();
        SpdyConnection.install(
                server.pipeline(),
                null,
                new SpdyConnection.Listener() {
                    @Override
                    public void opened(SpdyConnection.Stream stream) {
                        opened.add(stream);
                    }

                    @Override
                    public void closed() {
                        closed = true;
                    }
                },
                3,
                Duration.ofMinutes(1));
        client = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    }

    @AfterEach
    void tearDown() {
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /** Sends client frames to the server, and what the server wrote back to the client. */
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

    private static DefaultSpdySynStreamFrame syn(
            int id, String type, String port, String requestId) {
        DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        syn.headers().set("streamtype", type).set("port", port).set("requestid", requestId);
        return syn;
    }

    private StreamEvents listen(SpdyConnection.Stream s) {
        StreamEvents e = new StreamEvents();
        s.listen(e);
        server.runPendingTasks();
        return e;
    }

    private static final class StreamEvents implements SpdyConnection.StreamListener {
        final StringBuilder data = new StringBuilder();
        boolean remoteClosed;
        boolean reset;

        @Override
        public void data(ByteBuf bytes) {
            data.append(bytes.toString(StandardCharsets.UTF_8));
            bytes.release();
        }

        @Override
        public void remoteClosed() {
            remoteClosed = true;
        }

        @Override
        public void reset() {
            reset = true;
        }
    }

    @Test
    void aStreamIsOpenedWithItsHeaders_andReplied() {
        assertThat(exchange(syn(1, "error", "80", "0"))).isEmpty();
        assertThat(opened).hasSize(1);
        SpdyConnection.Stream s = opened.get(0);
        assertThat(s.id()).isEqualTo(1);
        assertThat(s.header("streamType")).isEqualTo("error");
        assertThat(s.header("port")).isEqualTo("80");
        assertThat(s.header("requestID")).isEqualTo("0");
        s.reply();
        List<Object> back = fromServer();
        assertThat(back).hasSize(1);
        assertThat(back.get(0)).isInstanceOf(SpdySynReplyFrame.class);
        assertThat(((SpdySynReplyFrame) back.get(0)).streamId()).isEqualTo(1);
        assertThat(((SpdySynReplyFrame) back.get(0)).isLast()).isFalse();
        back.forEach(ReferenceCountUtil::release);
    }

    @Test
    void dataBeforeTheListenerIsHeld_thenDelivered_andFinIsTheRemoteClose() {
        exchange(syn(1, "data", "80", "0"));
        SpdyConnection.Stream s = opened.get(0);
        s.reply();
        fromServer().forEach(ReferenceCountUtil::release);
        DefaultSpdyDataFrame fin =
                new DefaultSpdyDataFrame(
                        1, Unpooled.copiedBuffer(" world", StandardCharsets.UTF_8));
        fin.setLast(true);
        exchange(
                new DefaultSpdyDataFrame(1, Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8)),
                fin);
        StreamEvents e = listen(s);
        assertThat(e.data.toString()).isEqualTo("hello world");
        assertThat(e.remoteClosed).isTrue();
        assertThat(e.reset).isFalse();
    }

    @Test
    void writesAreSplitIntoFramesOf32KiB_andCloseSendsFin() {
        exchange(syn(1, "data", "80", "0"));
        SpdyConnection.Stream s = opened.get(0);
        s.reply();
        s.write(Unpooled.wrappedBuffer(new byte[70_000]));
        s.close();
        List<Object> back = fromServer();
        List<Integer> sizes = new ArrayList<>();
        int received = 0;
        boolean finSeen = false;
        for (Object f : back) {
            if (f instanceof SpdyDataFrame d) {
                received += d.content().readableBytes();
                sizes.add(d.content().readableBytes());
                finSeen |= d.isLast();
            }
            ReferenceCountUtil.release(f);
        }
        assertThat(received).isEqualTo(70_000);
        assertThat(sizes).allMatch(n -> n <= SpdyConnection.MAX_DATA_FRAME);
        assertThat(finSeen).isTrue();
        assertThat(s.connection().openStreams())
                .isEqualTo(1); // the client has not closed its side yet
        DefaultSpdyDataFrame clientFin = new DefaultSpdyDataFrame(1);
        clientFin.setLast(true);
        exchange(clientFin);
        assertThat(s.connection().openStreams()).isZero();
    }

    @Test
    void badStreamIds_andTooManyStreams_areReset() {
        List<Object> back = exchange(syn(2, "data", "80", "0"));
        assertThat(back)
                .singleElement()
                .isInstanceOfSatisfying(
                        SpdyRstStreamFrame.class,
                        r -> assertThat(r.status()).isEqualTo(SpdyStreamStatus.PROTOCOL_ERROR));
        exchange(syn(1, "error", "80", "0"), syn(3, "data", "80", "0"), syn(5, "error", "80", "1"));
        assertThat(opened).hasSize(3);
        back = exchange(syn(7, "data", "80", "1"));
        assertThat(back)
                .singleElement()
                .isInstanceOfSatisfying(
                        SpdyRstStreamFrame.class,
                        r -> assertThat(r.status()).isEqualTo(SpdyStreamStatus.REFUSED_STREAM));
        back = exchange(syn(5, "data", "80", "2"));
        assertThat(back)
                .singleElement()
                .isInstanceOfSatisfying(
                        SpdyRstStreamFrame.class,
                        r -> assertThat(r.status()).isEqualTo(SpdyStreamStatus.PROTOCOL_ERROR));
    }

    @Test
    void clientPingsAreEchoed() {
        List<Object> back = exchange(new DefaultSpdyPingFrame(7));
        assertThat(back)
                .singleElement()
                .isInstanceOfSatisfying(SpdyPingFrame.class, p -> assertThat(p.id()).isEqualTo(7));
    }

    @Test
    void aResetByTheClient_andTheConnectionsEnd_reachTheListeners() {
        exchange(syn(1, "data", "80", "0"), syn(3, "error", "80", "0"));
        StreamEvents first = listen(opened.get(0));
        StreamEvents second = listen(opened.get(1));
        exchange(new DefaultSpdyRstStreamFrame(1, SpdyStreamStatus.CANCEL));
        assertThat(first.reset).isTrue();
        assertThat(second.reset).isFalse();
        server.close();
        assertThat(second.reset).isTrue();
        assertThat(closed).isTrue();
    }

    @Test
    void pausingAStreamStopsReadingTheSocket_untilResumed() {
        exchange(syn(1, "data", "80", "0"));
        SpdyConnection.Stream s = opened.get(0);
        s.pause();
        server.runPendingTasks();
        assertThat(server.config().isAutoRead()).isFalse();
        s.resume();
        server.runPendingTasks();
        assertThat(server.config().isAutoRead()).isTrue();
    }

    @Test
    void anIdleConnection_isClosedWithGoAway() throws Exception {
        EmbeddedChannel idle = new EmbeddedChannel();
        boolean[] ended = {false};
        SpdyConnection.install(
                idle.pipeline(),
                null,
                new SpdyConnection.Listener() {
                    @Override
                    public void opened(SpdyConnection.Stream stream) {}

                    @Override
                    public void closed() {
                        ended[0] = true;
                    }
                },
                10,
                Duration.ofMillis(100));
        Thread.sleep(300);
        idle.runPendingTasks();
        assertThat(idle.isOpen()).isFalse();
        assertThat(ended[0]).isTrue();
        ByteBuf bytes;
        while ((bytes = idle.readOutbound()) != null) {
            client.writeInbound(bytes);
        }
        Object goAway = client.readInbound();
        assertThat(goAway).isInstanceOf(io.netty.handler.codec.spdy.SpdyGoAwayFrame.class);
        idle.finishAndReleaseAll();
    }

    @Test
    void overTheWebSocketTunnel_framesTravelInBinaryMessages() {
        EmbeddedChannel tunneled = new EmbeddedChannel();
        tunneled.pipeline().addLast(new WebSocketTunnel());
        List<SpdyConnection.Stream> streams = new ArrayList<>();
        SpdyConnection.install(
                tunneled.pipeline(),
                null,
                new SpdyConnection.Listener() {
                    @Override
                    public void opened(SpdyConnection.Stream stream) {
                        streams.add(stream);
                        stream.reply();
                    }

                    @Override
                    public void closed() {}
                },
                10,
                Duration.ofMinutes(1));
        client.writeOutbound(syn(1, "data", "80", "0"));
        ByteBuf bytes;
        while ((bytes = client.readOutbound()) != null) {
            tunneled.writeInbound(new BinaryWebSocketFrame(bytes));
        }
        tunneled.runPendingTasks();
        assertThat(streams).hasSize(1);
        Object out = tunneled.readOutbound();
        assertThat(out).isInstanceOf(BinaryWebSocketFrame.class);
        client.writeInbound(((BinaryWebSocketFrame) out).content().retain());
        ReferenceCountUtil.release(out);
        Object reply = client.readInbound();
        assertThat(reply).isInstanceOf(SpdySynReplyFrame.class);
        ReferenceCountUtil.release(reply);
        tunneled.finishAndReleaseAll();
    }
}
