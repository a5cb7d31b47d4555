package io.j8s.apiserver.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty HTTP server under the API: HTTP/1.1, and with TLS also HTTP/2 chosen through ALPN (as
 * kubectl asks). Requests are aggregated (bodies up to {@link HttpLimits#maxBodyBytes()}) and
 * handed to an {@link HttpHandler} on {@code workers}; the event loops only parse and write.
 * Requests too large, too slow or malformed are answered here, each with a Status (see
 * docs/architecture.md, "Request limits").
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private final InetSocketAddress bindAddress;
    private final Supplier<SslContext> ssl;
    private final HttpHandler handler;
    private final ExecutorService workers;
    private final HttpLimits limits;
    private final ErrorBody errors;
    private final byte[] overloadedBody;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;
    private EventLoopGroup inProcessGroup;
    private Channel inProcessChannel;

    /**
     * @param ssl the current TLS context (asked per connection, so certificates can be renewed), or
     *     null for plain HTTP
     * @param errors encodes the Status of the errors answered here (413, 408, 431, 400)
     * @param overloadedBody the JSON body answered with 429 when the worker pool is saturated
     */
    public HttpServer(
            InetSocketAddress bindAddress,
            Supplier<SslContext> ssl,
            HttpHandler handler,
            ExecutorService workers,
            HttpLimits limits,
            ErrorBody errors,
            byte[] overloadedBody) {
        this.bindAddress = bindAddress;
        this.ssl = ssl;
        this.handler = handler;
        this.workers = workers;
        this.limits = limits;
        this.errors = errors;
        this.overloadedBody = overloadedBody;
    }

    /** Binds and starts serving; returns the bound address (useful with port 0). */
    public InetSocketAddress start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        bossGroup =
                new MultiThreadIoEventLoopGroup(
                        1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        workerGroup =
                new MultiThreadIoEventLoopGroup(
                        0, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ServerBootstrap bootstrap =
                new ServerBootstrap()
                        .group(bossGroup, workerGroup)
                        .channel(
                                epoll
                                        ? EpollServerSocketChannel.class
                                        : NioServerSocketChannel.class)
                        .option(ChannelOption.SO_BACKLOG, 1024)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(
                                ChannelOption.WRITE_BUFFER_WATER_MARK,
                                new WriteBufferWaterMark(512 * 1024, 4 << 20))
                        .childHandler(
                                new ChannelInitializer<SocketChannel>() {
                                    @Override
                                    protected void initChannel(SocketChannel ch) {
                                        if (ssl == null) {
                                            addHttp1(ch.pipeline());
                                        } else {
                                            SslHandler tls = ssl.get().newHandler(ch.alloc());
                                            tls.setHandshakeTimeoutMillis(
                                                    limits.handshakeTimeout().toMillis());
                                            ch.pipeline().addLast(new PlainHttpOnTls());
                                            ch.pipeline().addLast(tls);
                                            ch.pipeline().addLast(new AlpnHandler());
                                        }
                                    }
                                });
        serverChannel = bootstrap.bind(bindAddress).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        log.atInfo()
                .addKeyValue("address", bound.getAddress().getHostAddress() + ":" + bound.getPort())
                .addKeyValue("tls", ssl != null)
                .addKeyValue("transport", epoll ? "epoll" : "nio")
                .log("HTTP server listening");
        return bound;
    }

    /**
     * Also serves the in-process listener: a Netty local (in-VM) server channel at an address
     * unique to this server, with the HTTP/1.1 pipeline of the TCP listener minus TLS, ALPN and
     * HTTP/2 (same limits, body limiter, deadlines and dispatcher), for the clients of this
     * process's own components (docs/architecture.md, "Components"). Its requests say {@link
     * HttpExchange#inProcess()}. Call after {@link #start()}; closed by {@link #close()}.
     */
    public LocalAddress startInProcess() throws InterruptedException {
        // one thread: the in-VM "I/O" is a queue hand-off; parsing and writing only
        inProcessGroup = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        ServerBootstrap bootstrap =
                new ServerBootstrap()
                        .group(inProcessGroup)
                        .channel(LocalServerChannel.class)
                        .childOption(
                                ChannelOption.WRITE_BUFFER_WATER_MARK,
                                new WriteBufferWaterMark(512 * 1024, 4 << 20))
                        .childHandler(
                                new ChannelInitializer<LocalChannel>() {
                                    @Override
                                    protected void initChannel(LocalChannel ch) {
                                        addHttp1(ch.pipeline());
                                    }
                                });
        LocalAddress address = new LocalAddress(HttpServer.class);
        inProcessChannel = bootstrap.bind(address).sync().channel();
        log.atInfo().addKeyValue("address", address.id()).log("in-process listener bound");
        return (LocalAddress) inProcessChannel.localAddress();
    }

    private void addHttp1(ChannelPipeline pipeline) {
        RequestDeadlines deadlines = new RequestDeadlines(limits, errors);
        pipeline.addLast(deadlines.rawSide());
        // The request line counts against the header limit too, as in Go's MaxHeaderBytes.
        pipeline.addLast(
                new HttpServerCodec(limits.maxHeaderBytes(), limits.maxHeaderBytes(), 8192));
        pipeline.addLast(RequestDeadlines.MESSAGE_SIDE, deadlines.messageSide());
        pipeline.addLast(new HttpServerKeepAliveHandler());
        pipeline.addLast(new BodyLimiter());
        pipeline.addLast(newDispatcher());
    }

    private RequestDispatcher newDispatcher() {
        return new RequestDispatcher(
                handler,
                workers,
                errors,
                exchange ->
                        exchange.respond(
                                429,
                                "application/json",
                                overloadedBody,
                                java.util.Map.of("Retry-After", "1")));
    }

    /** Picks HTTP/2 or HTTP/1.1 after the TLS handshake. */
    private final class AlpnHandler extends ApplicationProtocolNegotiationHandler {
        AlpnHandler() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                RequestDeadlines.Http2Connection connection =
                        RequestDeadlines.http2Connection(limits);
                ctx.pipeline()
                        .addLast(
                                Http2FrameCodecBuilder.forServer()
                                        .initialSettings(
                                                Http2Settings.defaultSettings()
                                                        .maxHeaderListSize(limits.maxHeaderBytes()))
                                        .build());
                ctx.pipeline().addLast(connection);
                ctx.pipeline()
                        .addLast(
                                new Http2MultiplexHandler(
                                        new ChannelInitializer<Http2StreamChannel>() {
                                            @Override
                                            protected void initChannel(Http2StreamChannel stream) {
                                                connection.streamOpened(stream);
                                                stream.pipeline()
                                                        .addLast(
                                                                new Http2StreamFrameToHttpObjectCodec(
                                                                        true));
                                                stream.pipeline()
                                                        .addLast(
                                                                RequestDeadlines.http2Stream(
                                                                        limits, errors));
                                                stream.pipeline().addLast(new BodyLimiter());
                                                stream.pipeline().addLast(newDispatcher());
                                            }
                                        }));
                ctx.pipeline().addLast(new ConnectionErrors());
            } else {
                addHttp1(ctx.pipeline());
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug()
                    .addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
                    .addKeyValue("error", cause.toString())
                    .log("TLS handshake failed");
            ctx.close();
        }
    }

    /**
     * Answers a plain HTTP request sent to the TLS port with a 400, in clear, as Go's server (so
     * Kubernetes) does, rather than a connection closed by the failed handshake; a TLS record goes
     * on to the {@link SslHandler}.
     */
    private final class PlainHttpOnTls extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            if (in.readableBytes() < 5) {
                return; // a TLS record header
            }
            if (SslHandler.isEncrypted(in, false)) {
                ctx.pipeline().remove(this);
                return;
            }
            in.skipBytes(in.readableBytes());
            byte[] body =
                    errors.encode(
                            400, "BadRequest", "Client sent an HTTP request to an HTTPS server.");
            ByteBuf response = ctx.alloc().buffer(body.length + 128);
            response.writeCharSequence(
                    "HTTP/1.0 400 Bad Request\r\nContent-Type: application/json\r\n"
                            + "Content-Length: "
                            + body.length
                            + "\r\nConnection: close\r\n\r\n",
                    StandardCharsets.US_ASCII);
            response.writeBytes(body);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Ends an HTTP/2 connection on an I/O error (a reset by the client, most often) without a
     * warning.
     */
    private static final class ConnectionErrors extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug()
                    .addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
                    .addKeyValue("error", cause.toString())
                    .log("connection error");
            ctx.close();
        }
    }

    /**
     * Aggregates requests, answering 413 with a Status body when one is too large: at once when the
     * Content-Length says so, else when the body passes the limit. What the client still sends is
     * read and dropped only up to twice the limit in all, so that a client that reads its answer
     * only after sending everything (the JDK's HttpClient) still gets it: an HTTP/1.1 connection
     * whose Content-Length says more (or a chunked body, of unknown length) is closed after the
     * answer, and an HTTP/2 stream past that much is reset with NO_ERROR ("stop sending", RFC 9113
     * 8.1, as Go's server does once a handler is done).
     */
    private final class BodyLimiter extends HttpObjectAggregator {
        /** Bytes dropped after an HTTP/2 413, or -1 when not dropping. */
        private long dropped = -1;

        BodyLimiter() {
            // closeOnExpectationFailed: a client that waits for "100 Continue" has sent no body yet
            super(limits.maxBodyBytes(), true);
        }

        private FullHttpResponse tooLarge(boolean close) {
            return EarlyResponses.error(
                    errors,
                    413,
                    "RequestEntityTooLarge",
                    "the request is too large: limit is " + limits.maxBodyBytes() + " bytes",
                    close);
        }

        @Override
        protected Object newContinueResponse(
                HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            Object response = super.newContinueResponse(start, maxContentLength, pipeline);
            if (response instanceof FullHttpResponse full
                    && full.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
                full.release();
                return tooLarge(true);
            }
            return response;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (dropped >= 0 && msg instanceof HttpContent content) {
                dropped += content.content().readableBytes();
                if (dropped > 2L * limits.maxBodyBytes()) {
                    dropped = -1;
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
                }
            }
            super.channelRead(ctx, msg);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            long declared = HttpUtil.getContentLength(oversized, -1L);
            if (ctx.channel() instanceof Http2StreamChannel) {
                var answered = ctx.writeAndFlush(tooLarge(false));
                if (declared > 2L * limits.maxBodyBytes()) {
                    // Only once the answer is out: a reset drops the stream's DATA still queued by
                    // flow control.
                    answered.addListener(
                            f ->
                                    ctx.writeAndFlush(
                                            new DefaultHttp2ResetFrame(Http2Error.NO_ERROR)));
                } else {
                    dropped =
                            oversized instanceof HttpContent received
                                    ? received.content().readableBytes()
                                    : 0;
                }
                return;
            }
            if (declared >= 0 && declared <= 2L * limits.maxBodyBytes()) {
                ctx.writeAndFlush(tooLarge(false));
                return;
            }
            // Written past HttpServerKeepAliveHandler, which would close at once and so lose the
            // answer.
            ChannelHandlerContext encoder = ctx.pipeline().context(RequestDeadlines.MESSAGE_SIDE);
            EarlyResponses.closeAfter(encoder.writeAndFlush(tooLarge(true)));
        }
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        if (inProcessChannel != null) {
            inProcessChannel.close().awaitUninterruptibly();
        }
        if (inProcessGroup != null) {
            inProcessGroup
                    .shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
                    .awaitUninterruptibly();
        }
        if (bossGroup != null) {
            bossGroup
                    .shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
                    .awaitUninterruptibly();
        }
        if (workerGroup != null) {
            workerGroup
                    .shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS)
                    .awaitUninterruptibly();
        }
    }
}
