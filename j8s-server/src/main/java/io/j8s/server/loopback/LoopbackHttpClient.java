package io.j8s.server.loopback;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.StandardHttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.fabric8.kubernetes.client.http.StandardWebSocketBuilder;
import io.fabric8.kubernetes.client.http.WebSocket;
import io.fabric8.kubernetes.client.http.WebSocketResponse;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedStream;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fabric8 {@code HttpClient} over the API server's in-process listener (see {@link
 * LoopbackHttpClientFactory}): each request opens a Netty local channel, sends one HTTP/1.1 request
 * and reads its response with back-pressure (auto-read off: the next read is asked only when the
 * {@link AsyncBody} consumer asks for more), then closes the channel. fabric8's retry and
 * interceptors ({@link StandardHttpClient}) run around it; a failed connect or a response cut short
 * is an {@link IOException}, as fabric8's retry expects. WebSockets are not offered: the clients
 * use HTTP watches. Thread safe.
 */
public final class LoopbackHttpClient
        extends StandardHttpClient<
                LoopbackHttpClient, LoopbackHttpClientFactory, LoopbackHttpClientBuilder> {
    /** The largest response head read (status line and headers). */
    private static final int MAX_HEADER_BYTES = 1 << 20;

    /** The largest piece of body handed over at once (the server's writes are rarely larger). */
    private static final int MAX_CHUNK_BYTES = 1 << 20;

    LoopbackHttpClient(LoopbackHttpClientBuilder builder, AtomicBoolean closed) {
        super(builder, closed);
    }

    @Override
    public CompletableFuture<WebSocketResponse> buildWebSocketDirect(
            StandardWebSocketBuilder standardWebSocketBuilder, WebSocket.Listener listener) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException(
                        "the in-process transport has no WebSockets: its clients watch over HTTP"
                                + " (Config.onlyHttpWatches); "
                                + standardWebSocketBuilder.asHttpRequest().uri()));
    }

    @Override
    public CompletableFuture<HttpResponse<AsyncBody>> consumeBytesDirect(
            StandardHttpRequest request, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        CompletableFuture<HttpResponse<AsyncBody>> response = new CompletableFuture<>();
        if (isClosed()) {
            response.completeExceptionally(new IllegalStateException("the client is closed"));
            return response;
        }
        LoopbackHttpClientFactory factory = builder.getClientFactory();
        LocalAddress address = factory.address();
        if (address == null) {
            response.completeExceptionally(
                    new IOException("the in-process API server is not listening yet"));
            return response;
        }
        Exchange exchange = new Exchange(request, consumer, response);
        Bootstrap bootstrap =
                new Bootstrap()
                        .group(factory.group())
                        .channel(LocalChannel.class)
                        .option(ChannelOption.AUTO_READ, false)
                        .handler(
                                new ChannelInitializer<LocalChannel>() {
                                    @Override
                                    protected void initChannel(LocalChannel ch) {
                                        ch.pipeline()
                                                .addLast(
                                                        new HttpClientCodec(
                                                                4096,
                                                                MAX_HEADER_BYTES,
                                                                MAX_CHUNK_BYTES));
                                        ch.pipeline().addLast(new ChunkedWriteHandler());
                                        ch.pipeline().addLast(exchange);
                                    }
                                });
        ChannelFuture connected = bootstrap.connect(address);
        Channel channel = connected.channel();
        exchange.channel = channel;
        response.whenComplete(
                (r, t) -> {
                    if (t != null) {
                        channel.close(); // failed, timed out or cancelled by the caller
                    }
                });
        Duration timeout = request.getTimeout();
        if (timeout != null && !timeout.isZero() && !timeout.isNegative()) {
            ScheduledFuture<?> timer =
                    channel.eventLoop()
                            .schedule(
                                    () -> {
                                        response.completeExceptionally(
                                                new HttpTimeoutException(
                                                        "request timed out after "
                                                                + timeout.toMillis()
                                                                + " ms: "
                                                                + request.method()
                                                                + " "
                                                                + request.uri()));
                                    },
                                    timeout.toMillis(),
                                    TimeUnit.MILLISECONDS);
            response.whenComplete((r, t) -> timer.cancel(false));
        }
        connected.addListener(
                f -> {
                    if (!f.isSuccess()) {
                        response.completeExceptionally(
                                new IOException(
                                        "cannot connect to the in-process API server: " + f.cause(),
                                        f.cause()));
                        return;
                    }
                    writeRequest(channel, request, exchange);
                });
        return response;
    }

    private static void writeRequest(Channel channel, StandardHttpRequest request, Exchange ex) {
        URI uri = request.uri();
        String target =
                uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            target += "?" + uri.getRawQuery();
        }
        HttpMethod method = HttpMethod.valueOf(request.method());
        StandardHttpRequest.BodyContent body = request.body();
        byte[] bytes = null;
        StandardHttpRequest.InputStreamBodyContent stream = null;
        if (body == null) {
            bytes = new byte[0];
        } else if (body instanceof StandardHttpRequest.StringBodyContent s) {
            bytes = s.getContent().getBytes(StandardCharsets.UTF_8);
        } else if (body instanceof StandardHttpRequest.ByteArrayBodyContent b) {
            bytes = b.getContent();
        } else if (body instanceof StandardHttpRequest.InputStreamBodyContent i) {
            stream = i;
        } else {
            ex.fail(new IOException("unsupported request body: " + body.getClass().getName()));
            return;
        }
        io.netty.handler.codec.http.HttpRequest head =
                bytes != null
                        ? new DefaultFullHttpRequest(
                                HttpVersion.HTTP_1_1, method, target, Unpooled.wrappedBuffer(bytes))
                        : new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target);
        HttpHeaders headers = head.headers();
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            // the body's framing is this transport's, and an Expect would wait for a 100 never
            // needed in-process
            String name = header.getKey();
            if (name.equalsIgnoreCase("Content-Length")
                    || name.equalsIgnoreCase("Transfer-Encoding")
                    || name.equalsIgnoreCase("Expect")
                    || name.equalsIgnoreCase("Host")) {
                continue;
            }
            headers.add(name, header.getValue());
        }
        if (request.getContentType() != null) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, request.getContentType());
        }
        headers.set(
                HttpHeaderNames.HOST,
                uri.getRawAuthority() == null ? "localhost" : uri.getRawAuthority());
        if (bytes != null) {
            HttpUtil.setContentLength(head, bytes.length);
            channel.writeAndFlush(head).addListener(ex::written);
        } else {
            if (stream.getLength() >= 0) {
                HttpUtil.setContentLength(head, stream.getLength());
            } else {
                headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
            channel.write(head);
            channel.writeAndFlush(new HttpChunkedInput(new ChunkedStream(stream.getContent())))
                    .addListener(ex::written);
        }
        channel.read(); // the response head
    }

    @Override
    protected void doClose() {
        // the channels of requests still running end with their responses; the event loops are the
        // factory's
    }

    /**
     * One request: completes the response future at the response head, then hands the body to the
     * consumer as it asks for it. Everything but {@link #consume()} and {@link #cancel()} runs on
     * the channel's event loop.
     */
    private static final class Exchange extends ChannelInboundHandlerAdapter implements AsyncBody {
        private final StandardHttpRequest request;
        private final AsyncBody.Consumer<List<ByteBuffer>> consumer;
        private final CompletableFuture<HttpResponse<AsyncBody>> response;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        /** Body received, not yet handed over: ByteBuf, then END or an IOException. */
        private final ArrayDeque<Object> pending = new ArrayDeque<>();

        private static final Object END = new Object();
        volatile Channel channel;
        private boolean headReceived;
        private boolean ended;
        private boolean demand;
        private boolean draining;

        /**
         * Within a read pass (channelRead up to channelReadComplete): the next read is asked at its
         * end, never from within, since a local channel would deliver it re-entrantly into the HTTP
         * decoder.
         */
        private boolean reading;

        Exchange(
                StandardHttpRequest request,
                AsyncBody.Consumer<List<ByteBuffer>> consumer,
                CompletableFuture<HttpResponse<AsyncBody>> response) {
            this.request = request;
            this.consumer = consumer;
            this.response = response;
        }

        void written(io.netty.util.concurrent.Future<? super Void> f) {
            if (!f.isSuccess()) {
                fail(new IOException("cannot send the request: " + f.cause(), f.cause()));
            }
        }

        void fail(IOException e) {
            if (!response.completeExceptionally(e)) {
                done.completeExceptionally(e);
            }
            channel.close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            reading = true;
            try {
                if (msg instanceof io.netty.handler.codec.http.HttpResponse head) {
                    if (head.decoderResult().isFailure()) {
                        fail(
                                new IOException(
                                        "malformed response: " + head.decoderResult().cause(),
                                        head.decoderResult().cause()));
                        return;
                    }
                    if (head.status().code() == 100) {
                        return; // an interim response, the real one follows
                    }
                    headReceived = true;
                    Map<String, List<String>> headers =
                            new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    for (String name : head.headers().names()) {
                        headers.put(name, List.copyOf(head.headers().getAll(name)));
                    }
                    if (!response.complete(
                            new Response(
                                    head.status().code(),
                                    Collections.unmodifiableMap(headers),
                                    request,
                                    this))) {
                        ctx.close(); // timed out or cancelled meanwhile
                        return;
                    }
                }
                if (msg instanceof HttpContent content && headReceived && !ended) {
                    if (content.decoderResult().isFailure()) {
                        pending.add(
                                new IOException(
                                        "malformed response body: "
                                                + content.decoderResult().cause()));
                        ended = true;
                    } else {
                        if (content.content().isReadable()) {
                            pending.add(content.content().retain());
                        }
                        if (content instanceof LastHttpContent) {
                            pending.add(END);
                            ended = true;
                        }
                    }
                    drain();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            reading = false;
            // the head: read on for it; the body: read on only while the consumer asks for more
            if (!headReceived || (demand && pending.isEmpty() && !ended)) {
                ctx.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!headReceived) {
                response.completeExceptionally(
                        new IOException(
                                "the in-process API server closed the connection before"
                                        + " answering "
                                        + request.method()
                                        + " "
                                        + request.uri()));
            } else if (!ended) {
                ended = true;
                pending.add(
                        new IOException(
                                "the in-process API server closed the response before its end"));
                drain();
            }
            releasePending();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            IOException e =
                    cause instanceof IOException io
                            ? io
                            : new IOException("in-process request failed: " + cause, cause);
            if (!headReceived) {
                response.completeExceptionally(e);
            } else if (!ended) {
                ended = true;
                pending.add(e);
                drain();
            }
            ctx.close();
        }

        /** Hands what is pending to the consumer while it asks for more; on the event loop. */
        private void drain() {
            if (draining) {
                return; // consume() called from within the consumer: the loop below goes on
            }
            draining = true;
            try {
                while (demand && !pending.isEmpty() && !done.isDone()) {
                    List<ByteBuffer> buffers = new ArrayList<>();
                    while (pending.peek() instanceof ByteBuf buf) {
                        pending.poll();
                        ByteBuffer copy = ByteBuffer.allocate(buf.readableBytes());
                        buf.readBytes(copy);
                        buf.release();
                        buffers.add(copy.flip());
                    }
                    if (!buffers.isEmpty()) {
                        demand = false;
                        try {
                            consumer.consume(buffers, this);
                        } catch (Exception e) {
                            done.completeExceptionally(e);
                            channel.close();
                            return;
                        }
                    }
                    Object next = pending.peek();
                    if (next == END) {
                        pending.poll();
                        done.complete(null);
                        channel.close();
                    } else if (next instanceof IOException e) {
                        pending.poll();
                        done.completeExceptionally(e);
                        channel.close();
                    }
                }
                if (demand && pending.isEmpty() && !ended && !reading && channel.isActive()) {
                    channel.read();
                }
            } finally {
                draining = false;
            }
        }

        private void releasePending() {
            if (!done.isDone()) {
                return;
            }
            for (Object o : pending) {
                ReferenceCountUtil.release(o);
            }
            pending.clear();
        }

        @Override
        public void consume() {
            Channel ch = channel;
            if (ch.eventLoop().inEventLoop()) {
                demand = true;
                drain();
            } else {
                ch.eventLoop()
                        .execute(
                                () -> {
                                    demand = true;
                                    drain();
                                });
            }
        }

        @Override
        public CompletableFuture<Void> done() {
            return done;
        }

        @Override
        public void cancel() {
            done.cancel(false);
            Channel ch = channel;
            ch.close();
            ch.eventLoop()
                    .execute(
                            () -> {
                                for (Object o : pending) {
                                    ReferenceCountUtil.release(o);
                                }
                                pending.clear();
                            });
        }
    }

    private record Response(
            int code, Map<String, List<String>> headers, HttpRequest request, AsyncBody body)
            implements HttpResponse<AsyncBody> {
        @Override
        public List<String> headers(String key) {
            return headers.getOrDefault(key, List.of());
        }

        @Override
        public Optional<HttpResponse<?>> previousResponse() {
            return Optional.empty();
        }
    }
}
