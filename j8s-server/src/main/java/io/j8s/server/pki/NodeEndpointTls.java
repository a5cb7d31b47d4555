package io.j8s.server.pki;

import io.j8s.node.server.NodeEndpointAuthenticator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.SslContext;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS of the node agents' log endpoint (the kubelet port the API server proxies {@code pods/log}
 * to): a serving certificate from the cluster CA for {@code 127.0.0.1}/{@code localhost}, and a
 * client certificate from the same CA required of every caller, who must be in {@code
 * system:masters} — the API server's {@link #API_SERVER_CLIENT} is. Other local users reach
 * container logs only through the API, under RBAC.
 */
public final class NodeEndpointTls {
    /** The API server's identity towards node endpoints (kubeadm's apiserver-kubelet-client). */
    public static final Identity API_SERVER_CLIENT =
            new Identity("kube-apiserver-kubelet-client", List.of("system:masters"));

    /**
     * The Node annotation in which a node agent running in its own process publishes the SHA-256 of
     * its log endpoint's certificate (see {@link PinnedTrust}).
     */
    public static final String CERTIFICATE_SHA256_ANNOTATION =
            "node.j8s.io/endpoint-certificate-sha256";

    private NodeEndpointTls() {}

    /**
     * The API server's clients towards node endpoints: the one trusting the cluster CA (in-process
     * nodes), or, for a Node that publishes {@link #CERTIFICATE_SHA256_ANNOTATION}, one trusting
     * exactly that certificate. Clients are made once per trust and reused. Thread safe.
     */
    public static java.util.function.Function<
                    tools.jackson.databind.JsonNode, java.net.http.HttpClient>
            apiServerClients(ClientCredentials credentials) {
        java.util.Map<String, java.net.http.HttpClient> clients =
                new java.util.concurrent.ConcurrentHashMap<>();
        return node -> {
            String pin =
                    node.path("metadata")
                            .path("annotations")
                            .path(CERTIFICATE_SHA256_ANNOTATION)
                            .asString("");
            return clients.computeIfAbsent(
                    pin,
                    p ->
                            java.net.http.HttpClient.newBuilder()
                                    .sslContext(
                                            credentials.sslContext(
                                                    API_SERVER_CLIENT,
                                                    p.isEmpty()
                                                            ? null
                                                            : new javax.net.ssl.TrustManager[] {
                                                                new PinnedTrust(p)
                                                            }))
                                    .connectTimeout(java.time.Duration.ofSeconds(5))
                                    .build());
        };
    }

    /**
     * The log endpoint of a node agent in its own process: its TLS context and its certificate's
     * fingerprint.
     */
    public record AgentEndpoint(SslContext sslContext, String sha256) {}

    /**
     * Loads (or creates, or renews when it expires within {@link ClusterPki#RENEW_BEFORE}) the
     * agent's serving certificate in {@code dir} ({@code node-endpoint.crt}, {@code
     * node-endpoint.key}, mode 0600): issued for {@code hosts} by a throwaway CA whose key is never
     * kept, so nothing but its fingerprint vouches for it.
     */
    public static AgentEndpoint agentEndpoint(
            java.nio.file.Path dir,
            String nodeName,
            List<String> hosts,
            X509Certificate clusterCa,
            java.time.Clock clock) {
        java.nio.file.Path certFile = dir.resolve("node-endpoint.crt");
        java.nio.file.Path keyFile = dir.resolve("node-endpoint.key");
        String certPem = PrivateFiles.readIfExists(certFile);
        String keyPem = PrivateFiles.readIfExists(keyFile);
        Leaf leaf = null;
        if (certPem != null && keyPem != null) {
            Leaf existing =
                    new Leaf(Pem.certificate(certPem), PrivateFiles.privateKey(keyFile, keyPem));
            if (!existing.expiresWithin(ClusterPki.RENEW_BEFORE, clock.instant())) {
                leaf = existing;
            }
        }
        if (leaf == null) {
            KeyPair keys = KeyPairs.ecdsa();
            CertificateAuthority issuer =
                    CertificateAuthority.create(
                            "j8s-node-endpoint-issuer " + nodeName,
                            ClusterPki.LEAF_VALIDITY,
                            clock);
            leaf =
                    new Leaf(
                            issuer.issueServing(
                                    "j8s-node-endpoint " + nodeName,
                                    hosts,
                                    keys.getPublic(),
                                    ClusterPki.LEAF_VALIDITY),
                            keys.getPrivate());
            PrivateFiles.writeSecret(keyFile, leaf.keyPem());
            PrivateFiles.writePublic(certFile, leaf.certificatePem());
        }
        return new AgentEndpoint(
                serverContext(leaf, clusterCa), PinnedTrust.fingerprint(leaf.certificate()));
    }

    /**
     * The TLS context of a node agent's own log endpoint (one running in its own process): its
     * serving certificate, and client certificates of the cluster CA required.
     */
    public static SslContext serverContext(Leaf serving, X509Certificate clusterCa) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", clusterCa);
            TrustManagerFactory trustManagers =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            // no key store: no PKCS#12 key encryption (see ServingTls)
            return ServingTls.jdkServerContext(
                    new InMemoryKeyManager(serving.key(), serving.certificate()),
                    trustManagers.getTrustManagers(),
                    ClientAuth.REQUIRE,
                    null,
                    IdentityCipherSuiteFilter.INSTANCE,
                    null);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot build the node endpoint's TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * The endpoint's TLS context: a fresh serving certificate, client certificates of the CA
     * required.
     */
    public static SslContext serverContext(CertificateAuthority ca) {
        KeyPair keys = KeyPairs.ecdsa();
        X509Certificate serving =
                ca.issueServing(
                        "j8s-node-endpoint",
                        List.of("127.0.0.1", "localhost"),
                        keys.getPublic(),
                        ClusterPki.LEAF_VALIDITY);
        return serverContext(new Leaf(serving, keys.getPrivate()), ca.certificate());
    }

    /** Lets through callers whose (CA-verified) certificate puts them in {@code system:masters}. */
    public static NodeEndpointAuthenticator authenticator() {
        return (request, tls) -> {
            if (tls == null) {
                return NodeEndpointAuthenticator.Decision.deny(401, "Unauthorized");
            }
            try {
                Certificate[] chain = tls.getPeerCertificates();
                if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                    for (Rdn rdn :
                            new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                        if (rdn.getType().equalsIgnoreCase("O")
                                && "system:masters".equals(rdn.getValue())) {
                            return NodeEndpointAuthenticator.Decision.ALLOW;
                        }
                    }
                    return NodeEndpointAuthenticator.Decision.deny(
                            403,
                            "Forbidden (user="
                                    + leaf.getSubjectX500Principal().getName()
                                    + ", verb=get, resource=nodes,"
                                    + " subresource=log)");
                }
            } catch (SSLPeerUnverifiedException | javax.naming.InvalidNameException e) {
                return NodeEndpointAuthenticator.Decision.deny(401, "Unauthorized");
            }
            return NodeEndpointAuthenticator.Decision.deny(401, "Unauthorized");
        };
    }
}
