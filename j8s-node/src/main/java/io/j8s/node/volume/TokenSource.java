package io.j8s.node.volume;

import java.time.Instant;
import java.util.List;

/** Requests service account tokens (TokenRequest). Implementations are thread-safe. */
public interface TokenSource {

    /** A token and when it expires. */
    record Token(String token, Instant expiration) {}

    /**
     * {@code POST /api/v1/namespaces/<ns>/serviceaccounts/<sa>/token} with {@code audiences},
     * {@code expirationSeconds} and {@code boundObjectRef {kind: Pod, apiVersion: v1, name, uid}}.
     *
     * @throws java.io.IOException with the API server's message when the request is refused
     */
    Token request(
            String namespace,
            String serviceAccount,
            List<String> audiences,
            long expirationSeconds,
            String podName,
            String podUid)
            throws java.io.IOException;
}
