package io.j8s.apiserver.spdy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * Carries a byte stream in binary WebSocket messages, as kubectl 1.31+ tunnels SPDY/3.1 for
 * port-forward (subprotocol {@code SPDY/3.1+portforward.k8s.io}): each message read is passed on as
 * bytes, each write becomes one binary message. A Close is answered and ends the connection; pings
 * are answered.
 */
public final class WebSocketTunnel extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf msg, List<Object> out) {
        out.add(new BinaryWebSocketFrame(msg.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            if (frame.content().isReadable()) {
                out.add(frame.content().retain());
            }
        } else if (frame instanceof CloseWebSocketFrame close) {
            ctx.writeAndFlush(
                            new CloseWebSocketFrame(
                                    close.statusCode() < 0 ? 1000 : close.statusCode(), ""))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        }
        // text messages are not part of the tunnel: dropped
    }
}
