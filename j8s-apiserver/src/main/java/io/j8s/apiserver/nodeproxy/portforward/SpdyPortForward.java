package io.j8s.apiserver.nodeproxy.portforward;

import io.j8s.apiserver.spdy.SpdyConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port-forward over one SPDY/3.1 connection (upgraded, or tunneled in a WebSocket), as the kubelet
 * serves it: the client opens an error stream and a data stream per forwarded TCP connection, both
 * with headers {@code port} and {@code requestID} (older clients without {@code requestID} are
 * paired by stream id, as the kubelet does); each complete pair is relayed to the node by a {@link
 * NodeStream}. An error (refused port, limit) is written on the pair's error stream, then both
 * streams are closed. Runs on the connection's event loop.
 */
final class SpdyPortForward implements SpdyConnection.Listener {
    private static final Logger log = LoggerFactory.getLogger(SpdyPortForward.class);

    private final PodPortForward.Target target;
    private final Map<String, Pair> pairs = new HashMap<>();

    SpdyPortForward(PodPortForward.Target target) {
        this.target = target;
    }

    private final class Pair {
        final String requestId;
        SpdyConnection.Stream data;
        SpdyConnection.Stream error;
        ScheduledFuture<?> timeout;
        NodeStream node;
        boolean acquired;
        boolean finished;

        Pair(String requestId) {
            this.requestId = requestId;
        }

        void printError(String message) {
            if (error != null) {
                error.write(Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
            }
        }

        void finish() {
            if (finished) {
                return;
            }
            finished = true;
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (error != null) {
                error.close();
            }
            if (data != null) {
                data.close();
            }
            if (acquired) {
                acquired = false;
                target.limits().release(target.node(), target.user());
            }
            pairs.remove(requestId);
        }
    }

    @Override
    public void opened(SpdyConnection.Stream stream) {
        String problem = validate(stream);
        if (problem != null) {
            log.atInfo()
                    .addKeyValue("pod", target.pod())
                    .addKeyValue("stream", stream.id())
                    .addKeyValue("error", problem)
                    .log("port-forward stream rejected");
            stream.reset(SpdyStreamStatus.CANCEL);
            return;
        }
        stream.reply();
        String type = stream.header("streamType");
        String requestId = stream.header("requestID");
        if (requestId == null || requestId.isEmpty()) {
            requestId = Integer.toString("error".equals(type) ? stream.id() : stream.id() - 2);
        }
        Pair p = pairs.get(requestId);
        if (p == null) {
            Pair created = new Pair(requestId);
            p = created;
            pairs.put(requestId, created);
            created.timeout =
                    stream.connection()
                            .channel()
                            .eventLoop()
                            .schedule(
                                    () -> {
                                        if (created.node == null && !created.finished) {
                                            created.printError(
                                                    "(conn="
                                                            + target.pod()
                                                            + ", request="
                                                            + created.requestId
                                                            + ") timed out waiting for streams");
                                            created.finish();
                                        }
                                    },
                                    target.limits().streamCreationTimeout().toMillis(),
                                    TimeUnit.MILLISECONDS);
        }
        if ("error".equals(type)) {
            if (p.error != null) {
                p.printError(
                        "error processing stream for request "
                                + requestId
                                + ": error stream already assigned");
                stream.reset(SpdyStreamStatus.CANCEL);
                return;
            }
            p.error = stream;
            stream.listen(new Ignore());
        } else {
            if (p.data != null) {
                p.printError(
                        "error processing stream for request "
                                + requestId
                                + ": data stream already assigned");
                stream.reset(SpdyStreamStatus.CANCEL);
                return;
            }
            p.data = stream;
        }
        if (p.error != null && p.data != null) {
            start(p);
        }
    }

    /** The kubelet's checks of a new stream's headers. */
    private static String validate(SpdyConnection.Stream stream) {
        String port = stream.header("port");
        if (port == null || port.isEmpty()) {
            return "\"port\" header is required";
        }
        try {
            int n = Integer.parseInt(port);
            if (n < 1) {
                return "port \"" + port + "\" must be > 0";
            }
            if (n > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            return "unable to parse \"" + port + "\" as a port";
        }
        String type = stream.header("streamType");
        if (type == null || type.isEmpty()) {
            return "\"streamType\" header is required";
        }
        if (!type.equals("error") && !type.equals("data")) {
            return "invalid stream type \"" + type + "\"";
        }
        return null;
    }

    private void start(Pair p) {
        p.timeout.cancel(false);
        int port = Integer.parseInt(p.data.header("port"));
        String refused = target.limits().acquire(target.node(), target.user());
        if (refused != null) {
            log.atInfo()
                    .addKeyValue("pod", target.pod())
                    .addKeyValue("user", target.user())
                    .addKeyValue("error", refused)
                    .log("port-forward stream refused");
            p.printError(refused);
            p.finish();
            return;
        }
        p.acquired = true;
        SpdyConnection.Stream data = p.data;
        p.node =
                NodeStream.open(
                        target.http(),
                        target.uri(port),
                        data.connection().channel().eventLoop(),
                        new NodeStream.ClientSide() {
                            @Override
                            public void data(ByteBuf bytes) {
                                data.write(bytes);
                            }

                            @Override
                            public void eof() {
                                data.close();
                            }

                            @Override
                            public void error(String message) {
                                p.printError(message);
                            }

                            @Override
                            public void closed() {
                                p.finish();
                            }

                            @Override
                            public boolean isWritable() {
                                return data.isWritable();
                            }

                            @Override
                            public void onWritable(Runnable r) {
                                data.onWritable(r);
                            }

                            @Override
                            public void pause() {
                                data.pause();
                            }

                            @Override
                            public void resume() {
                                data.resume();
                            }
                        },
                        "port " + port + " to pod " + target.pod());
        NodeStream node = p.node;
        data.listen(
                new SpdyConnection.StreamListener() {
                    @Override
                    public void data(ByteBuf bytes) {
                        node.send(bytes);
                    }

                    @Override
                    public void remoteClosed() {
                        node.sendEof();
                    }

                    @Override
                    public void reset() {
                        node.abort();
                    }
                });
    }

    @Override
    public void closed() {
        for (Pair p : pairs.values().toArray(new Pair[0])) {
            if (p.node != null) {
                p.node.abort();
            }
            p.finish();
        }
        pairs.clear();
    }

    /** The client writes nothing on an error stream; what it might is dropped. */
    private static final class Ignore implements SpdyConnection.StreamListener {
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
