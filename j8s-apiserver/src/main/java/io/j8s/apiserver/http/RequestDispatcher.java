package io.j8s.apiserver.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection's (or HTTP/2 stream's) pipeline: turns a complete request
 * into an {@link HttpExchange} and runs the {@link HttpHandler} on the worker pool, so the event
 * loop never blocks.
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private final HttpHandler handler;
    private final Executor workers;
    private final ErrorBody errors;
    private final OverloadResponder overload;
    private volatile HttpExchange current;

    /** Answers when the worker pool is saturated. */
    interface OverloadResponder {
        void respond(HttpExchange exchange);
    }

    RequestDispatcher(
            HttpHandler handler, Executor workers, ErrorBody errors, OverloadResponder overload) {
        this.handler = handler;
        this.workers = workers;
        this.errors = errors;
        this.overload = overload;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean http2 = ctx.channel() instanceof Http2StreamChannel;
        if (request.decoderResult().isFailure()) {
            malformed(ctx, request.decoderResult().cause());
            return;
        }
        HttpVersion version = request.protocolVersion();
        if (!http2 && (version.majorVersion() != 1 || version.minorVersion() > 1)) {
            // Netty parses any HTTP/x.y; Go's server (so Kubernetes) answers 505.
            EarlyResponses.closeAfter(
                    ctx.writeAndFlush(
                            EarlyResponses.error(
                                    errors,
                                    505,
                                    "HTTPVersionNotSupported",
                                    "unsupported protocol version " + version.text(),
                                    true)));
            return;
        }
        if (!http2
                && version.equals(HttpVersion.HTTP_1_1)
                && !request.headers().contains(HttpHeaderNames.HOST)) {
            reject(ctx, request, "missing required Host header");
            return;
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        HttpExchange exchange;
        try {
            exchange =
                    new HttpExchange(
                            ctx.channel(),
                            request.method().name(),
                            request.uri(),
                            request.headers(),
                            body,
                            HttpUtil.isKeepAlive(request),
                            peerCertificates(ctx));
        } catch (IllegalArgumentException e) {
            // Netty's QueryStringDecoder: a malformed percent-escape in the path or the query.
            reject(ctx, request, "the request URI is not valid: " + e.getMessage());
            return;
        }
        current = exchange;
        try {
            workers.execute(() -> run(exchange));
        } catch (RejectedExecutionException e) {
            overload.respond(exchange);
        }
    }

    /** A request the decoder could not parse: its connection cannot be read further. */
    private void malformed(ChannelHandlerContext ctx, Throwable cause) {
        boolean tooLong = cause instanceof TooLongFrameException;
        log.atDebug()
                .addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
                .addKeyValue("error", String.valueOf(cause))
                .log("malformed request");
        FullHttpResponse response =
                tooLong
                        ? EarlyResponses.error(
                                errors,
                                431,
                                "RequestHeaderFieldsTooLarge",
                                "the request line and headers are too large: " + cause.getMessage(),
                                true)
                        : EarlyResponses.error(
                                errors,
                                400,
                                "BadRequest",
                                "the request could not be parsed: " + cause.getMessage(),
                                true);
        if (ctx.channel() instanceof Http2StreamChannel) {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // Written past HttpServerKeepAliveHandler, which would close at once and so lose the
        // answer.
        EarlyResponses.closeAfter(
                ctx.pipeline().context(RequestDeadlines.MESSAGE_SIDE).writeAndFlush(response));
    }

    /** A 400 for a request that was read in full: the connection stays usable. */
    private void reject(ChannelHandlerContext ctx, FullHttpRequest request, String message) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        var written =
                ctx.writeAndFlush(
                        EarlyResponses.error(errors, 400, "BadRequest", message, !keepAlive));
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void run(HttpExchange exchange) {
        try {
            handler.handle(exchange);
        } catch (RuntimeException | Error e) {
            log.atError()
                    .setCause(e)
                    .addKeyValue("method", exchange.method())
                    .addKeyValue("uri", exchange.uri())
                    .log("request handler failed");
            if (!exchange.hasResponded()) {
                exchange.respond(
                        500, "text/plain", "internal error\n".getBytes(), java.util.Map.of());
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        HttpExchange exchange = current;
        if (exchange != null && ctx.channel().isWritable()) {
            exchange.channelWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug()
                .addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
                .addKeyValue("error", cause.toString())
                .log("connection error");
        ctx.close();
    }

    private static Certificate[] peerCertificates(ChannelHandlerContext ctx) {
        var channel =
                ctx.channel() instanceof Http2StreamChannel stream
                        ? stream.parent()
                        : ctx.channel();
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            return ssl.engine().getSession().getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
