package io.j8s.proxy.model;

import java.util.Objects;

/**
 * One backend of a Service port as an EndpointSlice describes it. Immutable.
 *
 * @param ip IPv4 address literal
 * @param port the endpoint's port for this Service port
 * @param ready the slice's {@code ready} condition ({@code null} in the API counts as ready)
 * @param serving the {@code serving} condition ({@code null} counts as serving)
 * @param terminating the {@code terminating} condition ({@code null} counts as not terminating)
 * @param nodeName the node hosting the endpoint, or {@code null}
 * @param podName {@code targetRef.name} when the target is a Pod, or {@code null}
 */
public record EndpointState(
        String ip,
        int port,
        boolean ready,
        boolean serving,
        boolean terminating,
        String nodeName,
        String podName) {

    public EndpointState {
        Objects.requireNonNull(ip, "ip");
        if (!Ipv4.isLiteral(ip)) {
            throw new IllegalArgumentException(
                    "endpoint IP must be an IPv4 literal, got \"" + ip + "\"");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("endpoint port must be 1..65535, got " + port);
        }
    }

    /** A ready, serving, not terminating endpoint on no particular node. */
    public static EndpointState ready(String ip, int port) {
        return new EndpointState(ip, port, true, true, false, null, null);
    }

    /** {@code ip:port}; what identifies the endpoint in tables, logs and metric tags. */
    public String address() {
        return ip + ":" + port;
    }
}
