package io.j8s.apiserver.http;

import java.time.Duration;
import java.util.Objects;

/**
 * How much and how slowly a client may send before the server answers for it (see
 * docs/architecture.md, "Request limits"). Long-running responses (watches, logs) are not bounded:
 * these limits apply only while a request is being received or a connection is idle.
 *
 * @param maxBodyBytes a request body larger than this is answered 413 (Kubernetes' {@code
 *     MaxRequestBodyBytes}, 3 MiB)
 * @param maxHeaderBytes the request line and the headers together (HTTP/2: the header list); more
 *     is answered 431
 * @param handshakeTimeout a TLS handshake must complete within this
 * @param headerTimeout a request's line and headers must arrive within this of its first byte (of
 *     the connection's start, for the first request)
 * @param bodyTimeout a request's whole body must arrive within this of its headers
 * @param idleTimeout a connection with no request in flight is closed after this
 */
public record HttpLimits(
        int maxBodyBytes,
        int maxHeaderBytes,
        Duration handshakeTimeout,
        Duration headerTimeout,
        Duration bodyTimeout,
        Duration idleTimeout) {

    /** Kubernetes' request body limit, and timeouts that no well-behaved client comes near. */
    public static final HttpLimits DEFAULTS =
            new HttpLimits(
                    3 * 1024 * 1024,
                    64 * 1024,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(90));

    public HttpLimits {
        if (maxBodyBytes <= 0 || maxHeaderBytes <= 0) {
            throw new IllegalArgumentException("request size limits must be positive");
        }
        for (Duration d :
                new Duration[] {handshakeTimeout, headerTimeout, bodyTimeout, idleTimeout}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("request timeouts must be positive, got " + d);
            }
        }
    }

    public HttpLimits withMaxBodyBytes(int value) {
        return new HttpLimits(
                value, maxHeaderBytes, handshakeTimeout, headerTimeout, bodyTimeout, idleTimeout);
    }

    public HttpLimits withTimeouts(
            Duration handshake, Duration header, Duration body, Duration idle) {
        return new HttpLimits(maxBodyBytes, maxHeaderBytes, handshake, header, body, idle);
    }
}
