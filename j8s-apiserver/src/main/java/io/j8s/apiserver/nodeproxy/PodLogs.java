package io.j8s.apiserver.nodeproxy;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.request.QueryParameters;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.SubresourceHandler;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code pods/log}: finds the Pod's node, asks that node's log endpoint ({@code
 * /containerLogs/<ns>/<pod>/<container>}, as the kubelet serves it) and streams the answer back to
 * the client, {@code follow} included. The connection to the node is authenticated by the client
 * the server is given (a certificate issued by the cluster CA, with TLS).
 *
 * <p>A follow holds one worker thread for its duration; output is copied only while the client's
 * connection is writable, so a slow reader slows the node read instead of filling memory.
 */
public final class PodLogs implements SubresourceHandler {
    private static final Logger log = LoggerFactory.getLogger(PodLogs.class);
    private static final List<String> BOOLEAN_PARAMETERS =
            List.of("follow", "previous", "timestamps");
    private static final List<String> INTEGER_PARAMETERS =
            List.of("tailLines", "limitBytes", "sinceSeconds");

    private final ObjectRegistry registry;
    private final Function<String, ResourceType> types;
    private final Function<JsonNode, HttpClient> nodeClient;
    private final String scheme;

    /**
     * @param nodeClient the HTTP client that reaches a node's log endpoint (with the server's
     *     client certificate, trusting that node's serving certificate, when {@code scheme} is
     *     https)
     */
    public PodLogs(
            ObjectRegistry registry,
            Function<String, ResourceType> types,
            Function<JsonNode, HttpClient> nodeClient,
            String scheme) {
        this.registry = registry;
        this.types = types;
        this.nodeClient = nodeClient;
        this.scheme = scheme;
    }

    @Override
    public void handle(HttpExchange exchange, RequestInfo info, ResourceType podType) {
        if (!"get".equals(info.verb())) {
            throw ApiException.methodNotAllowed(exchange.method(), "pods/log");
        }
        ObjectNode pod =
                registry.read(podType, info.namespace(), info.name())
                        .orElseThrow(() -> ApiException.notFound(podType, info.name()))
                        .object();
        String container = container(pod, info.name(), exchange.query("container"));
        String nodeName = pod.path("spec").path("nodeName").asString("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest(
                    "container \""
                            + container
                            + "\" in pod \""
                            + info.name()
                            + "\" is waiting to start: the pod is not scheduled to a node yet");
        }
        ObjectNode node =
                NodeEndpoints.nodeOf(registry, types.apply("Node"), info.name(), nodeName);
        URI uri = nodeUri(node, nodeName, info.namespace(), info.name(), container, exchange);
        HttpResponse<InputStream> response;
        try {
            response =
                    nodeClient
                            .apply(node)
                            .send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(30))
                                            .GET()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw ApiException.serviceUnavailable(
                    "cannot reach the log endpoint of node \""
                            + nodeName
                            + "\" at "
                            + uri.getAuthority()
                            + ": "
                            + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.serviceUnavailable(
                    "interrupted while reaching node \"" + nodeName + "\"");
        }
        copy(exchange, response, info);
    }

    private void copy(HttpExchange exchange, HttpResponse<InputStream> response, RequestInfo info) {
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                String message = new String(body.readAllBytes(), StandardCharsets.UTF_8).trim();
                throw switch (response.statusCode()) {
                    case 404 -> ApiException.notFound(types.apply("Pod"), info.name());
                    case 400 -> ApiException.badRequest(message);
                    case 401, 403 ->
                            ApiException.internal("the node refused the API server: " + message);
                    default ->
                            ApiException.internal(
                                    "the node answered " + response.statusCode() + ": " + message);
                };
            }
            HttpExchange.ResponseStream out = exchange.stream(200, "text/plain", Map.of());
            Object writable = new Object();
            out.onWritable(
                    () -> {
                        synchronized (writable) {
                            writable.notifyAll();
                        }
                    });
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = body.read(buffer)) >= 0 && out.isOpen()) {
                if (n == 0) {
                    continue;
                }
                out.write(Unpooled.copiedBuffer(buffer, 0, n));
                out.flush();
                synchronized (writable) {
                    while (!out.isWritable() && out.isOpen()) {
                        writable.wait(1000);
                    }
                }
            }
            out.end();
        } catch (IOException e) {
            log.atDebug()
                    .addKeyValue("pod", info.namespace() + "/" + info.name())
                    .addKeyValue("error", e.toString())
                    .log("log stream from the node ended");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private URI nodeUri(
            ObjectNode node,
            String nodeName,
            String namespace,
            String pod,
            String container,
            HttpExchange exchange) {
        // PodLogOptions as the apiserver decodes them (?follow=True is a follow), passed on
        // canonical.
        List<String> query = new ArrayList<>();
        for (String parameter : BOOLEAN_PARAMETERS) {
            if (exchange.query(parameter) != null) {
                query.add(parameter + "=" + QueryParameters.bool(exchange, parameter));
            }
        }
        for (String parameter : INTEGER_PARAMETERS) {
            Long value = QueryParameters.int64(exchange, parameter);
            if (value != null) {
                query.add(parameter + "=" + value);
            }
        }
        String sinceTime = exchange.query("sinceTime");
        if (sinceTime != null) {
            query.add("sinceTime=" + URLEncoder.encode(sinceTime, StandardCharsets.UTF_8));
        }
        return URI.create(
                NodeEndpoints.base(node, nodeName, scheme)
                        + "/containerLogs/"
                        + namespace
                        + "/"
                        + pod
                        + "/"
                        + container
                        + (query.isEmpty() ? "" : "?" + String.join("&", query)));
    }

    /** The container asked for, or the only one; as the real apiserver words a missing choice. */
    static String container(ObjectNode pod, String podName, String requested) {
        List<String> names = new ArrayList<>();
        for (JsonNode c : pod.path("spec").path("containers")) {
            names.add(c.path("name").asString(""));
        }
        List<String> all = new ArrayList<>(names);
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            all.add(c.path("name").asString(""));
        }
        if (requested != null && !requested.isEmpty()) {
            if (!all.contains(requested)) {
                throw ApiException.badRequest(
                        "container " + requested + " is not valid for pod " + podName);
            }
            return requested;
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        throw ApiException.badRequest(
                "a container name must be specified for pod "
                        + podName
                        + ", choose one of: "
                        + names);
    }
}
