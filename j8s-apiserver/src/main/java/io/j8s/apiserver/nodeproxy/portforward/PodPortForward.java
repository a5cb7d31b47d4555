package io.j8s.apiserver.nodeproxy.portforward;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.nodeproxy.NodeEndpoints;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.SubresourceHandler;
import io.j8s.apiserver.spdy.SpdyConnection;
import io.j8s.apiserver.spdy.WebSocketTunnel;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pods/portforward}: finds the Pod's node and relays each forwarded TCP connection to that
 * node's {@code /portForward/{namespace}/{pod}?port=N} WebSocket (one per connection, see {@link
 * NodeStream}). Three client transports, as a real API server and kubelet accept them:
 *
 * <ul>
 *   <li>an HTTP/1.1 upgrade to SPDY/3.1 ({@code X-Stream-Protocol-Version: portforward.k8s.io}):
 *       kubectl up to 1.30, and later ones when the WebSocket fails;
 *   <li>SPDY/3.1 tunneled in binary WebSocket messages (subprotocol {@code
 *       SPDY/3.1+portforward.k8s.io}): kubectl 1.31+;
 *   <li>WebSocket channels ({@code v4.channel.k8s.io}, {@code ?ports=80,8080}): fabric8,
 *       client-java, the Python client ({@link ChannelPortForward}).
 * </ul>
 *
 * Authorized as {@code create pods/portforward} whatever the method (see RequestInfo). Over the
 * limits ({@link PortForwardLimits}) before the upgrade: 429; after it: an error on the pair's
 * error stream.
 */
public final class PodPortForward implements SubresourceHandler {
    private static final Logger log = LoggerFactory.getLogger(PodPortForward.class);
    static final String SPDY_PROTOCOL = "portforward.k8s.io";
    static final String TUNNEL_SUBPROTOCOL = "SPDY/3.1+portforward.k8s.io";
    static final String V4_BINARY = "v4.channel.k8s.io";

    private final ObjectRegistry registry;
    private final Function<String, ResourceType> types;
    private final Function<JsonNode, HttpClient> nodeClient;
    private final String scheme;
    private final PortForwardLimits limits;

    /** Where one client connection's forwards go, and whose they are. */
    record Target(
            String pod,
            String node,
            String user,
            PortForwardLimits limits,
            HttpClient http,
            String baseUri) {
        URI uri(int port) {
            return URI.create(baseUri + "?port=" + port);
        }
    }

    /**
     * @param nodeClient the HTTP client that reaches a node's endpoint (with the server's client
     *     certificate, trusting that node's serving certificate, when {@code scheme} is https)
     */
    public PodPortForward(
            ObjectRegistry registry,
            Function<String, ResourceType> types,
            Function<JsonNode, HttpClient> nodeClient,
            String scheme,
            PortForwardLimits limits) {
        this.registry = registry;
        this.types = types;
        this.nodeClient = nodeClient;
        this.scheme = scheme;
        this.limits = limits;
    }

    @Override
    public void handle(HttpExchange exchange, RequestInfo info, ResourceType podType) {
        if (!"create".equals(info.verb())) {
            throw ApiException.methodNotAllowed(exchange.method(), "pods/portforward");
        }
        ObjectNode pod =
                registry.read(podType, info.namespace(), info.name())
                        .orElseThrow(() -> ApiException.notFound(podType, info.name()))
                        .object();
        String nodeName = pod.path("spec").path("nodeName").asString("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("pod " + info.name() + " does not have a host assigned");
        }
        ObjectNode node =
                NodeEndpoints.nodeOf(registry, types.apply("Node"), info.name(), nodeName);
        UserInfo user = exchange.attachment(UserInfo.class);
        String userName = user == null ? "system:anonymous" : user.name();
        Target target =
                new Target(
                        info.namespace() + "/" + info.name(),
                        nodeName,
                        userName,
                        limits,
                        nodeClient.apply(node),
                        baseUri(node, nodeName, info.namespace(), info.name()));

        String upgrade = exchange.header("Upgrade");
        if (exchange.isWebSocketUpgrade()) {
            String problem = exchange.webSocketHandshakeProblem();
            if (problem != null) {
                throw ApiException.badRequest(problem);
            }
            List<String> offered = subprotocols(exchange);
            refuseOverLimit(target);
            if (offered.contains(TUNNEL_SUBPROTOCOL)) {
                log.atDebug()
                        .addKeyValue("pod", target.pod())
                        .log("port-forward: SPDY over WebSocket");
                exchange.upgradeToWebSocket(
                        TUNNEL_SUBPROTOCOL,
                        1 << 20,
                        channel -> {
                            channel.pipeline().addLast("ws-tunnel", new WebSocketTunnel());
                            SpdyConnection.install(
                                    channel.pipeline(),
                                    null,
                                    new SpdyPortForward(target),
                                    limits.streamsPerConnection(),
                                    limits.idleTimeout());
                        });
                return;
            }
            if (offered.isEmpty() || offered.contains(V4_BINARY)) {
                List<Integer> ports = ChannelPortForward.ports(exchange.queries("ports"));
                exchange.upgradeToWebSocket(
                        V4_BINARY,
                        1 << 20,
                        channel -> ChannelPortForward.install(channel, target, ports));
                return;
            }
            throw ApiException.badRequest(
                    "unable to upgrade: none of the requested WebSocket subprotocols "
                            + offered
                            + " is supported: "
                            + List.of(TUNNEL_SUBPROTOCOL, V4_BINARY));
        }
        if (upgrade == null || !upgrade.toLowerCase(Locale.ROOT).startsWith("spdy/3.1")) {
            throw ApiException.badRequest("Upgrade request required");
        }
        List<String> versions = new ArrayList<>();
        for (String v : exchange.headers().getAll("X-Stream-Protocol-Version")) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    versions.add(part.trim());
                }
            }
        }
        if (!versions.isEmpty() && !versions.contains(SPDY_PROTOCOL)) {
            throw ApiException.forbidden(
                    "unable to upgrade: unable to negotiate protocol: client supports "
                            + versions
                            + ", server supports ["
                            + SPDY_PROTOCOL
                            + "]");
        }
        refuseOverLimit(target);
        log.atDebug().addKeyValue("pod", target.pod()).log("port-forward: SPDY/3.1 upgrade");
        try {
            exchange.switchProtocols(
                    Map.of(
                            "Connection",
                            "Upgrade",
                            "Upgrade",
                            "SPDY/3.1",
                            "X-Stream-Protocol-Version",
                            SPDY_PROTOCOL),
                    channel ->
                            SpdyConnection.install(
                                    channel.pipeline(),
                                    null,
                                    new SpdyPortForward(target),
                                    limits.streamsPerConnection(),
                                    limits.idleTimeout()));
        } catch (IllegalStateException e) {
            // HTTP/2 has no connection upgrade (kubectl dials HTTP/1.1 for it)
            throw ApiException.badRequest(
                    "Upgrade request required: a SPDY/3.1 upgrade needs HTTP/1.1");
        }
    }

    private void refuseOverLimit(Target target) {
        String why = limits.refusal(target.node(), target.user());
        if (why != null) {
            throw ApiException.tooManyRequests(why, 1);
        }
    }

    private static List<String> subprotocols(HttpExchange exchange) {
        List<String> out = new ArrayList<>();
        for (String v : exchange.headers().getAll("Sec-WebSocket-Protocol")) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    private String baseUri(ObjectNode node, String nodeName, String namespace, String pod) {
        String ws = "https".equals(scheme) ? "wss" : "ws";
        return NodeEndpoints.base(node, nodeName, ws)
                + "/portForward/"
                + URLEncoder.encode(namespace, StandardCharsets.UTF_8)
                + "/"
                + URLEncoder.encode(pod, StandardCharsets.UTF_8);
    }
}
