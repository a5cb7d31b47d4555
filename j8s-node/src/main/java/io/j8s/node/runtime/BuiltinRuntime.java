package io.j8s.node.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.j8s.node.logs.LogStream;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serves a container that has no command (e.g. {@code image: nginx:1.14.1}) with a built-in
 * responder on each declared {@code containerPort} (80 when none) at the Pod IP.
 *
 * <p>TCP ports answer every HTTP request with one line naming the Pod — {@code Hello from pod
 * default/web-1 (IP 127.244.1.5, node node01)} — or a JSON object when the client accepts {@code
 * application/json}, so {@code curl} shows which Pod answered. Each request is written to the
 * container's log in nginx's access-log format. UDP ports echo each datagram prefixed with {@code
 * <pod>: }.
 *
 * <p>All listeners share one Netty event loop group. Thread-safe.
 */
public final class BuiltinRuntime implements ContainerRuntime {

    /** The port served when a container declares none, like an nginx image. */
    public static final int DEFAULT_PORT = 80;

    private static final DateTimeFormatter ACCESS_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    private final EventLoopGroup group;
    private final Clock clock;

    public BuiltinRuntime(EventLoopGroup group, Clock clock) {
        this.group = group;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "builtin";
    }

    @Override
    public ContainerInstance start(ContainerLaunch launch) throws ContainerStartException {
        Responder responder = new Responder(launch);
        List<Channel> channels = new ArrayList<>();
        try {
            for (ContainerPort port : ports(launch.container())) {
                String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
                int number = port.getContainerPort();
                ChannelFuture bound = bindWithRetry(launch, protocol, number, responder);
                if (bound == null) {
                    continue; // SCTP: nothing to serve
                }
                if (!bound.isSuccess()) {
                    throw new ContainerStartException(
                            BindErrors.explain(launch.podIp(), number, protocol, bound.cause()),
                            bound.cause());
                }
                channels.add(bound.channel());
            }
        } catch (ContainerStartException | RuntimeException e) {
            // Release what did bind before reporting the failure.
            CompletableFuture.allOf(
                            channels.stream()
                                    .map(BuiltinRuntime::closeFully)
                                    .toArray(CompletableFuture[]::new))
                    .completeOnTimeout(null, 2, java.util.concurrent.TimeUnit.SECONDS)
                    .join();
            launch.log().close();
            throw e;
        }
        responder.started(channels);
        return responder;
    }

    /**
     * Binds one port. "Address already in use" is retried for a moment: the previous instance of
     * the same container (a restart) may have closed its listener an instant ago, and the kernel
     * socket goes away only after the event loop's next select.
     */
    private ChannelFuture bindWithRetry(
            ContainerLaunch launch, String protocol, int number, Responder responder) {
        ChannelFuture bound = null;
        for (int attempt = 0; attempt < 6; attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return bound;
                }
            }
            bound = bind(launch, protocol, number, responder);
            if (bound == null
                    || bound.isSuccess()
                    || !String.valueOf(bound.cause().getMessage()).contains("already in use")) {
                return bound;
            }
        }
        return bound;
    }

    private ChannelFuture bind(
            ContainerLaunch launch, String protocol, int number, Responder responder) {
        ChannelFuture bound;
        if (protocol.equals("UDP")) {
            bound =
                    new Bootstrap()
                            .group(group)
                            .channel(NioDatagramChannel.class)
                            .handler(new UdpEcho(launch))
                            .bind(new InetSocketAddress(launch.podIp(), number));
        } else if (protocol.equals("TCP")) {
            bound =
                    new ServerBootstrap()
                            .group(group)
                            .channel(NioServerSocketChannel.class)
                            .childHandler(
                                    new ChannelInitializer<SocketChannel>() {
                                        @Override
                                        protected void initChannel(SocketChannel ch) {
                                            ch.pipeline()
                                                    .addLast(new HttpServerCodec())
                                                    .addLast(new HttpObjectAggregator(64 * 1024))
                                                    .addLast(new HttpResponder(responder, number));
                                        }
                                    })
                            .bind(new InetSocketAddress(launch.podIp(), number));
        } else {
            return null;
        }
        return bound.awaitUninterruptibly();
    }

    /**
     * Closes a listener and completes once its port is free again. A closed NIO channel releases
     * its kernel socket only at its event loop's next select, so completion waits for a task
     * scheduled on that loop a little later (it cannot run before the loop has selected again).
     */
    private static CompletableFuture<Void> closeFully(Channel ch) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ch.close()
                .addListener(
                        f -> {
                            try {
                                ch.eventLoop()
                                        .schedule(
                                                () -> done.complete(null),
                                                20,
                                                java.util.concurrent.TimeUnit.MILLISECONDS);
                            } catch (java.util.concurrent.RejectedExecutionException e) {
                                done.complete(
                                        null); // the loop is shutting down and takes the socket
                                // with it
                            }
                        });
        return done;
    }

    private static List<ContainerPort> ports(Container c) {
        if (c.getPorts() == null || c.getPorts().isEmpty()) {
            ContainerPort p = new ContainerPort();
            p.setContainerPort(DEFAULT_PORT);
            p.setProtocol("TCP");
            return List.of(p);
        }
        return c.getPorts();
    }

    /** The instance: its listeners, the greeting, and the exit future. */
    private final class Responder extends AbstractContainerInstance {
        private final AtomicBoolean stopping = new AtomicBoolean();
        private volatile List<Channel> channels = List.of();

        Responder(ContainerLaunch launch) {
            super(launch, clock.instant());
        }

        void started(List<Channel> bound) {
            this.channels = List.copyOf(bound);
        }

        String text() {
            return "Hello from pod "
                    + launch.namespace()
                    + "/"
                    + launch.podName()
                    + " (IP "
                    + launch.podIp()
                    + ", node "
                    + launch.nodeName()
                    + ")\n";
        }

        String json(int port, String path) {
            return "{\"pod\":\""
                    + launch.podName()
                    + "\",\"namespace\":\""
                    + launch.namespace()
                    + "\",\"ip\":\""
                    + launch.podIp()
                    + "\",\"node\":\""
                    + launch.nodeName()
                    + "\",\"container\":\""
                    + launch.container().getName()
                    + "\",\"port\":"
                    + port
                    + ",\"path\":\""
                    + jsonEscape(path)
                    + "\"}\n";
        }

        void accessLog(String client, FullHttpRequest req, int status, int bytes) {
            String agent = req.headers().get(HttpHeaderNames.USER_AGENT, "-");
            String line =
                    client
                            + " - - ["
                            + ACCESS_TIME.format(clock.instant())
                            + "] \""
                            + req.method()
                            + " "
                            + req.uri()
                            + " "
                            + req.protocolVersion()
                            + "\" "
                            + status
                            + " "
                            + bytes
                            + " \"-\" \""
                            + agent
                            + "\"\n";
            launch.log()
                    .append(
                            LogStream.STDOUT,
                            clock.instant(),
                            line.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void stop(Duration gracePeriod) {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            CompletableFuture<?>[] closed =
                    channels.stream()
                            .map(BuiltinRuntime::closeFully)
                            .toArray(CompletableFuture[]::new);
            CompletableFuture.allOf(closed)
                    .whenComplete(
                            (v, e) -> {
                                launch.log().close();
                                exit.complete(ExitStatus.of(0, clock.instant()));
                            });
        }

        @Override
        public CompletableFuture<ExecResult> exec(List<String> command, Duration timeout) {
            return execOnHost(command, null, timeout);
        }
    }

    private static final class HttpResponder extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Responder responder;
        private final int port;

        HttpResponder(Responder responder, int port) {
            this.responder = responder;
            this.port = port;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String accept = req.headers().get(HttpHeaderNames.ACCEPT, "");
            boolean json = accept.contains("application/json") || req.uri().contains("format=json");
            String path = req.uri();
            byte[] body =
                    (json ? responder.json(port, path) : responder.text())
                            .getBytes(StandardCharsets.UTF_8);
            FullHttpResponse res =
                    new DefaultFullHttpResponse(
                            req.protocolVersion(),
                            HttpResponseStatus.OK,
                            req.method().equals(HttpMethod.HEAD)
                                    ? Unpooled.EMPTY_BUFFER
                                    : Unpooled.wrappedBuffer(body));
            res.headers()
                    .set(
                            HttpHeaderNames.CONTENT_TYPE,
                            json ? "application/json" : "text/plain; charset=utf-8")
                    .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.SERVER, "j8s-builtin");
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            // A server that closes after this response says so (RFC 9112, 9.6); clients otherwise
            // expect
            // to reuse the connection and see the close as an error.
            res.headers()
                    .set(
                            HttpHeaderNames.CONNECTION,
                            keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            responder.accessLog(
                    remote == null ? "-" : remote.getAddress().getHostAddress(),
                    req,
                    200,
                    body.length);
            ChannelFuture f = ctx.writeAndFlush(res);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static final class UdpEcho extends SimpleChannelInboundHandler<DatagramPacket> {
        private final ContainerLaunch launch;

        UdpEcho(ContainerLaunch launch) {
            this.launch = launch;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf prefix = Unpooled.copiedBuffer(launch.podName() + ": ", StandardCharsets.UTF_8);
            ByteBuf reply = Unpooled.wrappedBuffer(prefix, packet.content().retain());
            ctx.writeAndFlush(new DatagramPacket(reply, packet.sender()));
        }
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
