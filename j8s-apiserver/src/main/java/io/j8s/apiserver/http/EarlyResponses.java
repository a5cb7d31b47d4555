package io.j8s.apiserver.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.TimeUnit;

/** Errors the HTTP layer answers itself, and closing a connection without losing that answer. */
final class EarlyResponses {
    /**
     * How long a connection being closed after an early answer is kept half-open (as Go's {@code
     * net/http} server does), so that a client still sending its request reads the answer before
     * the close resets the connection.
     */
    private static final long LINGER_MILLIS = 1000;

    private EarlyResponses() {}

    /** A complete JSON error response; {@code close} adds {@code Connection: close}. */
    static FullHttpResponse error(
            ErrorBody errors, int code, String reason, String message, boolean close) {
        byte[] body = errors.encode(code, reason, message);
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(code),
                        Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /**
     * Closes an HTTP/1.1 connection once {@code written} (the answer) is sent, without reading
     * whatever the client still sends: the server's side is shut (TLS close_notify, then FIN),
     * nothing more is read, and the socket is closed {@link #LINGER_MILLIS} later.
     */
    static void closeAfter(ChannelFuture written) {
        Channel channel = written.channel();
        written.addListener(
                f -> {
                    channel.config().setAutoRead(false);
                    if (!f.isSuccess() || !channel.isActive()) {
                        channel.close();
                        return;
                    }
                    SslHandler ssl = channel.pipeline().get(SslHandler.class);
                    if (ssl != null) {
                        ssl.closeOutbound().addListener(sent -> shutdownOutput(channel));
                    } else {
                        shutdownOutput(channel);
                    }
                    channel.eventLoop()
                            .schedule(
                                    () -> {
                                        channel.close();
                                    },
                                    LINGER_MILLIS,
                                    TimeUnit.MILLISECONDS);
                });
    }

    private static void shutdownOutput(Channel channel) {
        if (channel instanceof DuplexChannel duplex && channel.isActive()) {
            duplex.shutdownOutput();
        }
    }
}
