package io.j8s.apiserver.nodeproxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link ClientStream} on an upgraded WebSocket connection ({@code v5.channel.k8s.io} or {@code
 * v4.channel.k8s.io}: binary messages, channel byte first). The connection is read one message at a
 * time: auto-read is off while the node has not taken the last message. Runs on the channel's event
 * loop.
 */
final class WebSocketClientStream extends SimpleChannelInboundHandler<WebSocketFrame>
        implements ClientStream {

    private final Channel channel;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ArrayDeque<Runnable> waitingForWritable = new ArrayDeque<>(); // event loop only
    private volatile Sink sink;

    WebSocketClientStream(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void start(Sink sink) {
        this.sink = sink;
        channel.closeFuture()
                .addListener(
                        f -> {
                            if (closed.compareAndSet(false, true)) {
                                sink.onClose();
                            }
                        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            return;
        }
        if (frame instanceof CloseWebSocketFrame) {
            ctx.writeAndFlush(new CloseWebSocketFrame(1000, ""))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (!(frame instanceof BinaryWebSocketFrame || frame instanceof TextWebSocketFrame)
                || sink == null) {
            return;
        }
        // A text message is taken as its bytes, channel first, as Kubernetes does on the channel
        // protocols (the Python client sends str stdin as text); it goes on as binary.
        ByteBuf content = frame.content();
        ByteBuffer copy = ByteBuffer.allocate(content.readableBytes());
        content.readBytes(copy);
        copy.flip();
        ctx.channel().config().setAutoRead(false);
        sink.onMessage(copy)
                .whenComplete(
                        (v, e) -> {
                            if (e != null) {
                                ctx.close();
                            } else {
                                ctx.channel().config().setAutoRead(true);
                            }
                        });
    }

    @Override
    public void send(ByteBuffer message, Runnable sent) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(message)))
                .addListener(
                        f -> {
                            if (!f.isSuccess()) {
                                return;
                            }
                            if (channel.isWritable()) {
                                sent.run();
                            } else {
                                waitingForWritable.add(sent);
                            }
                        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        while (ctx.channel().isWritable() && !waitingForWritable.isEmpty()) {
            waitingForWritable.poll().run();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void close(int code, String reason) {
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(new CloseWebSocketFrame(code, reason))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
