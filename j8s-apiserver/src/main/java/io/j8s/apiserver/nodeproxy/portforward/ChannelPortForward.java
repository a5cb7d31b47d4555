package io.j8s.apiserver.nodeproxy.portforward;

import io.j8s.apiserver.errors.ApiException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port-forward over WebSocket channels ({@code v4.channel.k8s.io}), as the kubelet serves it: for
 * the i-th port of {@code ?ports=}, channel 2i carries the data and 2i+1 the errors; every message
 * starts with its channel's number, and the server's first message on each channel carries the port
 * as a little-endian uint16. One TCP connection per port; the WebSocket closes once all have ended.
 * Runs on the connection's event loop.
 */
final class ChannelPortForward extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ChannelPortForward.class);
    static final int MAX_PORTS = 32;

    private final PodPortForward.Target target;
    private final List<Integer> ports;
    private final List<NodeStream> streams = new ArrayList<>();
    private final List<Runnable> onWritable = new ArrayList<>();
    private final boolean[] acquired;
    private Channel channel;
    private int open;
    private int paused;

    private ChannelPortForward(PodPortForward.Target target, List<Integer> ports) {
        this.target = target;
        this.ports = ports;
        this.acquired = new boolean[ports.size()];
    }

    /** Parses {@code ?ports=} as the kubelet does (repeated and comma-separated, 1-65535). */
    static List<Integer> ports(List<String> values) {
        if (values == null || values.isEmpty()) {
            throw ApiException.badRequest("query parameter \"ports\" is required");
        }
        List<Integer> out = new ArrayList<>();
        for (String value : values) {
            if (value.isEmpty()) {
                throw ApiException.badRequest("query parameter \"ports\" cannot be empty");
            }
            for (String p : value.split(",")) {
                int port;
                try {
                    port = Integer.parseInt(p.trim());
                } catch (NumberFormatException e) {
                    throw ApiException.badRequest("unable to parse \"" + value + "\" as a port");
                }
                if (port < 1 || port > 65535) {
                    throw ApiException.badRequest("port \"" + value + "\" must be > 0 and < 65536");
                }
                out.add(port);
            }
        }
        if (out.size() > MAX_PORTS) {
            throw ApiException.badRequest(
                    "at most " + MAX_PORTS + " ports may be forwarded on one connection");
        }
        return out;
    }

    static void install(Channel channel, PodPortForward.Target target, List<Integer> ports) {
        channel.pipeline()
                .addLast(
                        "pf-idle",
                        new IdleStateHandler(
                                0,
                                0,
                                target.limits().idleTimeout().toMillis(),
                                TimeUnit.MILLISECONDS));
        ChannelPortForward handler = new ChannelPortForward(target, ports);
        channel.pipeline().addLast("pf-channels", handler);
        handler.start(channel);
    }

    private void start(Channel ch) {
        this.channel = ch;
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            byte[] prefix = {0, (byte) (port & 0xff), (byte) ((port >> 8) & 0xff)};
            prefix[0] = (byte) (2 * i);
            ch.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(prefix.clone())));
            prefix[0] = (byte) (2 * i + 1);
            ch.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(prefix)));
        }
        ch.flush();
        for (int i = 0; i < ports.size(); i++) {
            int index = i;
            int port = ports.get(i);
            open++;
            String refused = target.limits().acquire(target.node(), target.user());
            if (refused != null) {
                streams.add(null);
                sendError(index, refused);
                ended(index);
                continue;
            }
            acquired[index] = true;
            streams.add(
                    NodeStream.open(
                            target.http(),
                            target.uri(port),
                            ch.eventLoop(),
                            new NodeStream.ClientSide() {
                                @Override
                                public void data(ByteBuf data) {
                                    ByteBuf framed =
                                            Unpooled.wrappedBuffer(
                                                    Unpooled.wrappedBuffer(
                                                            new byte[] {(byte) (2 * index)}),
                                                    data);
                                    channel.writeAndFlush(new BinaryWebSocketFrame(framed));
                                }

                                @Override
                                public void eof() {
                                    // v4 cannot half-close a channel: the Pod's end is the
                                    // forward's end, as in the kubelet
                                    NodeStream s = streams.get(index);
                                    if (s != null) {
                                        s.abort();
                                    }
                                }

                                @Override
                                public void error(String message) {
                                    sendError(index, message);
                                }

                                @Override
                                public void closed() {
                                    ended(index);
                                }

                                @Override
                                public boolean isWritable() {
                                    return channel.isWritable();
                                }

                                @Override
                                public void onWritable(Runnable r) {
                                    if (channel.isWritable() || !channel.isActive()) {
                                        r.run();
                                    } else {
                                        onWritable.add(r);
                                    }
                                }

                                @Override
                                public void pause() {
                                    if (paused++ == 0) {
                                        channel.config().setAutoRead(false);
                                    }
                                }

                                @Override
                                public void resume() {
                                    if (--paused == 0) {
                                        channel.config().setAutoRead(true);
                                    }
                                }
                            },
                            "port " + port + " to pod " + target.pod()));
        }
    }

    private void sendError(int index, String message) {
        ByteBuf framed =
                Unpooled.wrappedBuffer(
                        Unpooled.wrappedBuffer(new byte[] {(byte) (2 * index + 1)}),
                        Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
        channel.writeAndFlush(new BinaryWebSocketFrame(framed));
    }

    private void ended(int index) {
        if (acquired[index]) {
            acquired[index] = false;
            target.limits().release(target.node(), target.user());
        }
        if (--open == 0 && channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(1000, ""))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (frame instanceof BinaryWebSocketFrame) {
                ByteBuf content = frame.content();
                if (!content.isReadable()) {
                    return;
                }
                int ch = content.readUnsignedByte();
                if (ch % 2 != 0 || ch / 2 >= streams.size()) {
                    return; // the error channels are the server's to write; unknown channels are
                    // dropped
                }
                NodeStream s = streams.get(ch / 2);
                if (s != null && content.isReadable()) {
                    s.send(content.retain());
                }
            } else if (frame instanceof CloseWebSocketFrame) {
                ctx.writeAndFlush(new CloseWebSocketFrame(1000, ""))
                        .addListener(ChannelFutureListener.CLOSE);
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
        } finally {
            frame.release();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            List<Runnable> run = new ArrayList<>(onWritable);
            onWritable.clear();
            run.forEach(Runnable::run);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.atInfo()
                    .addKeyValue("pod", target.pod())
                    .log("port-forward connection idle: closing it");
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        for (NodeStream s : new ArrayList<>(streams)) {
            if (s != null) {
                s.abort();
            }
        }
        onWritable.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug()
                .addKeyValue("pod", target.pod())
                .addKeyValue("error", cause.toString())
                .log("port-forward connection failed");
        ctx.close();
    }
}
