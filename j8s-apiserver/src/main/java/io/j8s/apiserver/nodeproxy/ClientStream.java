package io.j8s.apiserver.nodeproxy;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

/**
 * The client's end of an exec or attach stream, whatever carries it: a WebSocket ({@link
 * WebSocketClientStream}) or a SPDY/3.1 connection ({@link SpdyClientStream}, its streams mapped
 * onto the same messages). A message is a channel byte (0 stdin, 1 stdout, 2 stderr, 3 error, 4
 * resize, 255 close) followed by its payload, as in {@code v5.channel.k8s.io}. Thread-safe.
 */
public interface ClientStream {

    /** What the relay does with the client's messages. */
    interface Sink {
        /** One client message; the client is read again once the returned stage completes. */
        CompletionStage<?> onMessage(ByteBuffer message);

        /** The client went away or closed the stream. */
        void onClose();
    }

    /** Starts delivering the client's messages to {@code sink}. */
    void start(Sink sink);

    /**
     * Sends one message to the client; {@code sent} runs once it is written and the client can take
     * more (not at all if the client has gone).
     */
    void send(ByteBuffer message, Runnable sent);

    /** Ends the stream toward the client (a WebSocket close code and reason). */
    void close(int code, String reason);
}
