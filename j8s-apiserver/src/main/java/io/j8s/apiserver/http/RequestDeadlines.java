package io.j8s.apiserver.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How long a client may take to send a request (see docs/architecture.md, "Request limits"): its
 * headers within {@link HttpLimits#headerTimeout()} of its first byte, its body within {@link
 * HttpLimits#bodyTimeout()} of its headers, and a connection with nothing in flight is closed after
 * {@link HttpLimits#idleTimeout()}. A late request is answered 408 and its connection closed. While
 * a request is being handled or answered (a watch streams for as long as it likes) no deadline
 * runs. All state is touched on the connection's event loop only.
 */
final class RequestDeadlines {
    /**
     * The name of {@link #messageSide()} in the pipeline: writes from its context are encoded as
     * HTTP/1.1.
     */
    static final String MESSAGE_SIDE = "request-deadlines";

    private enum State {
        IDLE,
        HEADERS,
        BODY,
        HANDLING,
        UPGRADED
    }

    private final HttpLimits limits;
    private final ErrorBody errors;

    /** The first request is due within the header timeout of the connection's start. */
    private State state = State.HEADERS;

    /** Whether bytes of the request in {@link State#HEADERS} have arrived. */
    private boolean started;

    /** Requests received in full whose response has not ended (HTTP/1.1 pipelining). */
    private int inFlight;

    /**
     * The request being received was answered already (413): once received, the connection is idle.
     */
    private boolean answeredEarly;

    private ScheduledFuture<?> deadline;
    private ChannelHandlerContext messageContext;

    RequestDeadlines(HttpLimits limits, ErrorBody errors) {
        this.limits = limits;
        this.errors = errors;
    }

    /** Goes before the HTTP codec: notices the first byte of the next request. */
    ChannelHandler rawSide() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (state == State.IDLE) {
                    state = State.HEADERS;
                    arm(ctx.channel(), limits.headerTimeout());
                }
                started = true;
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                cancel();
                ctx.fireChannelInactive();
            }
        };
    }

    /** Goes right after the HTTP codec: sees requests begin and end, and responses end. */
    ChannelHandler messageSide() {
        return new ChannelDuplexHandler() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                messageContext = ctx;
                arm(ctx.channel(), limits.headerTimeout());
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest && state != State.UPGRADED) {
                    state = State.BODY;
                    arm(ctx.channel(), limits.bodyTimeout());
                }
                if (msg instanceof LastHttpContent && state == State.BODY) {
                    cancel();
                    if (answeredEarly) {
                        answeredEarly = false;
                        idle(ctx.channel());
                    } else {
                        state = State.HANDLING;
                        inFlight++;
                    }
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                if (msg instanceof HttpResponse response
                        && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                    if (response.status().code() == 101) {
                        // A WebSocket now: it lives as long as the watch on it.
                        state = State.UPGRADED;
                        cancel();
                    }
                } else if (msg instanceof LastHttpContent && state != State.UPGRADED) {
                    if (state == State.BODY && inFlight == 0) {
                        // the answer to the request still arriving (with inFlight > 0: to an
                        // earlier one)
                        answeredEarly = true;
                    } else {
                        promise = promise.unvoid();
                        promise.addListener(f -> responseEnded(ctx.channel()));
                    }
                }
                ctx.write(msg, promise);
            }
        };
    }

    private void responseEnded(Channel channel) {
        if (inFlight > 0) {
            inFlight--;
        }
        if (inFlight == 0 && state == State.HANDLING) {
            idle(channel);
        }
    }

    private void idle(Channel channel) {
        state = State.IDLE;
        started = false;
        arm(channel, limits.idleTimeout());
    }

    private void arm(Channel channel, Duration timeout) {
        cancel();
        deadline =
                channel.eventLoop()
                        .schedule(
                                () -> expired(channel), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void expired(Channel channel) {
        deadline = null;
        switch (state) {
            case HEADERS -> {
                if (started) {
                    answer(
                            channel,
                            "the request headers were not received within "
                                    + seconds(limits.headerTimeout()));
                } else {
                    channel.close();
                }
            }
            case BODY ->
                    answer(
                            channel,
                            "the request body was not received within "
                                    + seconds(limits.bodyTimeout()));
            case IDLE -> channel.close();
            default -> {}
        }
    }

    private void answer(Channel channel, String message) {
        state = State.UPGRADED; // nothing more is read or timed on this connection
        if (messageContext == null || !channel.isActive()) {
            channel.close();
            return;
        }
        EarlyResponses.closeAfter(
                messageContext.writeAndFlush(
                        EarlyResponses.error(errors, 408, "Timeout", message, true)));
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /**
     * The body deadline of one HTTP/2 stream (its headers arrive in one frame, bounded by the
     * connection's {@link #http2Connection}); a late body is answered 408 and the stream reset.
     */
    static ChannelHandler http2Stream(HttpLimits limits, ErrorBody errors) {
        return new ChannelInboundHandlerAdapter() {
            private ScheduledFuture<?> deadline;

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest && !(msg instanceof LastHttpContent)) {
                    deadline =
                            ctx.channel()
                                    .eventLoop()
                                    .schedule(
                                            () -> {
                                                deadline = null;
                                                ctx.writeAndFlush(
                                                                EarlyResponses.error(
                                                                        errors,
                                                                        408,
                                                                        "Timeout",
                                                                        "the request body was not received within "
                                                                                + seconds(
                                                                                        limits
                                                                                                .bodyTimeout()),
                                                                        false))
                                                        .addListener(f -> ctx.channel().close());
                                            },
                                            limits.bodyTimeout().toMillis(),
                                            TimeUnit.MILLISECONDS);
                } else if (msg instanceof LastHttpContent && deadline != null) {
                    deadline.cancel(false);
                    deadline = null;
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (deadline != null) {
                    deadline.cancel(false);
                }
                ctx.fireChannelInactive();
            }
        };
    }

    /**
     * Goes on an HTTP/2 connection: the first request is due within the header timeout of the
     * connection's start, and a connection without open streams is closed (GOAWAY) after the idle
     * timeout. Every stream must be registered with {@link Http2Connection#streamOpened}.
     */
    static Http2Connection http2Connection(HttpLimits limits) {
        return new Http2Connection(limits);
    }

    static final class Http2Connection extends ChannelInboundHandlerAdapter {
        private final HttpLimits limits;
        private int streams;
        private ScheduledFuture<?> deadline;

        private Http2Connection(HttpLimits limits) {
            this.limits = limits;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            arm(ctx.channel(), limits.headerTimeout());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }

        /** Called on the connection's event loop when a stream opens. */
        void streamOpened(Http2StreamChannel stream) {
            streams++;
            cancel();
            stream.closeFuture()
                    .addListener(
                            f -> {
                                streams--;
                                if (streams == 0 && stream.parent().isActive()) {
                                    arm(stream.parent(), limits.idleTimeout());
                                }
                            });
        }

        private void arm(Channel channel, Duration timeout) {
            cancel();
            deadline =
                    channel.eventLoop()
                            .schedule(
                                    () -> {
                                        if (streams == 0) {
                                            channel.close();
                                        }
                                    },
                                    timeout.toMillis(),
                                    TimeUnit.MILLISECONDS);
        }

        private void cancel() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }
    }
}
