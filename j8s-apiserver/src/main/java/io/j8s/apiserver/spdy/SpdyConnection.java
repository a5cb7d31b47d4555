package io.j8s.apiserver.spdy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeaders;
import io.netty.handler.codec.spdy.SpdyHeadersFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of a SPDY/3.1 connection as Kubernetes' streaming protocols use it (the client is
 * Docker's spdystream inside kubectl): the client opens streams (SYN_STREAM with headers such as
 * {@code streamType}, {@code port}, {@code requestID}), the server replies, and both send DATA and
 * half-close with FIN; RST_STREAM ends a stream at once, PING is echoed, GOAWAY or a closed socket
 * ends everything. Flow-control windows are not enforced (spdystream neither sends WINDOW_UPDATE
 * nor honours one); back-pressure comes from pausing the socket's reads ({@link Stream#pause()})
 * and from the socket's writability ({@link Stream#isWritable()}, {@link
 * Stream#onWritable(Runnable)}).
 *
 * <p>Everything runs on the channel's event loop; the {@link Stream} methods may be called from any
 * thread (they hop to it). Install with {@link #install(ChannelPipeline, String, Listener, int,
 * Duration)}; under a WebSocket tunnel the frames travel in binary messages ({@link
 * WebSocketTunnel}).
 */
public final class SpdyConnection extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(SpdyConnection.class);

    /** The largest DATA frame written (spdystream reads any size up to 2^24-1). */
    static final int MAX_DATA_FRAME = 32 * 1024;

    /** What the connection's user is told. Called on the event loop. */
    public interface Listener {
        /** A stream the client opened; reply (or reset) it. */
        void opened(Stream stream);

        /** The connection ended (socket closed, GOAWAY, idle): every stream is gone. */
        void closed();
    }

    /** What a stream's user is told. Called on the event loop. */
    public interface StreamListener {
        /** Bytes from the client; the receiver releases {@code data}. */
        void data(ByteBuf data);

        /** The client half-closed the stream (FIN). */
        void remoteClosed();

        /** The stream was reset, or the connection ended. */
        void reset();
    }

    private final Listener listener;
    private final int maxStreams;
    private final Map<Integer, Stream> streams = new HashMap<>();
    private ChannelHandlerContext ctx;
    private int lastClientStreamId;
    private int paused;
    private boolean closed;

    private SpdyConnection(Listener listener, int maxStreams) {
        this.listener = listener;
        this.maxStreams = maxStreams;
    }

    /**
     * Adds the SPDY/3.1 codec, an idle timer and the connection handler at the end of {@code
     * pipeline} (after {@code after}, when given).
     *
     * @param maxStreams the most streams open at once; more are refused (RST_STREAM REFUSED_STREAM)
     * @param idleTimeout the connection is closed after this long without a frame either way
     */
    public static SpdyConnection install(
            ChannelPipeline pipeline,
            String after,
            Listener listener,
            int maxStreams,
            Duration idleTimeout) {
        SpdyConnection connection = new SpdyConnection(listener, maxStreams);
        IdleStateHandler idle =
                new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS);
        SpdyFrameCodec codec = new SpdyFrameCodec(SpdyVersion.SPDY_3_1);
        if (after == null) {
            pipeline.addLast("spdy-codec", codec)
                    .addLast("spdy-idle", idle)
                    .addLast("spdy", connection);
        } else {
            pipeline.addAfter(after, "spdy-codec", codec);
            pipeline.addAfter("spdy-codec", "spdy-idle", idle);
            pipeline.addAfter("spdy-idle", "spdy", connection);
        }
        return connection;
    }

    /** The channel under the connection. */
    public Channel channel() {
        return ctx.channel();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SpdySynStreamFrame syn) {
                onSynStream(syn);
            } else if (msg instanceof SpdyDataFrame data) {
                Stream s = streams.get(data.streamId());
                if (s == null) {
                    return; // a stream reset or ended already: spdystream drops such data too
                }
                if (data.content().isReadable()) {
                    s.received(data.content().retain());
                }
                if (data.isLast()) {
                    s.remoteFin();
                }
            } else if (msg instanceof SpdyHeadersFrame headers
                    && !(msg instanceof SpdySynReplyFrame)) {
                Stream s = streams.get(headers.streamId());
                if (s != null && headers.isLast()) {
                    s.remoteFin();
                }
            } else if (msg instanceof SpdyRstStreamFrame rst) {
                Stream s = streams.get(rst.streamId());
                if (s != null) {
                    s.resetByPeer();
                }
            } else if (msg instanceof SpdyPingFrame ping) {
                if ((ping.id() & 1) == 1) {
                    ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id())); // the client's: echo it
                }
            } else if (msg instanceof SpdyGoAwayFrame) {
                log.atDebug()
                        .addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
                        .log("SPDY GOAWAY");
                ctx.close();
            }
            // SETTINGS and WINDOW_UPDATE: nothing to do (see the class comment)
        } finally {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    private void onSynStream(SpdySynStreamFrame syn) {
        int id = syn.streamId();
        if ((id & 1) == 0 || id <= lastClientStreamId) {
            ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.PROTOCOL_ERROR));
            return;
        }
        lastClientStreamId = id;
        if (streams.size() >= maxStreams) {
            log.atInfo()
                    .addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
                    .addKeyValue("maxStreams", maxStreams)
                    .log("SPDY stream refused: too many streams on the connection");
            ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.REFUSED_STREAM));
            return;
        }
        Map<String, String> headers = new HashMap<>();
        SpdyHeaders h = syn.headers();
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            headers.putIfAbsent(
                    e.getKey().toString().toLowerCase(java.util.Locale.ROOT),
                    e.getValue().toString());
        }
        Stream s = new Stream(id, headers);
        streams.put(id, s);
        if (syn.isLast()) {
            s.remoteClosed = true;
        }
        listener.opened(s);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            for (Stream s : new ArrayList<>(streams.values())) {
                Runnable r = s.onWritable;
                if (r != null) {
                    s.onWritable = null;
                    r.run();
                }
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.atInfo()
                    .addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
                    .log("streaming connection idle: closing it");
            ctx.writeAndFlush(new DefaultSpdyGoAwayFrame(lastClientStreamId));
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        end();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.atDebug()
                .addKeyValue("remote", String.valueOf(ctx.channel().remoteAddress()))
                .addKeyValue("error", cause.toString())
                .log("SPDY connection failed");
        ctx.close();
    }

    private void end() {
        if (closed) {
            return;
        }
        closed = true;
        for (Stream s : new ArrayList<>(streams.values())) {
            s.drop();
        }
        streams.clear();
        listener.closed();
    }

    /** Streams open now. */
    public int openStreams() {
        return streams.size();
    }

    private void execute(Runnable r) {
        if (ctx.executor().inEventLoop()) {
            r.run();
        } else {
            ctx.executor().execute(r);
        }
    }

    /** One SPDY stream opened by the client. */
    public final class Stream {
        private final int id;
        private final Map<String, String> headers;
        private StreamListener streamListener;
        private final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
        private boolean replied;
        private boolean localClosed;
        private boolean remoteClosed;
        private boolean remoteFinPending;
        private boolean gone;
        private boolean isPaused;
        private Runnable onWritable;

        private Stream(int id, Map<String, String> headers) {
            this.id = id;
            this.headers = headers;
        }

        public int id() {
            return id;
        }

        /** A header of the SYN_STREAM (names lower case), or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        /** The connection this stream belongs to. */
        public SpdyConnection connection() {
            return SpdyConnection.this;
        }

        /**
         * Sets who receives the stream's data; what arrived before is handed over now (it was held,
         * with the socket's reads paused past 1 MiB).
         */
        public void listen(StreamListener l) {
            execute(
                    () -> {
                        streamListener = l;
                        unpause();
                        while (!early.isEmpty()) {
                            l.data(early.poll());
                        }
                        if (remoteFinPending) {
                            remoteFinPending = false;
                            l.remoteClosed();
                        }
                        if (gone) {
                            l.reset();
                        }
                    });
        }

        /** SYN_REPLY: the stream is accepted. */
        public void reply() {
            execute(
                    () -> {
                        if (!gone && !replied) {
                            replied = true;
                            // Netty encodes an empty header block as no bytes at all, which Go's
                            // framer (spdystream)
                            // cannot read: one header keeps the block well-formed; spdystream
                            // ignores reply headers.
                            DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(id);
                            reply.headers().set("j8s-stream", "accepted");
                            ctx.writeAndFlush(reply);
                        }
                    });
        }

        /** Sends {@code data} (released here), in frames of at most 32 KiB. */
        public void write(ByteBuf data) {
            execute(
                    () -> {
                        if (gone || localClosed) {
                            data.release();
                            return;
                        }
                        while (data.readableBytes() > MAX_DATA_FRAME) {
                            ctx.write(
                                    new DefaultSpdyDataFrame(
                                            id, data.readRetainedSlice(MAX_DATA_FRAME)));
                        }
                        ctx.writeAndFlush(new DefaultSpdyDataFrame(id, data));
                    });
        }

        /** Half-closes the stream (an empty DATA frame with FIN). */
        public void close() {
            execute(
                    () -> {
                        if (gone || localClosed) {
                            return;
                        }
                        localClosed = true;
                        SpdyDataFrame fin = new DefaultSpdyDataFrame(id);
                        fin.setLast(true);
                        ctx.writeAndFlush(fin);
                        if (remoteClosed) {
                            streams.remove(id);
                        }
                    });
        }

        /** Ends the stream at once (RST_STREAM). */
        public void reset(SpdyStreamStatus status) {
            execute(
                    () -> {
                        if (gone) {
                            return;
                        }
                        ctx.writeAndFlush(new DefaultSpdyRstStreamFrame(id, status));
                        drop();
                    });
        }

        /** Stops reading the socket (for every stream of it) until {@link #resume()}. */
        public void pause() {
            execute(
                    () -> {
                        if (!isPaused && !gone) {
                            isPaused = true;
                            if (paused++ == 0) {
                                ctx.channel().config().setAutoRead(false);
                            }
                        }
                    });
        }

        public void resume() {
            execute(this::unpause);
        }

        private void unpause() {
            if (isPaused) {
                isPaused = false;
                if (--paused == 0) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
        }

        /** Whether the socket takes more without buffering past its high-water mark. */
        public boolean isWritable() {
            return ctx.channel().isWritable();
        }

        /**
         * Runs {@code r} once on the event loop when the socket is writable again (at once if it
         * is).
         */
        public void onWritable(Runnable r) {
            execute(
                    () -> {
                        if (ctx.channel().isWritable() || gone) {
                            r.run();
                        } else {
                            onWritable = r;
                        }
                    });
        }

        private void received(ByteBuf data) {
            if (streamListener != null) {
                streamListener.data(data);
                return;
            }
            early.add(data);
            int held = 0;
            for (ByteBuf b : early) {
                held += b.readableBytes();
            }
            if (held > (1 << 20)) {
                pause();
            }
        }

        private void remoteFin() {
            if (remoteClosed) {
                return;
            }
            remoteClosed = true;
            if (streamListener != null) {
                streamListener.remoteClosed();
            } else {
                remoteFinPending = true;
            }
            if (localClosed) {
                streams.remove(id);
            }
        }

        private void resetByPeer() {
            drop();
        }

        private void drop() {
            if (gone) {
                return;
            }
            gone = true;
            streams.remove(id);
            unpause();
            while (!early.isEmpty()) {
                early.poll().release();
            }
            Runnable r = onWritable;
            onWritable = null;
            if (streamListener != null) {
                streamListener.reset();
            }
            if (r != null) {
                r.run();
            }
        }
    }
}
