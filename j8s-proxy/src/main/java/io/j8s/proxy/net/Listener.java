package io.j8s.proxy.net;

import io.j8s.proxy.model.Protocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * A listening socket of one Service port: TCP (a server socket whose accepted connections get a
 * {@link TcpFrontendHandler}) or UDP (a datagram socket with a {@link UdpFrontendHandler}). Closing
 * a TCP listener stops new connections only; accepted ones go on. Thread-safe.
 */
final class Listener {

    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

    private final Protocol protocol;
    private final InetSocketAddress address;
    private final Channel channel;

    private Listener(Protocol protocol, InetSocketAddress address, Channel channel) {
        this.protocol = protocol;
        this.address = address;
        this.channel = channel;
    }

    /**
     * Binds a listener. Blocks until bound, so it must not run on an event loop.
     *
     * @throws BindException with a message from {@link BindFailures#describe}
     */
    static Listener bind(
            ForwardingContext forwarding, Protocol protocol, InetSocketAddress address, Route route)
            throws BindException {
        ChannelFuture bind =
                switch (protocol) {
                    case TCP ->
                            new ServerBootstrap()
                                    .group(forwarding.group())
                                    .channel(forwarding.transport().serverChannel())
                                    .option(ChannelOption.SO_REUSEADDR, true)
                                    .option(ChannelOption.SO_BACKLOG, 1024)
                                    .childOption(ChannelOption.AUTO_READ, false)
                                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                                    .childOption(ChannelOption.TCP_NODELAY, true)
                                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                                    .childHandler(
                                            new ChannelInitializer<Channel>() {
                                                @Override
                                                protected void initChannel(Channel ch) {
                                                    ch.pipeline()
                                                            .addLast(
                                                                    "frontend",
                                                                    new TcpFrontendHandler(
                                                                            forwarding, route));
                                                }
                                            })
                                    .bind(address);
                    case UDP ->
                            new Bootstrap()
                                    .group(forwarding.group())
                                    .channel(forwarding.transport().datagramChannel())
                                    .handler(new UdpFrontendHandler(forwarding, route))
                                    .bind(address);
                };
        if (!bind.awaitUninterruptibly(BIND_TIMEOUT.toMillis())) {
            bind.channel().close();
            throw new BindException(
                    "binding "
                            + address.getAddress().getHostAddress()
                            + ":"
                            + address.getPort()
                            + " timed out after "
                            + BIND_TIMEOUT,
                    null);
        }
        if (!bind.isSuccess()) {
            bind.channel().close();
            throw new BindException(BindFailures.describe(address, bind.cause()), bind.cause());
        }
        return new Listener(protocol, address, bind.channel());
    }

    InetSocketAddress address() {
        return address;
    }

    Protocol protocol() {
        return protocol;
    }

    /** Stops listening; waits for the socket to be closed so the address can be bound again. */
    void close() {
        channel.close().awaitUninterruptibly(BIND_TIMEOUT.toMillis());
    }

    @Override
    public String toString() {
        return protocol + " " + address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** A listener could not be bound; the message says why in words a person can act on. */
    static final class BindException extends Exception {
        BindException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
