package io.j8s.apiserver.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One HTTP request and its response, independent of HTTP/1.1 or HTTP/2. Either {@link #respond} is
 * called once, or {@link #stream} once followed by writes and {@link ResponseStream#end()}.
 *
 * <p>Thread safety: methods may be called from any thread; Netty serializes the writes.
 */
public final class HttpExchange {
    private final Channel channel;
    private final String method;
    private final String uri;
    private final String path;
    private final Map<String, List<String>> query;
    private final HttpHeaders headers;
    private final byte[] body;
    private final boolean keepAlive;
    private final Certificate[] peerCertificates;
    private final AtomicBoolean responded = new AtomicBoolean();
    private volatile Runnable onWritable;
    private volatile int status;
    private final java.util.Map<Class<?>, Object> attachments =
            new java.util.concurrent.ConcurrentHashMap<>();

    HttpExchange(
            Channel channel,
            String method,
            String uri,
            HttpHeaders headers,
            byte[] body,
            boolean keepAlive,
            Certificate[] peerCertificates) {
        this.channel = channel;
        this.method = method;
        this.uri = uri;
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        this.path = decoder.path();
        this.query = decoder.parameters();
        this.headers = headers;
        this.body = body;
        this.keepAlive = keepAlive;
        this.peerCertificates = peerCertificates;
    }

    /** Whether this exchange is one stream of an HTTP/2 connection. */
    private boolean isHttp2() {
        return channel instanceof io.netty.handler.codec.http2.Http2StreamChannel;
    }

    public String method() {
        return method;
    }

    /** The request URI as sent (path and query). */
    public String uri() {
        return uri;
    }

    /** The decoded path. */
    public String path() {
        return path;
    }

    /** Every value of a query parameter, in order (empty when absent). */
    public List<String> queries(String name) {
        List<String> values = query.get(name);
        return values == null ? List.of() : List.copyOf(values);
    }

    /** The first value of a query parameter, or null. */
    public String query(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String header(String name) {
        return headers.get(name);
    }

    public HttpHeaders headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }

    public SocketAddress remoteAddress() {
        SocketAddress address = channel.remoteAddress();
        if (address == null && isHttp2()) {
            address = channel.parent().remoteAddress();
        }
        return address;
    }

    /**
     * The client's IP as text, or "" when unknown; "127.0.0.1" for a request over the in-process
     * listener (a client of this process, as kube-apiserver's loopback client connects from
     * loopback).
     */
    public String remoteIp() {
        if (inProcess()) {
            return "127.0.0.1";
        }
        return remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : "";
    }

    /**
     * Whether the request came over the in-process listener ({@link HttpServer#startInProcess()}):
     * from a component of this process, never from the network.
     */
    public boolean inProcess() {
        return channel instanceof io.netty.channel.local.LocalChannel;
    }

    /**
     * The client certificate chain the client presented over TLS (it proved possession of the key;
     * verifying the chain is the authenticator's job), or null.
     */
    public Certificate[] peerCertificates() {
        return peerCertificates;
    }

    /** Attaches {@code value} to this request (e.g. the authenticated user, for admission). */
    public <T> void attach(Class<T> type, T value) {
        attachments.put(type, value);
    }

    /** What was attached under {@code type}, or null. */
    public <T> T attachment(Class<T> type) {
        return type.cast(attachments.get(type));
    }

    public boolean hasResponded() {
        return responded.get();
    }

    /** The response status sent (0 before a response started). */
    public int status() {
        return status;
    }

    /** Sends a complete response. */
    public void respond(
            int status, String contentType, byte[] content, Map<String, String> extraHeaders) {
        respond(status, contentType, Unpooled.wrappedBuffer(content), extraHeaders);
    }

    /** Sends a complete response whose body is {@code content} (released by Netty). */
    public void respond(
            int status, String contentType, ByteBuf content, Map<String, String> extraHeaders) {
        if (!responded.compareAndSet(false, true)) {
            content.release();
            throw new IllegalStateException("response already sent for " + method + " " + uri);
        }
        this.status = status;
        FullHttpResponse response =
                new DefaultFullHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), content);
        HttpHeaders h = response.headers();
        if (contentType != null) {
            h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        extraHeaders.forEach(h::set);
        HttpUtil.setContentLength(response, content.readableBytes());
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var future = channel.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Whether the client asked to switch this request to a WebSocket (as fabric8's watches do). */
    public boolean isWebSocketUpgrade() {
        return !isHttp2()
                && "websocket".equalsIgnoreCase(headers.get(HttpHeaderNames.UPGRADE))
                && headers.containsValue(
                        HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /**
     * Why this WebSocket upgrade request cannot be completed (to be answered 400), or null: it must
     * be a GET with a {@code Sec-WebSocket-Key} and version 13 (RFC 6455), the only version
     * Kubernetes speaks.
     */
    public String webSocketHandshakeProblem() {
        if (!"GET".equals(method)) {
            return "a WebSocket upgrade must be a GET request, got " + method;
        }
        String version = headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (!"13".equals(version == null ? null : version.trim())) {
            return version == null
                    ? "the WebSocket upgrade has no Sec-WebSocket-Version header: version 13 is supported"
                    : "WebSocket version \"" + version + "\" is not supported: version 13 is";
        }
        String key = headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key == null || key.isBlank()) {
            return "the WebSocket upgrade has no Sec-WebSocket-Key header";
        }
        return null;
    }

    /**
     * Completes the WebSocket handshake (check {@link #webSocketHandshakeProblem()} first); the
     * returned stream sends each write as one text message and {@link ResponseStream#end()} closes
     * the socket normally.
     */
    public ResponseStream upgradeToWebSocket() {
        if (!responded.compareAndSet(false, true)) {
            throw new IllegalStateException("response already sent for " + method + " " + uri);
        }
        this.status = 101;
        String scheme =
                channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null
                        ? "ws"
                        : "wss";
        WebSocketServerHandshakerFactory factory =
                new WebSocketServerHandshakerFactory(
                        scheme + "://" + headers.get(HttpHeaderNames.HOST) + uri,
                        "base64.binary.k8s.io,v4.binary.k8s.io",
                        true,
                        1 << 20);
        FullHttpRequest request =
                new DefaultFullHttpRequest(
                        HttpVersion.HTTP_1_1,
                        io.netty.handler.codec.http.HttpMethod.valueOf(method),
                        uri,
                        Unpooled.EMPTY_BUFFER,
                        headers,
                        io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        WebSocketServerHandshaker handshaker = factory.newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(channel);
            return new ResponseStream(false);
        }
        channel.eventLoop()
                .execute(
                        () -> {
                            handshaker.handshake(channel, request);
                            channel.pipeline().addLast(new WebSocketControlHandler(handshaker));
                        });
        return new ResponseStream(true);
    }

    /**
     * Answers 101 Switching Protocols with {@code headers} (an HTTP/1.1 upgrade to a protocol other
     * than WebSocket, as SPDY/3.1) and hands the connection over: the HTTP codec is removed at once
     * (on the event loop, before the client's next bytes are read) and {@code install} adds the new
     * protocol's handlers at the end of the pipeline.
     */
    public void switchProtocols(
            Map<String, String> headers, java.util.function.Consumer<Channel> install) {
        if (isHttp2()) {
            throw new IllegalStateException("an upgrade needs HTTP/1.1");
        }
        if (!responded.compareAndSet(false, true)) {
            throw new IllegalStateException("response already sent for " + method + " " + uri);
        }
        this.status = 101;
        channel.eventLoop()
                .execute(
                        () -> {
                            DefaultFullHttpResponse response =
                                    new DefaultFullHttpResponse(
                                            HttpVersion.HTTP_1_1,
                                            HttpResponseStatus.SWITCHING_PROTOCOLS,
                                            Unpooled.EMPTY_BUFFER);
                            headers.forEach(response.headers()::set);
                            channel.writeAndFlush(response);
                            channel.pipeline()
                                    .remove(io.netty.handler.codec.http.HttpServerCodec.class);
                            install.accept(channel);
                        });
    }

    /**
     * Completes a WebSocket handshake choosing the first of the client's subprotocols that is in
     * {@code subprotocols} (check {@link #webSocketHandshakeProblem()} first), then {@code install}
     * adds the handlers of the messages at the end of the pipeline.
     */
    public void upgradeToWebSocket(
            String subprotocols,
            int maxMessageBytes,
            java.util.function.Consumer<Channel> install) {
        if (!responded.compareAndSet(false, true)) {
            throw new IllegalStateException("response already sent for " + method + " " + uri);
        }
        this.status = 101;
        String scheme =
                channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null
                        ? "ws"
                        : "wss";
        WebSocketServerHandshakerFactory factory =
                new WebSocketServerHandshakerFactory(
                        scheme + "://" + headers.get(HttpHeaderNames.HOST) + uri,
                        subprotocols,
                        false,
                        maxMessageBytes);
        FullHttpRequest request =
                new DefaultFullHttpRequest(
                        HttpVersion.HTTP_1_1,
                        io.netty.handler.codec.http.HttpMethod.valueOf(method),
                        uri,
                        Unpooled.EMPTY_BUFFER,
                        headers,
                        io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        WebSocketServerHandshaker handshaker = factory.newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(channel);
            return;
        }
        channel.eventLoop()
                .execute(
                        () -> {
                            channel.config().setAutoRead(false);
                            handshaker
                                    .handshake(channel, request)
                                    .addListener(
                                            f -> {
                                                if (f.isSuccess()) {
                                                    install.accept(channel);
                                                    channel.config().setAutoRead(true);
                                                } else {
                                                    channel.close();
                                                }
                                            });
                        });
    }

    /** Answers pings and closes; a watch socket carries no other client messages. */
    private static final class WebSocketControlHandler
            extends io.netty.channel.SimpleChannelInboundHandler<WebSocketFrame> {
        private final WebSocketServerHandshaker handshaker;

        WebSocketControlHandler(WebSocketServerHandshaker handshaker) {
            this.handshaker = handshaker;
        }

        @Override
        protected void channelRead0(
                io.netty.channel.ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof CloseWebSocketFrame close) {
                handshaker.close(ctx.channel(), close.retain());
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
            }
        }
    }

    /** Starts a streamed (chunked) response, as for a watch. */
    public ResponseStream stream(int status, String contentType, Map<String, String> extraHeaders) {
        if (!responded.compareAndSet(false, true)) {
            throw new IllegalStateException("response already sent for " + method + " " + uri);
        }
        this.status = status;
        HttpResponse response =
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        extraHeaders.forEach(response.headers()::set);
        HttpUtil.setTransferEncodingChunked(response, true);
        channel.writeAndFlush(response);
        return new ResponseStream(false);
    }

    void channelWritable() {
        Runnable callback = onWritable;
        if (callback != null) {
            callback.run();
        }
    }

    /** The body of a streamed response. */
    public final class ResponseStream {
        private final boolean webSocket;

        private ResponseStream(boolean webSocket) {
            this.webSocket = webSocket;
        }

        /**
         * Queues {@code chunk} (released by Netty); call {@link #flush()} to send. On a WebSocket
         * each chunk is one message.
         */
        public void write(ByteBuf chunk) {
            channel.write(
                    webSocket ? new TextWebSocketFrame(chunk) : new DefaultHttpContent(chunk));
        }

        public void flush() {
            channel.flush();
        }

        /** Whether the connection can take more without buffering beyond its high-water mark. */
        public boolean isWritable() {
            return channel.isWritable();
        }

        public boolean isOpen() {
            return channel.isActive();
        }

        /** Called (on the event loop) when the connection becomes writable again. */
        public void onWritable(Runnable callback) {
            onWritable = callback;
        }

        /** Called once when the client goes away or the stream ends. */
        public void onClose(Runnable callback) {
            channel.closeFuture().addListener(f -> callback.run());
        }

        /** Ends the response; an HTTP/1.1 connection stays usable. */
        public void end() {
            if (!channel.isActive()) {
                return;
            }
            if (webSocket) {
                channel.writeAndFlush(new CloseWebSocketFrame(1000, "watch ended"))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            var future = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive || isHttp2()) {
                future.addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** Ends the response by closing the connection (or HTTP/2 stream). */
        public void abort() {
            channel.close();
        }
    }
}
