package io.j8s.proxy.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport of the data plane: native epoll on Linux when its library loads, NIO
 * otherwise. Immutable.
 */
public final class Transport {

    private final String name;
    private final IoHandlerFactoryMaker ioHandlerFactory;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends SocketChannel> socketChannel;
    private final Class<? extends DatagramChannel> datagramChannel;

    private Transport(
            String name,
            IoHandlerFactoryMaker ioHandlerFactory,
            Class<? extends ServerChannel> serverChannel,
            Class<? extends SocketChannel> socketChannel,
            Class<? extends DatagramChannel> datagramChannel) {
        this.name = name;
        this.ioHandlerFactory = ioHandlerFactory;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
        this.datagramChannel = datagramChannel;
    }

    /** Epoll when available, else NIO. */
    public static Transport detect() {
        return Epoll.isAvailable() ? epoll() : nio();
    }

    public static Transport epoll() {
        Epoll.ensureAvailability();
        return new Transport(
                "epoll",
                EpollIoHandler::newFactory,
                EpollServerSocketChannel.class,
                EpollSocketChannel.class,
                EpollDatagramChannel.class);
    }

    public static Transport nio() {
        return new Transport(
                "nio",
                NioIoHandler::newFactory,
                NioServerSocketChannel.class,
                NioSocketChannel.class,
                NioDatagramChannel.class);
    }

    /** A new event loop group of {@code threads} daemon threads named {@code prefix-N}. */
    public EventLoopGroup newEventLoopGroup(int threads, String prefix) {
        return new MultiThreadIoEventLoopGroup(
                threads, new DefaultThreadFactory(prefix, true), ioHandlerFactory.make());
    }

    public String name() {
        return name;
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return socketChannel;
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return datagramChannel;
    }

    @Override
    public String toString() {
        return name;
    }

    @FunctionalInterface
    private interface IoHandlerFactoryMaker {
        IoHandlerFactory make();
    }
}
