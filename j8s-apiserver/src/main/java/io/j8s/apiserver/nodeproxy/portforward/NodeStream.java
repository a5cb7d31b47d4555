package io.j8s.apiserver.nodeproxy.portforward;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.EventExecutor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded TCP connection between a client's stream pair and the node: a WebSocket to the
 * node's {@code /portForward/{namespace}/{pod}?port=N} (protocol in docs/architecture.md,
 * "Port-forward"). Everything on the client side runs on {@code loop} (the client connection's
 * event loop); the node WebSocket's callbacks hop there.
 *
 * <p>Back-pressure: the node is asked for its next message only once the client connection is
 * writable; what the client sends is queued for the node up to 256 KiB, past which the client's
 * reads are paused until the queue drains.
 */
final class NodeStream {
    private static final Logger log = LoggerFactory.getLogger(NodeStream.class);
    private static final int QUEUE_HIGH = 256 * 1024;
    private static final int QUEUE_LOW = 64 * 1024;

    /** The client side of the relay; called on the loop. */
    interface ClientSide {
        /** Bytes from the Pod (released by the receiver). */
        void data(ByteBuf data);

        /** The Pod closed its side. */
        void eof();

        /** The forward failed: {@code message} for the error stream. */
        void error(String message);

        /** The relay is over (node WebSocket closed). Called once. */
        void closed();

        boolean isWritable();

        /** Runs {@code r} on the loop once the client connection is writable. */
        void onWritable(Runnable r);

        void pause();

        void resume();
    }

    private final EventExecutor loop;
    private final ClientSide client;
    private final String what;
    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
    private int queued;
    private boolean sending;
    private boolean eofQueued;
    private boolean clientPaused;
    private boolean done;
    private WebSocket ws;
    private final StringBuilder errorText = new StringBuilder();

    private NodeStream(EventExecutor loop, ClientSide client, String what) {
        this.loop = loop;
        this.client = client;
        this.what = what;
    }

    /**
     * Opens the WebSocket to {@code uri}; the result is usable at once (sends wait for the open).
     */
    static NodeStream open(
            HttpClient http, URI uri, EventExecutor loop, ClientSide client, String what) {
        NodeStream s = new NodeStream(loop, client, what);
        http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, s.new Listener())
                .whenComplete(
                        (ws, e) ->
                                loop.execute(
                                        () -> {
                                            if (e != null) {
                                                Throwable cause =
                                                        e.getCause() != null ? e.getCause() : e;
                                                log.atWarn()
                                                        .addKeyValue("target", what)
                                                        .addKeyValue("error", cause.toString())
                                                        .log("port-forward: cannot reach the node");
                                                s.fail(
                                                        "error forwarding "
                                                                + what
                                                                + ": cannot reach the node: "
                                                                + describe(cause));
                                                return;
                                            }
                                            s.ws = ws;
                                            if (s.done) {
                                                ws.abort();
                                                return;
                                            }
                                            s.pump();
                                        }));
        return s;
    }

    private static String describe(Throwable cause) {
        if (cause instanceof java.net.http.WebSocketHandshakeException h) {
            Object body = h.getResponse().body();
            return "the node answered "
                    + h.getResponse().statusCode()
                    + (body == null ? "" : ": " + body);
        }
        return String.valueOf(cause.getMessage());
    }

    /** Bytes from the client for the Pod (released here). */
    void send(ByteBuf data) {
        if (done || eofQueued) {
            data.release();
            return;
        }
        queue.add(data);
        queued += data.readableBytes();
        if (queued > QUEUE_HIGH && !clientPaused) {
            clientPaused = true;
            client.pause();
        }
        pump();
    }

    /** The client closed its side: the node shuts down its output to the Pod. */
    void sendEof() {
        if (done || eofQueued) {
            return;
        }
        eofQueued = true;
        queue.add(Unpooled.EMPTY_BUFFER);
        pump();
    }

    /** Ends the relay at once (the client went away). */
    void abort() {
        if (done) {
            return;
        }
        done = true;
        release();
        if (ws != null) {
            ws.abort();
        }
        client.closed();
    }

    private void pump() {
        if (ws == null || sending || done || queue.isEmpty()) {
            return;
        }
        ByteBuf next = queue.poll();
        int n = next.readableBytes();
        ByteBuffer bytes = ByteBuffer.allocate(n);
        next.readBytes(bytes);
        next.release();
        bytes.flip();
        queued -= n;
        sending = true;
        ws.sendBinary(bytes, true)
                .whenComplete(
                        (w, e) ->
                                loop.execute(
                                        () -> {
                                            sending = false;
                                            if (e != null) {
                                                fail(null);
                                                return;
                                            }
                                            if (clientPaused && queued < QUEUE_LOW) {
                                                clientPaused = false;
                                                client.resume();
                                            }
                                            pump();
                                        }));
    }

    private void fail(String message) {
        if (done) {
            return;
        }
        if (message != null) {
            client.error(message);
        }
        abort();
    }

    private void release() {
        while (!queue.isEmpty()) {
            queue.poll().release();
        }
        queued = 0;
        if (clientPaused) {
            clientPaused = false;
            client.resume();
        }
    }

    /** The node WebSocket's callbacks (on the HttpClient's threads). */
    private final class Listener implements WebSocket.Listener {
        private boolean inMessage;

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            boolean eof = !inMessage && last && !data.hasRemaining();
            inMessage = !last;
            ByteBuf copy = eof ? null : Unpooled.copiedBuffer(data);
            loop.execute(
                    () -> {
                        if (done) {
                            if (copy != null) {
                                copy.release();
                            }
                            return;
                        }
                        if (eof) {
                            client.eof();
                            webSocket.request(1);
                            return;
                        }
                        client.data(copy);
                        client.onWritable(
                                () -> {
                                    if (!done) {
                                        webSocket.request(1);
                                    }
                                });
                    });
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            String part = data.toString();
            loop.execute(
                    () -> {
                        errorText.append(part);
                        if (last && !done) {
                            client.error(errorText.toString());
                            errorText.setLength(0);
                        }
                    });
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            loop.execute(
                    () -> {
                        if (!done) {
                            client.eof();
                            done = true;
                            release();
                            client.closed();
                        }
                        webSocket.abort();
                    });
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            log.atDebug()
                    .addKeyValue("target", what)
                    .addKeyValue("error", error.toString())
                    .log("port-forward node connection failed");
            loop.execute(() -> fail(null));
        }
    }
}
