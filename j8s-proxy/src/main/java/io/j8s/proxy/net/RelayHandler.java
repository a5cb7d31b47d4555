package io.j8s.proxy.net;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes from its channel to {@code peer}, one direction of a proxied TCP connection (the
 * frontend and the backend channel each get one). Back-pressure: both channels run with auto-read
 * off, and the next chunk is read only after the previous one was written to the peer. Half-close:
 * end of input here becomes a shutdown of the peer's output once pending bytes are flushed; when
 * both directions have ended, both channels close. Errors close both channels, the peer after
 * flushing what it has. Confined to the channel's event loop (both channels of a connection share
 * one).
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

    private final Channel peer;
    private final Counter bytes;

    RelayHandler(Channel peer, Counter bytes) {
        this.peer = peer;
        this.bytes = bytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            bytes.increment(buf.readableBytes());
        }
        peer.writeAndFlush(msg)
                .addListener(
                        (ChannelFutureListener)
                                f -> {
                                    if (f.isSuccess()) {
                                        readMore(ctx.channel());
                                    } else {
                                        f.channel().close();
                                        closeOnFlush(ctx.channel());
                                    }
                                });
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            Channel self = ctx.channel();
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER)
                    .addListener(
                            (ChannelFutureListener)
                                    f -> {
                                        if (!f.isSuccess()
                                                || !(peer instanceof DuplexChannel duplexPeer)) {
                                            closeBoth(self);
                                            return;
                                        }
                                        duplexPeer
                                                .shutdownOutput()
                                                .addListener(
                                                        (ChannelFutureListener)
                                                                s -> {
                                                                    if (!s.isSuccess()) {
                                                                        closeBoth(self);
                                                                        return;
                                                                    }
                                                                    // A channel closes once both
                                                                    // its directions are done. Not
                                                                    // earlier: bytes the other
                                                                    // direction is still relaying
                                                                    // to it would be lost with its
                                                                    // pending writes.
                                                                    closeIfDone(peer);
                                                                    closeIfDone(self);
                                                                });
                                    });
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeOnFlush(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug()
                .addKeyValue("channel", ctx.channel())
                .addKeyValue("error", cause.toString())
                .log("proxied connection failed; closing both sides");
        ctx.close();
    }

    /**
     * Closes {@code ch} once its input has ended and its output was shut down after the last write.
     */
    private static void closeIfDone(Channel ch) {
        if (ch instanceof DuplexChannel d && d.isInputShutdown() && d.isOutputShutdown()) {
            ch.close();
        }
    }

    private void closeBoth(Channel self) {
        self.close();
        peer.close();
    }

    /**
     * Asks for the next chunk, unless input has already ended (epoll refuses to re-arm reads on a
     * socket whose input is shut down).
     */
    static void readMore(Channel ch) {
        if (!(ch instanceof DuplexChannel d) || !d.isInputShutdown()) {
            ch.read();
        }
    }

    /** Closes {@code ch} after everything already written to it has been flushed. */
    static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
        }
    }
}
