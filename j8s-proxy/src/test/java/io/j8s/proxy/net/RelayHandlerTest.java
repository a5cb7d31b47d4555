package io.j8s.proxy.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayHandlerTest {

    private final Counter bytes = new SimpleMeterRegistry().counter("bytes");

    /** Counts read() requests that reach the channel. */
    private static final class ReadCounter extends ChannelOutboundHandlerAdapter {
        int reads;

        @Override
        public void read(ChannelHandlerContext ctx) {
            reads++;
            ctx.read();
        }
    }

    /** Holds writes pending until the test completes them, as a full socket would. */
    private static final class HeldWrites extends ChannelOutboundHandlerAdapter {
        final List<ChannelPromise> promises = new ArrayList<>();
        final List<Object> messages = new ArrayList<>();

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            messages.add(msg);
            promises.add(promise);
        }
    }

    @Test
    void channelRead_forwardsBytesToPeer_andCountsThem() {
        EmbeddedChannel peer = new EmbeddedChannel();
        EmbeddedChannel self = new EmbeddedChannel(new RelayHandler(peer, bytes));

        self.writeInbound(Unpooled.copiedBuffer("hello", StandardCharsets.UTF_8));

        ByteBuf out = peer.readOutbound();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        out.release();
        assertThat(bytes.count()).isEqualTo(5);
    }

    @Test
    void channelRead_asksForMoreOnlyAfterThePeerWriteCompletes() throws Exception {
        HeldWrites held = new HeldWrites();
        EmbeddedChannel peer = new EmbeddedChannel(held);
        ReadCounter reads = new ReadCounter();
        EmbeddedChannel self = new EmbeddedChannel(false, false);
        self.config().setAutoRead(false);
        self.pipeline().addLast(reads, new RelayHandler(peer, bytes));
        self.register();
        int readsBefore = reads.reads;

        self.writeInbound(Unpooled.copiedBuffer("chunk", StandardCharsets.UTF_8));
        assertThat(reads.reads).isEqualTo(readsBefore); // back-pressure: the peer has not taken it

        held.promises.get(0).setSuccess();
        self.runPendingTasks();
        assertThat(reads.reads).isEqualTo(readsBefore + 1);
        held.messages.forEach(m -> ((ByteBuf) m).release());
    }

    @Test
    void failedPeerWrite_closesBothSides() {
        HeldWrites held = new HeldWrites();
        EmbeddedChannel peer = new EmbeddedChannel(held);
        EmbeddedChannel self = new EmbeddedChannel(new RelayHandler(peer, bytes));

        self.writeInbound(Unpooled.copiedBuffer("x", StandardCharsets.UTF_8));
        held.promises.get(0).setFailure(new java.io.IOException("broken pipe"));
        self.runPendingTasks();
        peer.runPendingTasks();

        assertThat(self.isOpen()).isFalse();
        assertThat(peer.isOpen()).isFalse();
        held.messages.forEach(m -> ((ByteBuf) m).release());
    }

    @Test
    void channelInactive_closesThePeerAfterFlushing() {
        EmbeddedChannel peer = new EmbeddedChannel();
        EmbeddedChannel self = new EmbeddedChannel(new RelayHandler(peer, bytes));
        self.writeInbound(Unpooled.copiedBuffer("last words", StandardCharsets.UTF_8));

        self.close();
        peer.runPendingTasks();

        ByteBuf out = peer.readOutbound();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("last words");
        out.release();
        assertThat(peer.isOpen()).isFalse();
    }
}
