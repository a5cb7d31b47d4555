package io.j8s.proxy.net;

import io.j8s.proxy.balance.Backend;
import io.j8s.proxy.metrics.EndpointMeters;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One UDP flow: a client address and port, and the connected upstream socket that carries its
 * datagrams to one backend and the backend's replies back through the listener (so they leave from
 * the Service's address). UDP has no back-pressure; datagrams that meet a full socket buffer are
 * dropped, as the network would. Confined to the listener's event loop.
 */
final class UdpFlow {

    private static final Logger log = LoggerFactory.getLogger(UdpFlow.class);

    /** Datagrams held while the upstream socket is being set up. */
    private static final int MAX_PENDING = 64;

    private final Channel listener;
    private final InetSocketAddress client;
    private final Backend backend;
    private final EndpointMeters meters;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
    private Channel upstream;
    private boolean connected;
    private boolean closed;

    private UdpFlow(
            Channel listener, InetSocketAddress client, Backend backend, EndpointMeters meters) {
        this.listener = listener;
        this.client = client;
        this.backend = backend;
        this.meters = meters;
    }

    /**
     * Starts a flow; {@code onClose} runs on the listener's event loop when it ends. The backend
     * must come from {@code pick}: the flow releases it when it ends.
     */
    static UdpFlow open(
            ForwardingContext forwarding,
            Channel listener,
            InetSocketAddress client,
            Backend backend,
            EndpointMeters meters,
            Consumer<UdpFlow> onClose) {
        UdpFlow flow = new UdpFlow(listener, client, backend, meters);
        long idleMillis = forwarding.settings().udpIdleTimeout().toMillis();
        Bootstrap bootstrap =
                new Bootstrap()
                        .group(listener.eventLoop())
                        .channel(forwarding.transport().datagramChannel())
                        .handler(
                                new ChannelInitializer<Channel>() {
                                    @Override
                                    protected void initChannel(Channel ch) {
                                        ch.pipeline()
                                                .addLast(
                                                        new IdleStateHandler(
                                                                0,
                                                                0,
                                                                idleMillis,
                                                                TimeUnit.MILLISECONDS));
                                        ch.pipeline().addLast(flow.new ReplyHandler());
                                    }
                                });
        ChannelFuture connect = bootstrap.connect(backend.socketAddress());
        flow.upstream = connect.channel();
        forwarding.metrics().activeConnections().incrementAndGet();
        meters.connections().increment();
        flow.upstream
                .closeFuture()
                .addListener(
                        f -> {
                            flow.closed = true;
                            flow.releasePending();
                            backend.release();
                            forwarding.metrics().activeConnections().decrementAndGet();
                            onClose.accept(flow);
                        });
        connect.addListener(
                (ChannelFutureListener)
                        f -> {
                            if (f.isSuccess()) {
                                flow.connected = true;
                                flow.flushPending();
                            } else {
                                meters.connectFailures().increment();
                                log.atDebug()
                                        .addKeyValue("endpoint", backend.address())
                                        .setCause(f.cause())
                                        .log("opening UDP flow failed");
                                f.channel().close();
                            }
                        });
        return flow;
    }

    boolean isOpen() {
        return !closed;
    }

    /** Forwards one datagram's payload; takes ownership of {@code content}. */
    void send(ByteBuf content) {
        if (closed) {
            content.release();
            return;
        }
        if (!connected) {
            if (pending.size() < MAX_PENDING) {
                pending.add(content);
            } else {
                content.release();
            }
            return;
        }
        write(content);
    }

    void close() {
        if (upstream != null) {
            upstream.close();
        }
    }

    private void write(ByteBuf content) {
        if (!upstream.isWritable()) {
            content.release();
            return;
        }
        meters.bytesSent().increment(content.readableBytes());
        upstream.writeAndFlush(content);
    }

    private void flushPending() {
        ByteBuf buf;
        while ((buf = pending.poll()) != null) {
            write(buf);
        }
    }

    private void releasePending() {
        ByteBuf buf;
        while ((buf = pending.poll()) != null) {
            buf.release();
        }
    }

    /** Sends the backend's replies to the client from the listener's address. */
    private final class ReplyHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf content;
            if (msg instanceof DatagramPacket packet) {
                content = packet.content();
            } else if (msg instanceof ByteBuf buf) {
                content = buf;
            } else {
                ctx.fireChannelRead(msg);
                return;
            }
            if (!listener.isActive() || !listener.isWritable()) {
                content.release();
                return;
            }
            meters.bytesReceived().increment(content.readableBytes());
            listener.writeAndFlush(new DatagramPacket(content, client));
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Typically ICMP port unreachable: the backend is gone. The next datagram starts a new
            // flow, which picks again.
            meters.connectFailures().increment();
            log.atDebug()
                    .addKeyValue("endpoint", backend.address())
                    .addKeyValue("error", cause.toString())
                    .log("UDP flow failed; closing it");
            ctx.close();
        }
    }
}
