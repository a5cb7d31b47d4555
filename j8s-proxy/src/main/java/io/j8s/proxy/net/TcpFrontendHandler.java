package io.j8s.proxy.net;

import io.j8s.proxy.balance.Backend;
import io.j8s.proxy.metrics.EndpointMeters;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one accepted client connection until it is paired with a backend connection: picks an
 * endpoint, connects (on the client channel's own event loop), and on failure tries the next
 * endpoint with the next, longer timeout, as the userspace kube-proxy did. With no usable endpoint,
 * or after the last attempt fails, the client connection is reset at once. Once connected, it
 * replaces itself with a {@link RelayHandler} and starts both directions. Confined to the client
 * channel's event loop.
 */
final class TcpFrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(TcpFrontendHandler.class);

    private final ForwardingContext forwarding;
    private final Route route;
    private final Set<Backend> failed = new HashSet<>();
    // Bytes and end-of-input that arrive before the backend is connected. Reads are not requested
    // until then, but the epoll transport still reads when the client half-closes early (RDHUP).
    private final ArrayDeque<Object> early = new ArrayDeque<>();
    private boolean earlyInputShutdown;
    private int attempt;
    private Channel outbound;

    TcpFrontendHandler(ForwardingContext forwarding, Route route) {
        this.forwarding = forwarding;
        this.route = route;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connectNext(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            earlyInputShutdown = true;
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void connectNext(ChannelHandlerContext ctx) {
        Channel inbound = ctx.channel();
        List<Duration> timeouts = forwarding.settings().connectTimeouts();
        InetAddress client = ((InetSocketAddress) inbound.remoteAddress()).getAddress();
        if (attempt >= timeouts.size()) {
            route.countAllAttemptsFailed();
            reset(inbound, "every connection attempt failed");
            return;
        }
        Backend backend = route.pick(client, failed);
        if (backend == null) {
            route.countNoEndpoints();
            reset(inbound, "no usable endpoints");
            return;
        }
        EndpointMeters meters = route.meters(backend);
        Duration timeout = timeouts.get(attempt++);
        Bootstrap bootstrap =
                new Bootstrap()
                        .group(inbound.eventLoop())
                        .channel(forwarding.transport().socketChannel())
                        .option(
                                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                                (int) Math.max(1, timeout.toMillis()))
                        .option(ChannelOption.AUTO_READ, false)
                        .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .option(ChannelOption.SO_KEEPALIVE, true)
                        .handler(new RelayHandler(inbound, meters.bytesReceived()));
        ChannelFuture connect = bootstrap.connect(backend.socketAddress());
        Channel attemptChannel = connect.channel();
        outbound = attemptChannel;
        // Every attempt ends in exactly one close, successful or not: that is where the backend's
        // connection count is given back.
        attemptChannel.closeFuture().addListener(f -> backend.release());
        connect.addListener(
                (ChannelFutureListener)
                        f -> {
                            if (f.isSuccess()) {
                                onConnected(ctx, attemptChannel, meters);
                            } else {
                                attemptChannel.close();
                                if (!inbound.isActive()) {
                                    return; // the client left and its close cancelled this attempt:
                                    // not the endpoint's fault
                                }
                                meters.connectFailures().increment();
                                failed.add(backend);
                                log.atDebug()
                                        .addKeyValue("service", route.name().service().toString())
                                        .addKeyValue("endpoint", backend.address())
                                        .addKeyValue("attempt", attempt)
                                        .addKeyValue("error", f.cause().toString())
                                        .log("connecting to endpoint failed; trying the next one");
                                connectNext(ctx);
                            }
                        });
    }

    private void onConnected(
            ChannelHandlerContext ctx, Channel backendChannel, EndpointMeters meters) {
        Channel inbound = ctx.channel();
        if (!inbound.isActive()) {
            backendChannel.close();
            return;
        }
        meters.connections().increment();
        forwarding.metrics().activeConnections().incrementAndGet();
        backendChannel
                .closeFuture()
                .addListener(f -> forwarding.metrics().activeConnections().decrementAndGet());
        ctx.pipeline().replace(this, "relay", new RelayHandler(backendChannel, meters.bytesSent()));
        backendChannel.read();
        // Hand what arrived early to the relay, in order; it asks for more once written.
        boolean replayed = !early.isEmpty();
        Object msg;
        while ((msg = early.poll()) != null) {
            inbound.pipeline().fireChannelRead(msg);
        }
        if (earlyInputShutdown) {
            inbound.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        } else if (!replayed) {
            RelayHandler.readMore(inbound);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseEarly();
        if (outbound != null) {
            outbound.close();
        }
    }

    private void releaseEarly() {
        Object msg;
        while ((msg = early.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug()
                .addKeyValue("service", route.name().service().toString())
                .setCause(cause)
                .log("client connection failed before a backend was connected");
        ctx.close();
    }

    /** Closes with SO_LINGER 0, so the client sees a reset at once instead of a hang or EOF. */
    private void reset(Channel inbound, String why) {
        log.atDebug()
                .addKeyValue("service", route.name().service().toString())
                .addKeyValue("route", route.description())
                .addKeyValue("client", inbound.remoteAddress())
                .log("rejecting connection: {}", why);
        try {
            inbound.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException e) {
            log.atDebug().setCause(e).log("SO_LINGER unsupported; closing without reset");
        }
        releaseEarly();
        inbound.close();
    }
}
