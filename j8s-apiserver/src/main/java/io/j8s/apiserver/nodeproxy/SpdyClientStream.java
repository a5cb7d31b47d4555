package io.j8s.apiserver.nodeproxy;

import io.j8s.apiserver.spdy.SpdyConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A {@link ClientStream} on a SPDY/3.1 connection, as the kubelet serves exec and attach to kubectl
 * before 1.30 (and to 1.30+ when the WebSocket upgrade fails): the client opens one stream per
 * {@code streamType} header ({@code error}, {@code stdin}, {@code stdout}, {@code stderr}, {@code
 * resize}); once the expected set is there (within {@link #STREAM_CREATION_TIMEOUT}, the kubelet's
 * {@code streamCreationTimeout}), the streams are mapped onto the {@code v5.channel.k8s.io}
 * messages the node speaks: stdin DATA → channel 0, its FIN → the close signal (255, 0), each JSON
 * object on the resize stream → channel 4; channel 1/2 → the stdout/stderr streams, channel 3 (the
 * {@code Status}) → the error stream, as JSON for {@code v4.channel.k8s.io} and as the failure's
 * message only for the older versions. When the node ends, every stream is half-closed and the
 * connection closed. Runs on the connection's event loop.
 */
final class SpdyClientStream implements ClientStream, SpdyConnection.Listener {
    private static final Logger log = LoggerFactory.getLogger(SpdyClientStream.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The protocol versions the kubelet serves, preferred first. */
    static final List<String> PROTOCOLS =
            List.of(
                    "v4.channel.k8s.io",
                    "v3.channel.k8s.io",
                    "v2.channel.k8s.io",
                    "channel.k8s.io");

    static final Duration STREAM_CREATION_TIMEOUT = Duration.ofSeconds(30);

    /** The most bytes of an unfinished resize message held. */
    private static final int MAX_RESIZE_BYTES = 4096;

    enum Type {
        ERROR,
        STDIN,
        STDOUT,
        STDERR,
        RESIZE
    }

    private final String name;
    private final String protocol;
    private final Set<Type> expected;
    private final Consumer<SpdyClientStream> ready;
    private final Runnable failed;
    private final Map<Type, SpdyConnection.Stream> streams = new EnumMap<>(Type.class);
    private ScheduledFuture<?> timeout;
    private SpdyConnection connection;
    private volatile Sink sink;
    private boolean started;
    private boolean ended;
    private volatile boolean statusSent;

    /**
     * @param ready called once every expected stream is there (then {@link #start(Sink)})
     * @param failed called when the connection ends before that, or the streams do not come in time
     */
    SpdyClientStream(
            String name,
            String protocol,
            boolean stdin,
            boolean stdout,
            boolean stderr,
            boolean tty,
            Consumer<SpdyClientStream> ready,
            Runnable failed) {
        this.name = name;
        this.protocol = protocol;
        this.ready = ready;
        this.failed = failed;
        Set<Type> e = new HashSet<>();
        e.add(Type.ERROR);
        if (stdin) {
            e.add(Type.STDIN);
        }
        if (stdout) {
            e.add(Type.STDOUT);
        }
        if (stderr && !tty) {
            e.add(Type.STDERR);
        }
        if (tty && !protocol.equals("v2.channel.k8s.io") && !protocol.equals("channel.k8s.io")) {
            e.add(Type.RESIZE);
        }
        this.expected = e;
    }

    /**
     * The first of the client's versions the server speaks (the kubelet's negotiation), or null.
     */
    static String negotiate(List<String> offered) {
        for (String p : offered) {
            if (PROTOCOLS.contains(p)) {
                return p;
            }
        }
        return null;
    }

    /** Called on the event loop once the connection is installed. */
    void installed(SpdyConnection connection) {
        this.connection = connection;
        timeout =
                connection
                        .channel()
                        .eventLoop()
                        .schedule(
                                () -> {
                                    if (!started && !ended) {
                                        log.atInfo()
                                                .addKeyValue("pod", name)
                                                .addKeyValue("streams", streams.keySet())
                                                .log(
                                                        "SPDY stream: timed out waiting for the client's streams");
                                        SpdyConnection.Stream error = streams.get(Type.ERROR);
                                        if (error != null) {
                                            error.write(
                                                    Unpooled.copiedBuffer(
                                                            "timed out waiting for client to create streams",
                                                            StandardCharsets.UTF_8));
                                        }
                                        finish();
                                    }
                                },
                                STREAM_CREATION_TIMEOUT.toMillis(),
                                TimeUnit.MILLISECONDS);
    }

    @Override
    public void opened(SpdyConnection.Stream stream) {
        if (this.connection == null) {
            this.connection = stream.connection();
        }
        stream.reply();
        String header = stream.header("streamType");
        Type type = null;
        if (header != null) {
            try {
                type = Type.valueOf(header.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                type = null;
            }
        }
        if (type == null || started || streams.containsKey(type)) {
            log.atDebug()
                    .addKeyValue("pod", name)
                    .addKeyValue("streamType", header)
                    .log("SPDY stream: unexpected stream ignored");
            stream.listen(new Drop());
            return;
        }
        streams.put(type, stream);
        if (type == Type.ERROR || type == Type.STDOUT || type == Type.STDERR) {
            stream.listen(new Drop());
        }
        if (streams.keySet().containsAll(expected)) {
            started = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            ready.accept(this);
        }
    }

    @Override
    public void closed() {
        if (ended) {
            return;
        }
        ended = true;
        if (timeout != null) {
            timeout.cancel(false);
        }
        if (started && sink != null) {
            sink.onClose();
        } else if (!started) {
            failed.run();
        }
    }

    @Override
    public void start(Sink sink) {
        this.sink = sink;
        connection
                .channel()
                .eventLoop()
                .execute(
                        () -> {
                            if (ended) {
                                sink.onClose();
                                return;
                            }
                            SpdyConnection.Stream stdin = streams.get(Type.STDIN);
                            if (stdin != null) {
                                stdin.listen(
                                        new SpdyConnection.StreamListener() {
                                            @Override
                                            public void data(ByteBuf data) {
                                                ByteBuffer message =
                                                        ByteBuffer.allocate(
                                                                1 + data.readableBytes());
                                                message.put((byte) 0);
                                                data.readBytes(message);
                                                data.release();
                                                message.flip();
                                                forward(stdin, message);
                                            }

                                            @Override
                                            public void remoteClosed() {
                                                forward(
                                                        stdin,
                                                        ByteBuffer.wrap(
                                                                new byte[] {(byte) 255, 0}));
                                            }

                                            @Override
                                            public void reset() {}
                                        });
                            }
                            SpdyConnection.Stream resize = streams.get(Type.RESIZE);
                            if (resize != null) {
                                resize.listen(new ResizeReader(resize));
                            }
                        });
    }

    /** Hands one message to the node, reading no more of the connection until it is taken. */
    private void forward(SpdyConnection.Stream from, ByteBuffer message) {
        from.pause();
        sink.onMessage(message)
                .whenComplete(
                        (v, e) -> {
                            if (e != null) {
                                connection.channel().close();
                            } else {
                                from.resume();
                            }
                        });
    }

    @Override
    public void send(ByteBuffer message, Runnable sent) {
        if (!message.hasRemaining()) {
            sent.run();
            return;
        }
        int channel = message.get() & 0xff;
        SpdyConnection.Stream target =
                switch (channel) {
                    case 1 -> streams.get(Type.STDOUT);
                    case 2 -> streams.get(Type.STDERR);
                    case 3 -> streams.get(Type.ERROR);
                    default -> null;
                };
        if (target == null) {
            sent.run();
            return;
        }
        ByteBuf payload;
        if (channel == 3) {
            statusSent = true;
            payload = status(message);
            if (payload == null) {
                sent.run();
                return;
            }
        } else {
            payload = Unpooled.wrappedBuffer(message);
        }
        target.write(payload);
        target.onWritable(sent);
    }

    /** The node's {@code Status} as this protocol version writes it (null: nothing to write). */
    private ByteBuf status(ByteBuffer message) {
        if (protocol.equals("v4.channel.k8s.io")) {
            return Unpooled.wrappedBuffer(message);
        }
        // v1-v3: a success is no bytes, a failure its message (the kubelet's v1WriteStatusFunc)
        try {
            byte[] b = new byte[message.remaining()];
            message.get(b);
            JsonNode status = JSON.readTree(b);
            if ("Success".equals(status.path("status").asString(""))) {
                return null;
            }
            return Unpooled.copiedBuffer(
                    status.path("message").asString(""), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return Unpooled.copiedBuffer(
                    "the node sent an unreadable status", StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close(int code, String reason) {
        connection
                .channel()
                .eventLoop()
                .execute(
                        () -> {
                            SpdyConnection.Stream error = streams.get(Type.ERROR);
                            if (!statusSent && code != 1000 && error != null) {
                                String message =
                                        "error: the stream to the node ended ("
                                                + code
                                                + (reason == null || reason.isEmpty()
                                                        ? ""
                                                        : ": " + reason)
                                                + ")";
                                error.write(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
                            }
                            finish();
                        });
    }

    /** Half-closes every stream, then closes the connection once that is written. */
    private void finish() {
        for (SpdyConnection.Stream s : streams.values()) {
            s.close();
        }
        connection
                .channel()
                .eventLoop()
                .execute(
                        () ->
                                connection
                                        .channel()
                                        .writeAndFlush(Unpooled.EMPTY_BUFFER)
                                        .addListener(ChannelFutureListener.CLOSE));
    }

    /**
     * The resize stream carries JSON objects one after the other ({@code
     * {"Width":80,"Height":24}}); each complete object becomes one channel-4 message.
     */
    private final class ResizeReader implements SpdyConnection.StreamListener {
        private final SpdyConnection.Stream stream;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
        private int depth;
        private boolean inString;
        private boolean escaped;

        ResizeReader(SpdyConnection.Stream stream) {
            this.stream = stream;
        }

        @Override
        public void data(ByteBuf data) {
            try {
                while (data.isReadable()) {
                    byte b = data.readByte();
                    if (depth == 0 && b != '{') {
                        continue; // whitespace between objects
                    }
                    pending.write(b);
                    if (inString) {
                        if (escaped) {
                            escaped = false;
                        } else if (b == '\\') {
                            escaped = true;
                        } else if (b == '"') {
                            inString = false;
                        }
                    } else if (b == '"') {
                        inString = true;
                    } else if (b == '{') {
                        depth++;
                    } else if (b == '}' && --depth == 0) {
                        byte[] json = pending.toByteArray();
                        pending.reset();
                        ByteBuffer message = ByteBuffer.allocate(1 + json.length);
                        message.put((byte) 4).put(json).flip();
                        forward(stream, message);
                    }
                    if (pending.size() > MAX_RESIZE_BYTES) {
                        log.atInfo()
                                .addKeyValue("pod", name)
                                .log("SPDY stream: resize message too long, reset");
                        stream.reset(io.netty.handler.codec.spdy.SpdyStreamStatus.CANCEL);
                        return;
                    }
                }
            } finally {
                data.release();
            }
        }

        @Override
        public void remoteClosed() {}

        @Override
        public void reset() {}
    }

    /** What the client writes on a stream it only reads is dropped. */
    private static final class Drop implements SpdyConnection.StreamListener {
        @Override
        public void data(ByteBuf data) {
            data.release();
        }

        @Override
        public void remoteClosed() {}

        @Override
        public void reset() {}
    }
}
