package io.j8s.apiserver.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty HTTP server under the API: HTTP/1.1, and with TLS also HTTP/2 chosen through ALPN (as
 * kubectl asks). Requests are aggregated (bodies up to {@code maxBodyBytes}) and handed to an {@link
 * HttpHandler} on {@code workers}; the event loops only parse and write.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

    private final InetSocketAddress bindAddress;
    private final Supplier<SslContext> ssl;
    private final HttpHandler handler;
    private final ExecutorService workers;
    private final int maxBodyBytes;
    private final byte[] tooLargeBody;
    private final byte[] overloadedBody;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private Channel serverChannel;

    /**
     * @param ssl the current TLS context (asked per connection, so certificates can be renewed), or
     *     null for plain HTTP
     * @param tooLargeBody the JSON body answered with 413 when a request body exceeds the limit
     * @param overloadedBody the JSON body answered with 429 when the worker pool is saturated
     */
    public HttpServer(InetSocketAddress bindAddress, Supplier<SslContext> ssl, HttpHandler handler,
            ExecutorService workers, int maxBodyBytes, byte[] tooLargeBody, byte[] overloadedBody) {
        this.bindAddress = bindAddress;
        this.ssl = ssl;
        this.handler = handler;
        this.workers = workers;
        this.maxBodyBytes = maxBodyBytes;
        this.tooLargeBody = tooLargeBody;
        this.overloadedBody = overloadedBody;
    }

    /** Binds and starts serving; returns the bound address (useful with port 0). */
    public InetSocketAddress start() throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        bossGroup = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        workerGroup = new MultiThreadIoEventLoopGroup(0,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl == null) {
                            addHttp1(ch.pipeline());
                        } else {
                            ch.pipeline().addLast(ssl.get().newHandler(ch.alloc()));
                            ch.pipeline().addLast(new AlpnHandler());
                        }
                    }
                });
        serverChannel = bootstrap.bind(bindAddress).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        log.atInfo().addKeyValue("address", bound.getAddress().getHostAddress() + ":" + bound.getPort())
                .addKeyValue("tls", ssl != null).addKeyValue("transport", epoll ? "epoll" : "nio")
                .log("HTTP server listening");
        return bound;
    }

    private void addHttp1(ChannelPipeline pipeline) {
        pipeline.addLast(new HttpServerCodec(8192, 64 * 1024, 8192));
        pipeline.addLast(new HttpServerKeepAliveHandler());
        pipeline.addLast(new LimitedAggregator(maxBodyBytes, tooLargeBody));
        pipeline.addLast(newDispatcher());
    }

    private RequestDispatcher newDispatcher() {
        return new RequestDispatcher(handler, workers,
                exchange -> exchange.respond(429, "application/json", overloadedBody,
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
                ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                ctx.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true));
                        stream.pipeline().addLast(new LimitedAggregator(maxBodyBytes, tooLargeBody));
                        stream.pipeline().addLast(newDispatcher());
                    }
                }));
            } else {
                addHttp1(ctx.pipeline());
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            log.atDebug().addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
                    .addKeyValue("error", cause.toString()).log("TLS handshake failed");
            ctx.close();
        }
    }

    /**
     * Aggregates requests, answering 413 with a Status body when one is too large: at once when the
     * Content-Length says so, else when the body passes the limit. The connection (or HTTP/2 stream)
     * stays open and the rest of the body is read and dropped: closing while the client still sends
     * would reset the connection and lose the answer.
     */
    private static final class LimitedAggregator extends HttpObjectAggregator {
        private final byte[] tooLargeBody;

        LimitedAggregator(int maxContentLength, byte[] tooLargeBody) {
            super(maxContentLength);
            this.tooLargeBody = tooLargeBody;
        }

        private FullHttpResponse tooLarge() {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(tooLargeBody));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, tooLargeBody.length);
            return response;
        }

        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            Object response = super.newContinueResponse(start, maxContentLength, pipeline);
            if (response instanceof FullHttpResponse full
                    && full.status().equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)) {
                full.release();
                return tooLarge();
            }
            return response;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.writeAndFlush(tooLarge());
        }
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (workerGroup != null) {
            workerGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
