package io.j8s.node.stream;

import io.j8s.node.logs.ContainerLogs;
import io.j8s.node.runtime.ContainerInstance;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's {@code /exec/{namespace}/{pod}/{container}} and {@code /attach/...} endpoints, as the
 * kubelet serves them, over WebSocket with the {@code v5.channel.k8s.io} or {@code
 * v4.channel.k8s.io} subprotocol (see {@link StreamProtocol} and docs/architecture.md). Errors
 * before the upgrade are plain-text answers with the status the API server maps (400, 404, 429).
 * Thread-safe.
 */
public final class StreamEndpoint {

    private static final Logger log = LoggerFactory.getLogger(StreamEndpoint.class);

    /** The response header that repeats the message of a refused upgrade. */
    public static final String ERROR_HEADER = "X-J8s-Stream-Error";

    /** Largest client message (stdin chunk, resize). */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    /** A plain answer before the upgrade. */
    public interface Responder {
        void respond(int status, String message);
    }

    private final StreamLimits limits;
    private final AtomicInteger open = new AtomicInteger();

    public StreamEndpoint(StreamLimits limits) {
        this.limits = limits;
    }

    /** Whether {@code path} is one of this endpoint's. */
    public static boolean handles(String path) {
        return path.startsWith("/exec/") || path.startsWith("/attach/");
    }

    /** Streams open now. */
    public int openStreams() {
        return open.get();
    }

    /**
     * Serves one request on the event loop.
     *
     * @param pods looks up a Pod's containers on this node ({@code namespace, pod})
     */
    public void serve(
            ChannelHandlerContext ctx,
            FullHttpRequest req,
            String path,
            Map<String, List<String>> query,
            java.util.function.BiFunction<
                            String, String, java.util.Optional<Map<String, ContainerLogs>>>
                    pods,
            Responder respond) {
        String[] parts = path.split("/");
        if (parts.length != 5) {
            respond.respond(404, "404 page not found");
            return;
        }
        boolean exec = parts[1].equals("exec");
        String ns = parts[2];
        String pod = parts[3];
        String container = parts[4];
        if (!req.method().equals(HttpMethod.GET)) {
            respond.respond(
                    400,
                    "only WebSocket (GET with Upgrade: websocket) is served here; SPDY is not supported");
            return;
        }
        String upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            respond.respond(
                    400, "Upgrade request required: exec and attach are served over WebSocket");
            return;
        }
        StreamOptions options;
        try {
            options = StreamOptions.parse(query, exec);
        } catch (IllegalArgumentException e) {
            respond.respond(400, e.getMessage());
            return;
        }
        String protocol =
                StreamProtocol.negotiate(req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
        if (protocol == null) {
            respond.respond(
                    400,
                    "unable to upgrade: no supported subprotocol in Sec-WebSocket-Protocol "
                            + req.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL)
                            + "; the node speaks "
                            + StreamProtocol.SUPPORTED);
            return;
        }
        var podLogs = pods.apply(ns, pod);
        if (podLogs.isEmpty()) {
            respond.respond(
                    404, "pod \"" + pod + "\" in namespace \"" + ns + "\" is not on this node");
            return;
        }
        ContainerLogs c = podLogs.get().get(container);
        if (c == null) {
            respond.respond(404, "container not found (\"" + container + "\")");
            return;
        }
        ContainerInstance instance = c.running();
        if (instance == null) {
            respond.respond(
                    400,
                    "container "
                            + container
                            + " is not running"
                            + (c.waitingReason() == null ? "" : " (" + c.waitingReason() + ")"));
            return;
        }
        if (open.incrementAndGet() > limits.maxStreams()) {
            open.decrementAndGet();
            respond.respond(
                    429,
                    "too many exec/attach streams on this node (at most "
                            + limits.maxStreams()
                            + ")");
            return;
        }
        String scheme = ctx.pipeline().get(SslHandler.class) == null ? "ws" : "wss";
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(
                                scheme
                                        + "://"
                                        + req.headers().get(HttpHeaderNames.HOST)
                                        + req.uri(),
                                String.join(",", StreamProtocol.SUPPORTED),
                                false,
                                MAX_MESSAGE_BYTES)
                        .newHandshaker(req);
        if (handshaker == null) {
            open.decrementAndGet();
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        String name = ns + "/" + pod + "/" + container + (exec ? " exec" : " attach");
        StreamSession session =
                new StreamSession(
                        name,
                        exec,
                        options,
                        protocol,
                        exec
                                ? () ->
                                        instance.startProcess(
                                                options.command(), options.tty(), options.stdin())
                                : () -> instance.attach(options.tty(), options.stdin()),
                        open::decrementAndGet);
        // On the event loop, nothing is read before this returns: the session is in the pipeline
        // before the client's first message.
        handshaker
                .handshake(ctx.channel(), req)
                .addListener(
                        f -> {
                            if (!f.isSuccess()) {
                                ctx.channel().close();
                            }
                        });
        ctx.pipeline()
                .addLast(
                        new IdleStateHandler(
                                0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .addLast(new WebSocketFrameAggregator(MAX_MESSAGE_BYTES))
                .addLast(session);
        session.start(ctx.channel());
        log.atInfo()
                .addKeyValue("stream", name)
                .addKeyValue("protocol", protocol)
                .addKeyValue("command", options.command())
                .addKeyValue("tty", options.tty())
                .log("stream opened");
    }
}
