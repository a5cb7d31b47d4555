package io.j8s.apiserver.nodeproxy;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.SubresourceHandler;
import io.j8s.apiserver.spdy.SpdyConnection;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pods/exec} and {@code pods/attach}: the client's WebSocket upgrade (GET, subprotocol
 * {@code v5.channel.k8s.io} or {@code v4.channel.k8s.io}) is relayed to the node's {@code
 * /exec/<ns>/<pod>/<container>} (or {@code /attach/...}) WebSocket, message by message both ways.
 * Each direction holds one message at a time: the next is read only once the previous one was
 * written on the other side (no unbounded buffering). The client side is a {@link ClientStream}: a
 * WebSocket ({@link WebSocketClientStream}) or a SPDY/3.1 upgrade ({@code
 * X-Stream-Protocol-Version} {@code v4.channel.k8s.io} .. {@code channel.k8s.io}, {@link
 * SpdyClientStream}) for kubectl before 1.30 and for later ones whose WebSocket upgrade failed.
 * Errors before the upgrade are {@code Status} answers as Kubernetes words them; more than {@link
 * #DEFAULT_MAX_STREAMS_PER_USER} streams of one user at once are 429.
 */
public final class PodStreams implements SubresourceHandler {
    private static final Logger log = LoggerFactory.getLogger(PodStreams.class);

    /** Streams one user may have open at once (over all nodes). */
    public static final int DEFAULT_MAX_STREAMS_PER_USER = 32;

    /** The JVM system property that overrides {@link #DEFAULT_MAX_STREAMS_PER_USER}. */
    public static final String MAX_STREAMS_PER_USER_PROPERTY = "j8s.apiserver.maxStreamsPerUser";

    /** Largest message relayed either way. */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");
    static final String NODE_ERROR_HEADER = "X-J8s-Stream-Error";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Streams a SPDY exec/attach client may open on its connection (it needs at most 5). */
    private static final int SPDY_MAX_STREAMS = 8;

    /** A SPDY connection without a frame either way this long is closed (the kubelet's default). */
    private static final Duration SPDY_IDLE_TIMEOUT = Duration.ofHours(4);

    private final ObjectRegistry registry;
    private final Function<String, ResourceType> types;
    private final Function<JsonNode, HttpClient> nodeClient;
    private final String scheme;
    private final String subresource;
    private final int maxPerUser;
    private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    /**
     * @param subresource {@code exec} or {@code attach}
     */
    public PodStreams(
            ObjectRegistry registry,
            Function<String, ResourceType> types,
            Function<JsonNode, HttpClient> nodeClient,
            String scheme,
            String subresource,
            int maxPerUser) {
        this.registry = registry;
        this.types = types;
        this.nodeClient = nodeClient;
        this.scheme = scheme;
        this.subresource = subresource;
        this.maxPerUser = maxPerUser;
    }

    @Override
    public void handle(HttpExchange exchange, RequestInfo info, ResourceType podType) {
        boolean exec = subresource.equals("exec");
        if (!exchange.isWebSocketUpgrade()
                && !"POST".equals(exchange.method())
                && !"GET".equals(exchange.method())) {
            throw ApiException.methodNotAllowed(exchange.method(), "pods/" + subresource);
        }
        ObjectNode pod =
                registry.read(podType, info.namespace(), info.name())
                        .orElseThrow(() -> ApiException.notFound(podType, info.name()))
                        .object();
        String container = PodLogs.container(pod, info.name(), exchange.query("container"));
        List<String> command = exchange.queries("command");
        if (exec && (command == null || command.isEmpty())) {
            throw ApiException.badRequest("you must specify at least 1 command");
        }
        boolean stdin = flag(exchange, "stdin");
        boolean stdout = flag(exchange, "stdout");
        boolean stderr = flag(exchange, "stderr");
        boolean tty = flag(exchange, "tty");
        if (!stdin && !stdout && !stderr) {
            throw ApiException.badRequest("you must specify at least one of stdin, stdout, stderr");
        }
        String nodeName = pod.path("spec").path("nodeName").asString("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("pod " + info.name() + " does not have a host assigned");
        }
        String phase = pod.path("status").path("phase").asString("");
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
            throw ApiException.badRequest(
                    "cannot "
                            + subresource
                            + " into a container in a completed pod; current phase is "
                            + phase);
        }
        ObjectNode node =
                NodeEndpoints.nodeOf(registry, types.apply("Node"), info.name(), nodeName);
        // The request is checked first, so that a client falling back to SPDY (kubectl does on any
        // failed upgrade) still shows the real reason.
        UserInfo user = exchange.attachment(UserInfo.class);
        String userName = user == null ? "" : user.name();
        AtomicInteger usersStreams = perUser.get(userName);
        if (usersStreams != null && usersStreams.get() >= maxPerUser) {
            throw ApiException.tooManyRequests(
                    "too many "
                            + subresource
                            + " streams open for user \""
                            + userName
                            + "\" (at most "
                            + maxPerUser
                            + ")",
                    1);
        }
        String protocol;
        String spdyProtocol = null;
        if (exchange.isWebSocketUpgrade()) {
            String problem = exchange.webSocketHandshakeProblem();
            if (problem != null) {
                throw ApiException.badRequest(problem);
            }
            protocol = negotiate(exchange.header("Sec-WebSocket-Protocol"));
            if (protocol == null) {
                throw ApiException.badRequest(
                        "unable to upgrade: the client offers none of the supported subprotocols "
                                + PROTOCOLS
                                + " (Sec-WebSocket-Protocol: "
                                + exchange.header("Sec-WebSocket-Protocol")
                                + ")");
            }
        } else {
            String upgrade = exchange.header("Upgrade");
            if (upgrade == null
                    || !upgrade.toLowerCase(java.util.Locale.ROOT).startsWith("spdy/3.1")) {
                throw ApiException.badRequest(
                        "Upgrade request required: pods/"
                                + subresource
                                + " is served over WebSocket (subprotocol "
                                + String.join(" or ", PROTOCOLS)
                                + ") or SPDY/3.1 (X-Stream-Protocol-Version "
                                + String.join(", ", SpdyClientStream.PROTOCOLS)
                                + ")");
            }
            List<String> offered = new ArrayList<>();
            for (String v : exchange.headers().getAll("X-Stream-Protocol-Version")) {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        offered.add(part.trim());
                    }
                }
            }
            if (offered.isEmpty()) {
                throw ApiException.badRequest(
                        "unable to upgrade: X-Stream-Protocol-Version is required");
            }
            spdyProtocol = SpdyClientStream.negotiate(offered);
            if (spdyProtocol == null) {
                throw ApiException.forbidden(
                        "unable to upgrade: unable to negotiate protocol: client supports "
                                + offered
                                + ", server accepts "
                                + SpdyClientStream.PROTOCOLS);
            }
            // The node speaks v5, whose close signal carries the end of stdin.
            protocol = PROTOCOLS.get(0);
        }
        List<String> query = new ArrayList<>();
        if (command != null) {
            for (String c : command) {
                query.add("command=" + URLEncoder.encode(c, StandardCharsets.UTF_8));
            }
        }
        query.add("stdin=" + (stdin ? 1 : 0));
        query.add("stdout=" + (stdout ? 1 : 0));
        query.add("stderr=" + (stderr && !tty ? 1 : 0));
        query.add("tty=" + (tty ? 1 : 0));
        URI uri =
                URI.create(
                        NodeEndpoints.base(node, nodeName, scheme.equals("https") ? "wss" : "ws")
                                + ("/"
                                        + subresource
                                        + "/"
                                        + info.namespace()
                                        + "/"
                                        + info.name()
                                        + "/"
                                        + container
                                        + "?"
                                        + String.join("&", query)));

        AtomicInteger count = perUser.computeIfAbsent(userName, k -> new AtomicInteger());
        this.open.incrementAndGet();
        if (count.incrementAndGet() > maxPerUser) {
            release(userName, count);
            throw ApiException.tooManyRequests(
                    "too many "
                            + subresource
                            + " streams open for user \""
                            + userName
                            + "\" (at most "
                            + maxPerUser
                            + ")",
                    1);
        }
        String name = info.namespace() + "/" + info.name() + "/" + container;
        NodeSide nodeSide = new NodeSide(name);
        WebSocket ws;
        try {
            ws =
                    nodeClient
                            .apply(node)
                            .newWebSocketBuilder()
                            .connectTimeout(CONNECT_TIMEOUT)
                            .subprotocols(protocol)
                            .buildAsync(uri, nodeSide)
                            .get(CONNECT_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            release(userName, count);
            throw nodeRefusal(e.getCause(), nodeName, podType, info.name());
        } catch (TimeoutException e) {
            release(userName, count);
            throw ApiException.serviceUnavailable(
                    "the node \"" + nodeName + "\" did not answer in time");
        } catch (InterruptedException e) {
            release(userName, count);
            Thread.currentThread().interrupt();
            throw ApiException.serviceUnavailable(
                    "interrupted while reaching node \"" + nodeName + "\"");
        }
        log.atInfo()
                .addKeyValue("pod", name)
                .addKeyValue("user", userName)
                .addKeyValue("subresource", subresource)
                .addKeyValue(
                        "protocol", spdyProtocol == null ? protocol : "SPDY/3.1 " + spdyProtocol)
                .addKeyValue("tty", tty)
                .log("stream opened");
        if (spdyProtocol != null) {
            upgradeToSpdy(
                    exchange,
                    name,
                    spdyProtocol,
                    stdin,
                    stdout,
                    stderr,
                    tty,
                    ws,
                    nodeSide,
                    () -> release(userName, count));
            return;
        }
        exchange.upgradeToWebSocket(
                protocol,
                MAX_MESSAGE_BYTES,
                channel -> {
                    channel.pipeline()
                            .addLast(
                                    new io.netty.handler.codec.http.websocketx
                                            .WebSocketFrameAggregator(MAX_MESSAGE_BYTES));
                    WebSocketClientStream client = new WebSocketClientStream(channel);
                    channel.pipeline().addLast(client);
                    nodeSide.bind(ws, client, () -> release(userName, count));
                });
    }

    /**
     * Answers 101 with the negotiated version and installs SPDY/3.1; once the client's streams are
     * there, they are bound to the node's WebSocket. Before that, the connection ending (or the
     * streams not coming in time) aborts the node's stream.
     */
    private void upgradeToSpdy(
            HttpExchange exchange,
            String name,
            String version,
            boolean stdin,
            boolean stdout,
            boolean stderr,
            boolean tty,
            WebSocket ws,
            NodeSide nodeSide,
            Runnable release) {
        AtomicBoolean released = new AtomicBoolean();
        Runnable abort =
                () -> {
                    ws.abort();
                    if (released.compareAndSet(false, true)) {
                        release.run();
                    }
                };
        SpdyClientStream client =
                new SpdyClientStream(
                        name,
                        version,
                        stdin,
                        stdout,
                        stderr,
                        tty,
                        c ->
                                nodeSide.bind(
                                        ws,
                                        c,
                                        () -> {
                                            if (released.compareAndSet(false, true)) {
                                                release.run();
                                            }
                                        }),
                        abort);
        try {
            exchange.switchProtocols(
                    Map.of(
                            "Connection",
                            "Upgrade",
                            "Upgrade",
                            "SPDY/3.1",
                            "X-Stream-Protocol-Version",
                            version),
                    channel -> {
                        SpdyConnection connection =
                                SpdyConnection.install(
                                        channel.pipeline(),
                                        null,
                                        client,
                                        SPDY_MAX_STREAMS,
                                        SPDY_IDLE_TIMEOUT);
                        client.installed(connection);
                    });
        } catch (IllegalStateException e) {
            abort.run();
            // HTTP/2 has no connection upgrade (kubectl dials HTTP/1.1 for it)
            throw ApiException.badRequest(
                    "Upgrade request required: a SPDY/3.1 upgrade needs HTTP/1.1");
        }
    }

    /** Streams of this subresource open now (the gauge {@code j8s_apiserver_pod_streams}). */
    public int openStreams() {
        return open.get();
    }

    private void release(String user, AtomicInteger count) {
        open.decrementAndGet();
        if (count.decrementAndGet() <= 0) {
            perUser.remove(user, count);
        }
    }

    /** {@value #MAX_STREAMS_PER_USER_PROPERTY}, else {@link #DEFAULT_MAX_STREAMS_PER_USER}. */
    public static int maxStreamsPerUser() {
        String v = System.getProperty(MAX_STREAMS_PER_USER_PROPERTY);
        if (v == null) {
            return DEFAULT_MAX_STREAMS_PER_USER;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw new NumberFormatException("must be at least 1");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "invalid " + MAX_STREAMS_PER_USER_PROPERTY + "=" + v + ": " + e.getMessage(),
                    e);
        }
    }

    static String negotiate(String offered) {
        if (offered == null) {
            return null;
        }
        for (String p : offered.split(",")) {
            if (PROTOCOLS.contains(p.trim())) {
                return p.trim();
            }
        }
        return null;
    }

    private static boolean flag(HttpExchange exchange, String name) {
        String v = exchange.query(name);
        if (v == null || v.isEmpty()) {
            return false;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "1", "true", "t" -> true;
            case "0", "false", "f" -> false;
            default ->
                    throw ApiException.badRequest("invalid value for " + name + ": \"" + v + "\"");
        };
    }

    private ApiException nodeRefusal(
            Throwable cause, String nodeName, ResourceType podType, String pod) {
        if (cause instanceof WebSocketHandshakeException h) {
            int status = h.getResponse().statusCode();
            String message =
                    h.getResponse()
                            .headers()
                            .firstValue(NODE_ERROR_HEADER)
                            .orElse("the node answered " + status);
            return switch (status) {
                case 400 -> ApiException.badRequest(message);
                case 404 -> ApiException.notFound(podType, pod);
                case 429 -> ApiException.tooManyRequests(message, 1);
                default ->
                        ApiException.internal(
                                "the node \"" + nodeName + "\" refused the stream: " + message);
            };
        }
        return ApiException.serviceUnavailable("cannot reach node \"" + nodeName + "\": " + cause);
    }

    /**
     * The node's WebSocket: its messages go to the client one at a time (the next is requested once
     * the client took the last), the client's go to it one at a time.
     */
    private static final class NodeSide implements WebSocket.Listener {
        private final String name;
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
        private final CompletableFuture<Void> bound = new CompletableFuture<>();
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile WebSocket ws;
        private volatile ClientStream client;
        private volatile Runnable onEnd;

        NodeSide(String name) {
            this.name = name;
        }

        void bind(WebSocket ws, ClientStream client, Runnable onEnd) {
            this.ws = ws;
            this.client = client;
            this.onEnd = onEnd;
            client.start(
                    new ClientStream.Sink() {
                        private CompletableFuture<?> last = CompletableFuture.completedFuture(null);

                        @Override
                        public synchronized CompletionStage<?> onMessage(ByteBuffer message) {
                            // One send at a time (the JDK's WebSocket refuses overlapping sends).
                            last = last.thenCompose(v -> ws.sendBinary(message, true));
                            return last;
                        }

                        @Override
                        public void onClose() {
                            if (!ws.isOutputClosed()) {
                                ws.sendClose(WebSocket.NORMAL_CLOSURE, "")
                                        .orTimeout(5, TimeUnit.SECONDS)
                                        .whenComplete((w, e) -> ws.abort());
                            } else {
                                ws.abort();
                            }
                            end();
                        }
                    });
            bound.complete(null);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            // Nothing is read from the node before the client side is bound (bind requests).
            bound.thenRun(() -> webSocket.request(1));
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (partial.size() + data.remaining() > MAX_MESSAGE_BYTES) {
                webSocket.abort();
                client.close(1009, "message too big");
                end();
                return null;
            }
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.write(b, 0, b.length);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            ByteBuffer message = ByteBuffer.wrap(partial.toByteArray());
            partial.reset();
            client.send(message, () -> webSocket.request(1));
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            int code =
                    statusCode == 1005 || statusCode == 1006 || statusCode < 1000
                            ? 1000
                            : statusCode;
            bound.thenRun(() -> client.close(code, reason == null ? "" : reason));
            end();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            log.atDebug()
                    .addKeyValue("pod", name)
                    .addKeyValue("error", error.toString())
                    .log("node stream failed");
            bound.thenRun(() -> client.close(1011, "the node's stream failed"));
            end();
        }

        private void end() {
            if (ended.compareAndSet(false, true)) {
                bound.thenRun(
                        () -> {
                            onEnd.run();
                            log.atDebug().addKeyValue("pod", name).log("stream closed");
                        });
            }
        }
    }
}
