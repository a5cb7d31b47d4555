package io.j8s.apiserver.auth.join;

/**
 * Signs a joining node's client certificate with the cluster CA. The certificate's subject is set
 * by the issuer ({@code CN=system:node:<name>, O=system:nodes}); the request only contributes its
 * public key and the proof that the node holds the private one. Thread safe.
 */
@FunctionalInterface
public interface NodeCredentialIssuer {
    /**
     * @param csrPem a PEM PKCS#10 certificate signing request
     * @return the PEM certificate
     * @throws IllegalArgumentException when the request is malformed or its signature does not
     *     verify
     */
    String issue(String nodeName, String csrPem);
}
