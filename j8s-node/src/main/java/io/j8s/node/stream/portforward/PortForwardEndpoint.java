package io.j8s.node.stream.portforward;

import io.j8s.node.logs.ContainerLogRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's port-forward endpoint, on the kubelet's path: {@code GET
 * /portForward/{namespace}/{pod}?port=N} upgraded to a WebSocket, one WebSocket per forwarded TCP
 * connection (the API server opens one for each stream pair a client asks for). The protocol is
 * j8s' own (docs/architecture.md, "Port-forward"):
 *
 * <ul>
 *   <li>binary messages carry the bytes, in both directions; an empty binary message is the end of
 *       the sender's direction: from the API server a half-close (the node shuts down the output of
 *       its socket to the Pod and relays on until the Pod closes); from the node, the Pod closed
 *       its side, and the node closes the WebSocket right after (as containerd ends a forward when
 *       the Pod's side ends);
 *   <li>a text message from the node is an error (the Pod's port refused the connection, ...),
 *       worded as the kubelet writes it on the error stream; the node closes after it;
 *   <li>the node closes the WebSocket (1000) once the Pod's side ended, or the Pod went away.
 * </ul>
 *
 * The node connects to the Pod's IP and the port (a Pod listening on 0.0.0.0 is reached there too).
 * Before the upgrade: 400 for a bad port, 404 when the Pod is not on this node, 429 when the node
 * already relays {@code maxStreams} connections. Thread-safe.
 */
public final class PortForwardEndpoint {

    private static final Logger log = LoggerFactory.getLogger(PortForwardEndpoint.class);

    /** The path prefix this endpoint serves. */
    public static final String PREFIX = "/portForward/";

    private final ContainerLogRegistry pods;
    private final int maxStreams;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final AtomicInteger active = new AtomicInteger();
    private final ConcurrentHashMap<String, Set<Channel>> byPodUid = new ConcurrentHashMap<>();

    /**
     * @param maxStreams the most forwarded connections at once on this endpoint
     * @param idleTimeout a forwarded connection with no byte either way for this long is closed
     *     (the kubelet's streamingConnectionIdleTimeout)
     */
    public PortForwardEndpoint(
            ContainerLogRegistry pods,
            int maxStreams,
            Duration connectTimeout,
            Duration idleTimeout) {
        this.pods = pods;
        this.maxStreams = maxStreams;
        this.connectTimeout = connectTimeout;
        this.idleTimeout = idleTimeout;
        pods.onRemoved((key, uid) -> closePod(uid));
    }

    /** Defaults: 1000 streams, 10 s connect, 4 h idle (the kubelet's default). */
    public PortForwardEndpoint(ContainerLogRegistry pods) {
        this(pods, 1000, Duration.ofSeconds(10), Duration.ofHours(4));
    }

    /** Forwarded connections open now. */
    public int activeStreams() {
        return active.get();
    }

    /** Serves one request to {@link #PREFIX}; the request was authenticated already. */
    public void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        String[] parts = qs.path().split("/");
        if (parts.length != 4) {
            respond(ctx, req, HttpResponseStatus.NOT_FOUND, "404 page not found");
            return;
        }
        String ns = parts[2];
        String pod = parts[3];
        if (!req.method().equals(HttpMethod.GET) || !isWebSocket(req)) {
            respond(
                    ctx,
                    req,
                    HttpResponseStatus.BAD_REQUEST,
                    "port-forward needs a WebSocket upgrade (GET with Upgrade: websocket)");
            return;
        }
        List<String> ports = qs.parameters().get("port");
        int port;
        try {
            if (ports == null || ports.size() != 1) {
                throw new NumberFormatException();
            }
            port = Integer.parseInt(ports.get(0));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            respond(
                    ctx,
                    req,
                    HttpResponseStatus.BAD_REQUEST,
                    "exactly one port query parameter in 1-65535 is required, was " + ports);
            return;
        }
        ContainerLogRegistry.PodAddress address = pods.address(ns, pod).orElse(null);
        if (address == null) {
            respond(
                    ctx,
                    req,
                    HttpResponseStatus.NOT_FOUND,
                    "pod \"" + pod + "\" in namespace \"" + ns + "\" is not on this node");
            return;
        }
        if (address.ip() == null) {
            respond(
                    ctx,
                    req,
                    HttpResponseStatus.BAD_REQUEST,
                    "pod \"" + pod + "\" in namespace \"" + ns + "\" has no IP yet");
            return;
        }
        if (active.incrementAndGet() > maxStreams) {
            active.decrementAndGet();
            respond(
                    ctx,
                    req,
                    HttpResponseStatus.TOO_MANY_REQUESTS,
                    "too many port-forward connections on this node (limit " + maxStreams + ")");
            return;
        }
        String scheme = ctx.pipeline().get(SslHandler.class) == null ? "ws" : "wss";
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(
                                scheme
                                        + "://"
                                        + req.headers().get(HttpHeaderNames.HOST)
                                        + req.uri(),
                                null,
                                false,
                                1 << 20)
                        .newHandshaker(req);
        if (handshaker == null) {
            active.decrementAndGet();
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        Channel ws = ctx.channel();
        ws.config().setAutoRead(false);
        PodRelay relay =
                new PodRelay(
                        ns + "/" + pod,
                        address.uid(),
                        address.ip(),
                        port,
                        connectTimeout,
                        idleTimeout);
        Set<Channel> set =
                byPodUid.computeIfAbsent(address.uid(), k -> ConcurrentHashMap.newKeySet());
        set.add(ws);
        ws.closeFuture()
                .addListener(
                        f -> {
                            active.decrementAndGet();
                            set.remove(ws);
                            byPodUid.computeIfPresent(
                                    address.uid(), (k, s) -> s.isEmpty() ? null : s);
                        });
        handshaker
                .handshake(ws, req)
                .addListener(
                        (ChannelFutureListener)
                                f -> {
                                    if (!f.isSuccess()) {
                                        ws.close();
                                        return;
                                    }
                                    ws.pipeline().addLast(relay);
                                    relay.start(ws);
                                });
    }

    private void closePod(String uid) {
        Set<Channel> open = byPodUid.remove(uid);
        if (open != null) {
            for (Channel ch : open) {
                log.atInfo()
                        .addKeyValue("podUid", uid)
                        .log("pod removed: closing its port-forward connection");
                ch.close();
            }
        }
    }

    private static boolean isWebSocket(FullHttpRequest req) {
        return "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))
                && req.headers()
                        .containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    private static void respond(
            ChannelHandlerContext ctx,
            FullHttpRequest req,
            HttpResponseStatus status,
            String text) {
        byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
        FullHttpResponse res =
                new DefaultFullHttpResponse(
                        req.protocolVersion(), status, Unpooled.wrappedBuffer(body));
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
