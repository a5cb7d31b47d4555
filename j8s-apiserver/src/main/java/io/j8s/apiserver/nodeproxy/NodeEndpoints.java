package io.j8s.apiserver.nodeproxy;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.registry.ObjectRegistry;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where the API server reaches a node agent's endpoint (the kubelet's port): the Node's {@code
 * InternalIP} and {@code status.daemonEndpoints.kubeletEndpoint.Port}, as Kubernetes' API server
 * finds the kubelet. Shared by {@code pods/log}, {@code pods/exec}, {@code pods/attach}, {@code
 * pods/portforward} and the Metrics API's scrapes.
 */
public final class NodeEndpoints {

    /** A node endpoint's address and port. */
    public record Endpoint(String address, int port) {
        /** {@code scheme://address:port} (an IPv6 address in brackets). */
        public String base(String scheme) {
            String host = address.contains(":") ? "[" + address + "]" : address;
            return scheme + "://" + host + ":" + port;
        }
    }

    private NodeEndpoints() {}

    /** The endpoint {@code node} advertises, or empty when it advertises none yet. */
    public static Optional<Endpoint> of(JsonNode node) {
        String address = null;
        for (JsonNode a : node.path("status").path("addresses")) {
            if ("InternalIP".equals(a.path("type").asString(""))) {
                address = a.path("address").asString();
                break;
            }
        }
        int port =
                node.path("status")
                        .path("daemonEndpoints")
                        .path("kubeletEndpoint")
                        .path("Port")
                        .asInt(0);
        return address == null || port <= 0
                ? Optional.empty()
                : Optional.of(new Endpoint(address, port));
    }

    /**
     * {@code scheme://address:port} of {@code node}'s endpoint.
     *
     * @throws ApiException 503 when the Node does not advertise one
     */
    public static String base(JsonNode node, String nodeName, String scheme) {
        return of(node).orElseThrow(
                        () ->
                                ApiException.serviceUnavailable(
                                        "node \""
                                                + nodeName
                                                + "\" does not advertise its endpoint"
                                                + " (status.addresses InternalIP and status.daemonEndpoints.kubeletEndpoint.Port)"))
                .base(scheme);
    }

    /**
     * The Node a Pod is bound to.
     *
     * @throws ApiException 400 when that Node does not exist
     */
    public static ObjectNode nodeOf(
            ObjectRegistry registry, ResourceType nodeType, String podName, String nodeName) {
        return registry.read(nodeType, null, nodeName)
                .orElseThrow(
                        () ->
                                ApiException.badRequest(
                                        "pod "
                                                + podName
                                                + " is bound to node "
                                                + nodeName
                                                + ", which does not exist"))
                .object();
    }
}
