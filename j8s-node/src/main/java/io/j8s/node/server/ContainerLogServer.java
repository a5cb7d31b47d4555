package io.j8s.node.server;

import io.j8s.node.logs.ContainerLog;
import io.j8s.node.logs.ContainerLogRegistry;
import io.j8s.node.logs.ContainerLogs;
import io.j8s.node.logs.LogEntry;
import io.j8s.node.logs.LogQuery;
import io.j8s.node.stream.StreamEndpoint;
import io.j8s.node.stream.StreamLimits;
import io.j8s.node.stream.portforward.PortForwardEndpoint;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP(S) endpoint for container logs, shaped like the kubelet's so the API server can
 * proxy {@code pods/{name}/log} to it:
 *
 * <pre>
 * GET /containerLogs/{namespace}/{pod}/{container}?follow=&amp;tailLines=&amp;previous=&amp;timestamps=&amp;limitBytes=&amp;sinceSeconds=&amp;sinceTime=
 * </pre>
 *
 * <ul>
 *   <li>200 {@code text/plain}: the log; with {@code follow=true} the response is chunked and stays
 *       open until the container instance ends (or {@code limitBytes} is reached);
 *   <li>400 when the container has no such instance yet ({@code ... is waiting to start: ...}) or
 *       no previous instance, or a parameter is malformed;
 *   <li>404 when the Pod or container is not on this node;
 *   <li>401/403 as the {@link NodeEndpointAuthenticator} decides.
 * </ul>
 *
 * The same server answers {@code /exec/...} and {@code /attach/...} over WebSocket ({@link
 * StreamEndpoint}). Also {@code GET /healthz} → {@code ok}, and {@code
 * /portForward/{namespace}/{pod}?port=N} (a WebSocket, {@link PortForwardEndpoint}). TLS is on when
 * an {@link SslContext} is given. A slow follower is served only as fast as its socket drains
 * (back-pressure via channel writability); lines dropped from the ring meanwhile are skipped.
 * Thread-safe; nothing blocks an event loop.
 */
public final class ContainerLogServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ContainerLogServer.class);

    private final InetSocketAddress bindAddress;
    private final ContainerLogRegistry registry;
    private final SslContext sslContext;
    private final NodeEndpointAuthenticator authenticator;
    private final Clock clock;
    private final EventLoopGroup group;
    private final PortForwardEndpoint portForward;
    private final StreamEndpoint streams;
    private volatile Channel channel;
    private volatile java.util.function.Supplier<String> resourceMetrics;
    private volatile java.util.concurrent.Executor resourceMetricsExecutor;

    /**
     * @param sslContext server TLS context, or null for plain HTTP
     * @param group event loops to run on (not closed by {@link #close()})
     */
    public ContainerLogServer(
            InetSocketAddress bindAddress,
            ContainerLogRegistry registry,
            SslContext sslContext,
            NodeEndpointAuthenticator authenticator,
            Clock clock,
            EventLoopGroup group) {
        this(
                bindAddress,
                registry,
                sslContext,
                authenticator,
                clock,
                group,
                StreamLimits.defaults());
    }

    /** With the bounds of the exec/attach streams ({@code /exec}, {@code /attach}). */
    public ContainerLogServer(
            InetSocketAddress bindAddress,
            ContainerLogRegistry registry,
            SslContext sslContext,
            NodeEndpointAuthenticator authenticator,
            Clock clock,
            EventLoopGroup group,
            StreamLimits streamLimits) {
        this.streams = new StreamEndpoint(streamLimits);
        this.bindAddress = bindAddress;
        this.registry = registry;
        this.sslContext = sslContext;
        this.authenticator = authenticator;
        this.clock = clock;
        this.group = group;
        this.portForward = new PortForwardEndpoint(registry);
    }

    /** Binds the listener; blocks until bound. */
    public ContainerLogServer start() throws InterruptedException {
        ChannelFuture f =
                new ServerBootstrap()
                        .group(group)
                        .channel(NioServerSocketChannel.class)
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        if (sslContext != null) {
                                            ch.pipeline()
                                                    .addLast(sslContext.newHandler(ch.alloc()));
                                        }
                                        ch.pipeline()
                                                .addLast(new HttpServerCodec())
                                                .addLast(new HttpObjectAggregator(16 * 1024))
                                                .addLast(new Handler());
                                    }
                                })
                        .bind(bindAddress)
                        .sync();
        channel = f.channel();
        log.info("container log endpoint listening on {}", channel.localAddress());
        return this;
    }

    /**
     * Also serves {@code GET /metrics/resource} (the kubelet's resource metrics, Prometheus text)
     * from {@code source}, called on {@code executor} (it reads files; never on an event loop).
     */
    public ContainerLogServer serveResourceMetrics(
            java.util.function.Supplier<String> source, java.util.concurrent.Executor executor) {
        this.resourceMetricsExecutor = executor;
        this.resourceMetrics = source;
        return this;
    }

    /** The bound address (the port is the real one when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private Follower follower;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            SSLSession session = ssl == null ? null : ssl.engine().getSession();
            NodeEndpointAuthenticator.Decision d = authenticator.authenticate(req, session);
            if (!d.allowed()) {
                respond(ctx, req, HttpResponseStatus.valueOf(d.status()), d.message());
                return;
            }
            if (req.uri().startsWith(PortForwardEndpoint.PREFIX)) {
                portForward.handle(ctx, req);
                return;
            }
            QueryStringDecoder streamQuery = new QueryStringDecoder(req.uri());
            if (StreamEndpoint.handles(streamQuery.path())) {
                streams.serve(
                        ctx,
                        req,
                        streamQuery.path(),
                        streamQuery.parameters(),
                        registry::pod,
                        (status, message) -> respondStreamError(ctx, req, status, message));
                return;
            }
            if (!req.method().equals(HttpMethod.GET)) {
                respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET is supported");
                return;
            }
            QueryStringDecoder qs = new QueryStringDecoder(req.uri());
            String path = qs.path();
            if (path.equals("/healthz")) {
                respond(ctx, req, HttpResponseStatus.OK, "ok");
                return;
            }
            if (path.equals("/metrics/resource") && resourceMetrics != null) {
                io.j8s.node.metrics.ResourceMetricsResponder.respond(
                        ctx, req, resourceMetrics, resourceMetricsExecutor);
                return;
            }
            String[] parts = path.split("/");
            if (parts.length != 5 || !parts[1].equals("containerLogs")) {
                respond(ctx, req, HttpResponseStatus.NOT_FOUND, "404 page not found");
                return;
            }
            String ns = parts[2];
            String pod = parts[3];
            String container = parts[4];
            LogQuery query;
            try {
                query = parseQuery(qs.parameters());
            } catch (IllegalArgumentException e) {
                respond(ctx, req, HttpResponseStatus.BAD_REQUEST, e.getMessage());
                return;
            }
            Optional<Map<String, ContainerLogs>> podLogs = registry.pod(ns, pod);
            if (podLogs.isEmpty()) {
                respond(
                        ctx,
                        req,
                        HttpResponseStatus.NOT_FOUND,
                        "pod \"" + pod + "\" in namespace \"" + ns + "\" is not on this node");
                return;
            }
            ContainerLogs logs = podLogs.get().get(container);
            if (logs == null) {
                respond(
                        ctx,
                        req,
                        HttpResponseStatus.NOT_FOUND,
                        "container \"" + container + "\" in pod \"" + pod + "\" not found");
                return;
            }
            ContainerLog target = query.previous() ? logs.previous() : logs.current();
            if (target == null) {
                String msg =
                        query.previous()
                                ? "previous terminated container \""
                                        + container
                                        + "\" in pod \""
                                        + pod
                                        + "\" not found"
                                : "container \""
                                        + container
                                        + "\" in pod \""
                                        + pod
                                        + "\" is waiting to start: "
                                        + (logs.waitingReason() == null
                                                ? "ContainerCreating"
                                                : logs.waitingReason());
                respond(ctx, req, HttpResponseStatus.BAD_REQUEST, msg);
                return;
            }
            if (!query.follow() || query.previous()) {
                byte[] body = target.read(query);
                FullHttpResponse res =
                        new DefaultFullHttpResponse(
                                req.protocolVersion(),
                                HttpResponseStatus.OK,
                                Unpooled.wrappedBuffer(body));
                res.headers()
                        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                        .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
                finish(ctx, req, res);
                return;
            }
            follower = new Follower(ctx, target, query);
            follower.start();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (follower != null && ctx.channel().isWritable()) {
                follower.drain();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (follower != null) {
                follower.stop();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("log endpoint connection failed", cause);
            ctx.close();
        }
    }

    private LogQuery parseQuery(Map<String, List<String>> p) {
        Instant since = null;
        Long sinceSeconds = longParam(p, "sinceSeconds");
        if (sinceSeconds != null) {
            if (sinceSeconds < 1) {
                throw new IllegalArgumentException(
                        "sinceSeconds must be >= 1, was " + sinceSeconds);
            }
            since = clock.instant().minusSeconds(sinceSeconds);
        }
        String sinceTime = first(p, "sinceTime");
        if (sinceTime != null) {
            try {
                since = Instant.parse(sinceTime);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("sinceTime must be RFC 3339, was " + sinceTime);
            }
        }
        Long tail = longParam(p, "tailLines");
        return new LogQuery(
                boolParam(p, "follow"),
                tail == null ? null : (int) Math.min(Integer.MAX_VALUE, tail),
                boolParam(p, "previous"),
                boolParam(p, "timestamps"),
                longParam(p, "limitBytes"),
                since);
    }

    private static String first(Map<String, List<String>> p, String name) {
        List<String> v = p.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static boolean boolParam(Map<String, List<String>> p, String name) {
        String v = first(p, name);
        if (v == null || v.isEmpty()) {
            return false;
        }
        if (v.equals("true") || v.equals("1")) {
            return true;
        }
        if (v.equals("false") || v.equals("0")) {
            return false;
        }
        throw new IllegalArgumentException(name + " must be true or false, was " + v);
    }

    private static Long longParam(Map<String, List<String>> p, String name) {
        String v = first(p, name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was " + v);
        }
    }

    private static void respond(
            ChannelHandlerContext ctx,
            FullHttpRequest req,
            HttpResponseStatus status,
            String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res =
                new DefaultFullHttpResponse(
                        req.protocolVersion(), status, Unpooled.wrappedBuffer(body));
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        finish(ctx, req, res);
    }

    /**
     * An exec/attach refusal: the message also goes in {@link StreamEndpoint#ERROR_HEADER}, since a
     * WebSocket client (the API server's) sees the headers of a failed upgrade, not its body.
     */
    private static void respondStreamError(
            ChannelHandlerContext ctx, FullHttpRequest req, int status, String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res =
                new DefaultFullHttpResponse(
                        req.protocolVersion(),
                        HttpResponseStatus.valueOf(status),
                        Unpooled.wrappedBuffer(body));
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(StreamEndpoint.ERROR_HEADER, text.replaceAll("[^\\x20-\\x7e]", "?"));
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }

    private static void finish(
            ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        ChannelFuture f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Streams one container log to one connection. Runs on the connection's event loop. */
    private static final class Follower {
        private final ChannelHandlerContext ctx;
        private final ContainerLog log;
        private final LogQuery query;
        private long lastSeq;
        private long remaining;
        private AutoCloseable subscription;
        private boolean done;

        Follower(ChannelHandlerContext ctx, ContainerLog log, LogQuery query) {
            this.ctx = ctx;
            this.log = log;
            this.query = query;
            this.remaining = query.limitBytes() == null ? Long.MAX_VALUE : query.limitBytes();
        }

        void start() {
            HttpResponse head =
                    new DefaultHttpResponse(
                            io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                            HttpResponseStatus.OK);
            head.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.write(head);
            ContainerLog.Selection sel = log.selectForFollow(query);
            lastSeq = sel.lastSeq();
            for (LogEntry e : sel.entries()) {
                if (!write(e)) {
                    break;
                }
            }
            ctx.flush();
            if (done) {
                return;
            }
            subscription = log.onChange(() -> ctx.executor().execute(this::drain));
            drain();
        }

        void drain() {
            if (done) {
                return;
            }
            if (!ctx.channel().isActive()) {
                stop();
                return;
            }
            boolean closed = log.isClosed(); // read before the entries: nothing can follow a close
            List<LogEntry> next = log.after(lastSeq);
            for (LogEntry e : next) {
                if (!ctx.channel().isWritable()) {
                    ctx.flush();
                    return; // resumed by channelWritabilityChanged
                }
                lastSeq = e.seq();
                if (!write(e)) {
                    ctx.flush();
                    return;
                }
            }
            ctx.flush();
            if (closed) {
                end();
            }
        }

        /** Writes one entry; false once the byte limit ended the stream. */
        private boolean write(LogEntry e) {
            byte[] b = ContainerLog.render(e, query.timestamps());
            int n = (int) Math.min(b.length, remaining);
            ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(b, 0, n)));
            remaining -= n;
            if (remaining <= 0) {
                end();
                return false;
            }
            return true;
        }

        private void end() {
            if (done) {
                return;
            }
            done = true;
            stop();
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        }

        void stop() {
            done = true;
            if (subscription != null) {
                try {
                    subscription.close();
                } catch (Exception e) {
                    // removing a listener cannot fail
                }
            }
        }
    }
}
