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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fabric8 {@code HttpClient} over the API server's in-process listener (see {@link
 * LoopbackHttpClientFactory}): each request opens a Netty local channel, sends one HTTP/1.1 request
 * and reads its response with back-pressure (auto-read off: the next read is asked only when the
 * {@link AsyncBody} consumer asks for more), then closes the channel. fabric8's retry and
 * interceptors ({@link StandardHttpClient}) run around it; a failed connect or a response cut short
 * is an {@link IOException}, as fabric8's retry expects. The request's timeout bounds the wait for
 * the response head (as the JDK client's; a watch has none), and fails it with an {@link
 * HttpTimeoutException}. A request body from an InputStream is sent in chunks read on the event
 * loop (the server's body limit bounds it). WebSockets are not offered: the clients use HTTP
 * watches. Thread safe.
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
        Exchange exchange = new Exchange(request, consumer, response, factory.callbacks());
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
            exchange.timer =
                    channel.eventLoop()
                            .schedule(
                                    () -> {
                                        exchange.failResponse(
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
        }
        connected.addListener(
                f -> {
                    if (!f.isSuccess()) {
                        exchange.failResponse(
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
     * consumer as it asks for it. The Netty side (channelRead and the like) runs on the channel's
     * event loop; the response future is completed and the consumer called on the factory's
     * callback threads, one at a time per request, never on the event loop: a component may block
     * in them (on another request, say), which on the event loop could wait for itself.
     */
    private static final class Exchange extends ChannelInboundHandlerAdapter implements AsyncBody {
        /** After the last body bytes in {@link #pending}; an exception there ends the body too. */
        private static final Object END = new Object();

        private final StandardHttpRequest request;
        private final AsyncBody.Consumer<List<ByteBuffer>> consumer;
        private final CompletableFuture<HttpResponse<AsyncBody>> response;
        private final Executor callbacks;
        private final CompletableFuture<Void> done = new CompletableFuture<>();

        /** Body received, not yet handed over: ByteBuffers (copies), then END or a Throwable. */
        private final Queue<Object> pending = new ConcurrentLinkedQueue<>();

        private final AtomicBoolean demand = new AtomicBoolean();

        /** Drain requests outstanding; the drain loop runs while it is not zero. */
        private final AtomicInteger drains = new AtomicInteger();

        volatile Channel channel;
        volatile ScheduledFuture<?> timer;

        // event loop only
        private boolean headReceived;
        private boolean ended;

        /** Within a read pass: a read asked then is issued at channelReadComplete (see below). */
        private boolean reading;

        private boolean wantRead;

        Exchange(
                StandardHttpRequest request,
                AsyncBody.Consumer<List<ByteBuffer>> consumer,
                CompletableFuture<HttpResponse<AsyncBody>> response,
                Executor callbacks) {
            this.request = request;
            this.consumer = consumer;
            this.response = response;
            this.callbacks = callbacks;
        }

        void written(io.netty.util.concurrent.Future<? super Void> f) {
            if (!f.isSuccess()) {
                fail(new IOException("cannot send the request: " + f.cause(), f.cause()));
            }
        }

        /** Fails the response, or the body once the response is out. */
        void fail(IOException e) {
            callbacks.execute(
                    () -> {
                        if (!response.completeExceptionally(e)) {
                            done.completeExceptionally(e);
                        }
                    });
            channel.close();
        }

        void failResponse(Throwable e) {
            callbacks.execute(() -> response.completeExceptionally(e));
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
                    ScheduledFuture<?> t = timer;
                    if (t != null) {
                        t.cancel(false);
                    }
                    Map<String, List<String>> headers =
                            new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                    for (String name : head.headers().names()) {
                        headers.put(name, List.copyOf(head.headers().getAll(name)));
                    }
                    Response answer =
                            new Response(
                                    head.status().code(),
                                    Collections.unmodifiableMap(headers),
                                    request,
                                    this);
                    callbacks.execute(
                            () -> {
                                if (!response.complete(answer)) {
                                    channel.close(); // timed out or cancelled meanwhile
                                }
                            });
                }
                if (msg instanceof HttpContent content && headReceived && !ended) {
                    if (content.decoderResult().isFailure()) {
                        ended = true;
                        pending.add(
                                new IOException(
                                        "malformed response body: "
                                                + content.decoderResult().cause()));
                    } else {
                        ByteBuf buf = content.content();
                        if (buf.isReadable()) {
                            ByteBuffer copy = ByteBuffer.allocate(buf.readableBytes());
                            buf.readBytes(copy);
                            pending.add(copy.flip());
                        }
                        if (content instanceof LastHttpContent) {
                            ended = true;
                            pending.add(END);
                        }
                    }
                    scheduleDrain();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            reading = false;
            // the head: read on for it; the body: only as the consumer asks for more. A read is
            // never asked from within a read pass: a local channel would deliver it re-entrantly
            // into the HTTP decoder.
            if (!headReceived || (wantRead && !ended)) {
                wantRead = false;
                ctx.read();
            }
        }

        /** Asks the channel for more of the body; from any thread. */
        private void requestRead() {
            Channel ch = channel;
            ch.eventLoop()
                    .execute(
                            () -> {
                                if (ended || !ch.isActive()) {
                                    return;
                                }
                                if (reading) {
                                    wantRead = true;
                                } else {
                                    ch.read();
                                }
                            });
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!headReceived) {
                failResponse(
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
                scheduleDrain();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            IOException e =
                    cause instanceof IOException io
                            ? io
                            : new IOException("in-process request failed: " + cause, cause);
            if (!headReceived) {
                failResponse(e);
            } else if (!ended) {
                ended = true;
                pending.add(e);
                scheduleDrain();
            }
            ctx.close();
        }

        private void scheduleDrain() {
            if (drains.getAndIncrement() == 0) {
                callbacks.execute(this::drainLoop);
            }
        }

        /** On a callback thread, one at a time per request (the {@link #drains} count). */
        private void drainLoop() {
            int missed = 1;
            do {
                drain();
                missed = drains.addAndGet(-missed);
            } while (missed != 0);
        }

        /**
         * Hands what is pending to the consumer while it asks for more; the end completes {@link
         * #done()} when the consumer asks past the last bytes, a failure at once.
         */
        private void drain() {
            while (!done.isDone()) {
                Object next = pending.peek();
                if (next == null) {
                    if (demand.get()) {
                        requestRead();
                    }
                    return;
                }
                if (next == END) {
                    if (!demand.get()) {
                        // only once the consumer asks past the last bytes: fabric8's HTTP watch
                        // takes done() as "reconnect", and asks for more only after it has
                        // handled the events of the last bytes
                        return;
                    }
                    pending.poll();
                    done.complete(null);
                    channel.close();
                    return;
                }
                if (next instanceof Throwable failure) {
                    pending.poll();
                    done.completeExceptionally(failure);
                    channel.close();
                    return;
                }
                if (!demand.compareAndSet(true, false)) {
                    return;
                }
                List<ByteBuffer> buffers = new ArrayList<>();
                while (pending.peek() instanceof ByteBuffer b) {
                    pending.poll();
                    buffers.add(b);
                }
                try {
                    consumer.consume(buffers, this);
                } catch (Exception e) {
                    done.completeExceptionally(e);
                    channel.close();
                    return;
                }
            }
            pending.clear();
        }

        @Override
        public void consume() {
            demand.set(true);
            scheduleDrain();
        }

        @Override
        public CompletableFuture<Void> done() {
            return done;
        }

        @Override
        public void cancel() {
            done.cancel(false);
            channel.close();
            pending.clear();
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
