package io.j8s.apiserver.auth;

import io.j8s.apiserver.auth.authn.JoinToken;
import io.j8s.apiserver.auth.authn.LoopbackTokens;
import io.j8s.apiserver.auth.authn.ServiceAccountTokens;
import io.j8s.apiserver.auth.authn.TokenFile;
import io.j8s.apiserver.auth.join.NodeCredentialIssuer;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * What the API server authenticates with; authorization is always Node + RBAC. Immutable.
 *
 * @param clientCas the CAs whose client certificates are accepted
 * @param caBundle the PEM CA bundle served at {@code /cacerts} (what join tokens hash)
 * @param serviceAccountKeys the RSA key pair that signs and verifies service account tokens
 * @param serviceAccountIssuer the {@code iss} of service account tokens, also their API audience
 * @param tokenFile static tokens ({@code --token-auth-file}), or null
 * @param joinToken the token node agents join with, or null (joining disabled)
 * @param nodeCredentials signs joining nodes' certificates, or null (joining disabled)
 * @param loopback the bearer tokens of the server's own in-process clients, or null (none)
 */
public record ApiSecurity(
        List<X509Certificate> clientCas,
        byte[] caBundle,
        KeyPair serviceAccountKeys,
        String serviceAccountIssuer,
        TokenFile tokenFile,
        JoinToken joinToken,
        NodeCredentialIssuer nodeCredentials,
        LoopbackTokens loopback) {

    public ApiSecurity {
        clientCas = List.copyOf(clientCas);
        Objects.requireNonNull(caBundle, "caBundle");
        Objects.requireNonNull(serviceAccountKeys, "serviceAccountKeys");
        if (serviceAccountIssuer == null || serviceAccountIssuer.isEmpty()) {
            serviceAccountIssuer = ServiceAccountTokens.DEFAULT_ISSUER;
        }
        if ((joinToken == null) != (nodeCredentials == null)) {
            throw new IllegalArgumentException(
                    "joining needs both a join token and a node credential issuer");
        }
    }

    /**
     * Client certificates of {@code clientCas} and service account tokens; no token file, no
     * joining.
     */
    public static ApiSecurity of(
            List<X509Certificate> clientCas, byte[] caBundle, KeyPair serviceAccountKeys) {
        return new ApiSecurity(
                clientCas, caBundle, serviceAccountKeys, null, null, null, null, null);
    }

    public ApiSecurity withTokenFile(TokenFile file) {
        return new ApiSecurity(
                clientCas,
                caBundle,
                serviceAccountKeys,
                serviceAccountIssuer,
                file,
                joinToken,
                nodeCredentials,
                loopback);
    }

    public ApiSecurity withJoining(JoinToken token, NodeCredentialIssuer issuer) {
        return new ApiSecurity(
                clientCas,
                caBundle,
                serviceAccountKeys,
                serviceAccountIssuer,
                tokenFile,
                token,
                issuer,
                loopback);
    }

    /** Accepts {@code tokens}, the bearer tokens of the server's own in-process clients. */
    public ApiSecurity withLoopback(LoopbackTokens tokens) {
        return new ApiSecurity(
                clientCas,
                caBundle,
                serviceAccountKeys,
                serviceAccountIssuer,
                tokenFile,
                joinToken,
                nodeCredentials,
                tokens);
    }

    @Override
    public String toString() {
        return "ApiSecurity[clientCas="
                + clientCas.size()
                + ", tokenFile="
                + (tokenFile != null)
                + ", joining="
                + (joinToken != null)
                + "]";
    }
}
