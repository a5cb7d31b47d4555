package io.j8s.apiserver.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.Certificate;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of every connection's (or HTTP/2 stream's) pipeline: turns a complete request into
 * an {@link HttpExchange} and runs the {@link HttpHandler} on the worker pool, so the event loop never
 * blocks.
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);

    private final HttpHandler handler;
    private final Executor workers;
    private final OverloadResponder overload;
    private volatile HttpExchange current;

    /** Answers when the worker pool is saturated. */
    interface OverloadResponder {
        void respond(HttpExchange exchange);
    }

    RequestDispatcher(HttpHandler handler, Executor workers, OverloadResponder overload) {
        this.handler = handler;
        this.workers = workers;
        this.overload = overload;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        byte[] body = ByteBufUtil.getBytes(request.content());
        HttpExchange exchange = new HttpExchange(ctx.channel(), request.method().name(), request.uri(),
                request.headers(), body, HttpUtil.isKeepAlive(request), peerCertificates(ctx));
        current = exchange;
        try {
            workers.execute(() -> run(exchange));
        } catch (RejectedExecutionException e) {
            overload.respond(exchange);
        }
    }

    private void run(HttpExchange exchange) {
        try {
            handler.handle(exchange);
        } catch (RuntimeException | Error e) {
            log.atError().setCause(e).addKeyValue("method", exchange.method()).addKeyValue("uri", exchange.uri())
                    .log("request handler failed");
            if (!exchange.hasResponded()) {
                exchange.respond(500, "text/plain", "internal error\n".getBytes(), java.util.Map.of());
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
        log.atDebug().addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
                .addKeyValue("error", cause.toString()).log("connection error");
        ctx.close();
    }

    private static Certificate[] peerCertificates(ChannelHandlerContext ctx) {
        var channel = ctx.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel stream
                ? stream.parent() : ctx.channel();
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
