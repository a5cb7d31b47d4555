package io.j8s.node.metrics;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code GET /metrics/resource} on the node endpoint: the scrape runs on an executor (it
 * reads {@code /proc}), the answer is written back on the connection's event loop.
 */
public final class ResourceMetricsResponder {

    private static final Logger log = LoggerFactory.getLogger(ResourceMetricsResponder.class);
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private ResourceMetricsResponder() {}

    /**
     * Starts the answer to {@code req} (the request is not kept: it is released when this returns).
     */
    public static void respond(
            ChannelHandlerContext ctx,
            FullHttpRequest req,
            Supplier<String> source,
            Executor executor) {
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        CompletableFuture<String> scrape;
        try {
            scrape = CompletableFuture.supplyAsync(source, executor);
        } catch (RejectedExecutionException e) {
            scrape = CompletableFuture.failedFuture(e);
        }
        scrape.whenComplete(
                (text, error) ->
                        ctx.executor()
                                .execute(
                                        () -> {
                                            HttpResponseStatus status = HttpResponseStatus.OK;
                                            String body = text;
                                            String type = CONTENT_TYPE;
                                            if (error != null) {
                                                log.atWarn()
                                                        .addKeyValue("error", error.toString())
                                                        .log("resource metrics scrape failed");
                                                status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
                                                body =
                                                        "reading the resource metrics failed: "
                                                                + error.getMessage()
                                                                + "\n";
                                                type = "text/plain; charset=utf-8";
                                            }
                                            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                                            FullHttpResponse res =
                                                    new DefaultFullHttpResponse(
                                                            version,
                                                            status,
                                                            Unpooled.wrappedBuffer(bytes));
                                            res.headers()
                                                    .set(HttpHeaderNames.CONTENT_TYPE, type)
                                                    .set(
                                                            HttpHeaderNames.CONTENT_LENGTH,
                                                            bytes.length);
                                            if (keepAlive) {
                                                res.headers()
                                                        .set(
                                                                HttpHeaderNames.CONNECTION,
                                                                HttpHeaderValues.KEEP_ALIVE);
                                            }
                                            var written = ctx.writeAndFlush(res);
                                            if (!keepAlive) {
                                                written.addListener(ChannelFutureListener.CLOSE);
                                            }
                                        }));
    }
}
