package io.j8s.node.stream.portforward;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded connection: relays the WebSocket's binary messages to a TCP connection to the Pod's
 * port and back (see {@link PortForwardEndpoint} for the protocol). Both channels run on the
 * WebSocket's event loop; each side reads only while the other can take more (Netty's writability),
 * so buffers stay bounded by the channels' write-buffer water marks.
 */
final class PodRelay extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(PodRelay.class);

    private final String pod;
    private final String uid;
    private final String ip;
    private final int port;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private Channel ws;
    private Channel target;
    private boolean clientEof;
    private boolean podEof;
    private boolean closing;

    PodRelay(
            String pod,
            String uid,
            String ip,
            int port,
            Duration connectTimeout,
            Duration idleTimeout) {
        this.pod = pod;
        this.uid = uid;
        this.ip = ip;
        this.port = port;
        this.connectTimeout = connectTimeout;
        this.idleTimeout = idleTimeout;
    }

    /** Connects to the Pod; runs on the WebSocket's event loop after the handshake. */
    void start(Channel ws) {
        this.ws = ws;
        ws.pipeline()
                .addBefore(
                        ws.pipeline().context(this).name(),
                        "pf-idle",
                        new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS));
        new Bootstrap()
                .group(ws.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
                .handler(new PodSide())
                .connect(new InetSocketAddress(ip, port))
                .addListener(
                        (ChannelFutureListener)
                                f -> {
                                    if (!f.isSuccess()) {
                                        String error = errorText(f.cause());
                                        log.atInfo()
                                                .addKeyValue("pod", pod)
                                                .addKeyValue("port", port)
                                                .addKeyValue("error", error)
                                                .log("port-forward: cannot connect to the pod");
                                        ws.write(new TextWebSocketFrame(error));
                                        closeWebSocket(1000, "");
                                        return;
                                    }
                                    target = f.channel();
                                    if (!ws.isActive()) {
                                        target.close();
                                        return;
                                    }
                                    log.atDebug()
                                            .addKeyValue("pod", pod)
                                            .addKeyValue("port", port)
                                            .log("port-forward connected");
                                    target.config().setAutoRead(true);
                                    ws.config().setAutoRead(true);
                                });
    }

    /** As the kubelet (and containerd below it) word a port nothing listens on. */
    private String errorText(Throwable cause) {
        String why;
        if (cause instanceof ConnectException
                && String.valueOf(cause.getMessage()).contains("refused")) {
            why = "connect: connection refused";
        } else if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            why = "i/o timeout";
        } else {
            why = String.valueOf(cause.getMessage());
        }
        return "error forwarding port "
                + port
                + " to pod "
                + uid
                + ", uid : failed to execute portforward in network"
                + " namespace \""
                + ip
                + "\": failed to connect to "
                + ip
                + ":"
                + port
                + " inside namespace \""
                + uid
                + "\", IPv4: dial tcp4 "
                + ip
                + ":"
                + port
                + ": "
                + why;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (frame instanceof BinaryWebSocketFrame
                    || frame instanceof ContinuationWebSocketFrame) {
                ByteBuf data = frame.content();
                if (target == null || clientEof) {
                    return;
                }
                if (!data.isReadable()
                        && frame.isFinalFragment()
                        && frame instanceof BinaryWebSocketFrame) {
                    clientEof = true;
                    ((SocketChannel) target).shutdownOutput();
                    return;
                }
                target.writeAndFlush(data.retain());
                if (!target.isWritable()) {
                    ws.config().setAutoRead(false);
                }
            } else if (frame instanceof CloseWebSocketFrame) {
                closeAll();
            } else if (frame instanceof PingWebSocketFrame) {
                ws.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (target != null && ws.isWritable()) {
            target.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.atInfo()
                    .addKeyValue("pod", pod)
                    .addKeyValue("port", port)
                    .addKeyValue("idleTimeout", idleTimeout)
                    .log("port-forward connection idle: closing it");
            closeAll();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (target != null) {
            target.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug()
                .addKeyValue("pod", pod)
                .addKeyValue("error", cause.toString())
                .log("port-forward connection failed");
        closeAll();
    }

    private void closeWebSocket(int code, String reason) {
        if (closing) {
            return;
        }
        closing = true;
        if (target != null) {
            target.close();
        }
        ws.writeAndFlush(new CloseWebSocketFrame(code, reason))
                .addListener(ChannelFutureListener.CLOSE);
    }

    private void closeAll() {
        closing = true;
        if (target != null) {
            target.close();
        }
        ws.close();
    }

    /** The Pod's side of the relay. */
    private final class PodSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            if (!data.isReadable()) {
                data.release();
                return;
            }
            ws.writeAndFlush(new BinaryWebSocketFrame(data));
            if (!ws.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ws.config().setAutoRead(true);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                sendPodEof();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            sendPodEof();
            closeWebSocket(1000, "");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug()
                    .addKeyValue("pod", pod)
                    .addKeyValue("error", cause.toString())
                    .log("port-forward pod side failed");
            ctx.close();
        }

        private void sendPodEof() {
            if (podEof || closing) {
                return;
            }
            podEof = true;
            ws.writeAndFlush(new BinaryWebSocketFrame(Unpooled.EMPTY_BUFFER));
            // As containerd's port-forward: the Pod's end of the connection ends the forward
            // (kubectl
            // closes its local connection only once the error stream is closed too).
            closeWebSocket(1000, "");
        }
    }
}
