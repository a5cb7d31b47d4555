package io.j8s.node.server;

import io.netty.handler.codec.http.HttpRequest;
import javax.net.ssl.SSLSession;

/**
 * Decides whether a request to the node's log endpoint may proceed — the hook for client
 * certificate checks (the API server proxies {@code pods/log} with its kubelet client certificate).
 * Called on the Netty event loop: must not block.
 */
@FunctionalInterface
public interface NodeEndpointAuthenticator {

    /**
     * @param tls the TLS session of the connection (peer certificates are there), or null on plain
     *     HTTP
     */
    Decision authenticate(HttpRequest request, SSLSession tls);

    /** Lets every request through (plain HTTP on loopback, tests). */
    NodeEndpointAuthenticator ALLOW_ALL = (request, tls) -> Decision.ALLOW;

    /** The outcome: allowed, or an HTTP status (401/403) with a message. */
    record Decision(boolean allowed, int status, String message) {
        public static final Decision ALLOW = new Decision(true, 200, null);

        public static Decision deny(int status, String message) {
            return new Decision(false, status, message);
        }
    }
}
