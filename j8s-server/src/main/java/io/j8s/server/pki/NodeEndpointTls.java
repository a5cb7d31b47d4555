package io.j8s.server.pki;

import io.j8s.node.server.RequestAuthenticator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
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
    public static final Identity API_SERVER_CLIENT = new Identity("kube-apiserver-kubelet-client",
            List.of("system:masters"));

    private NodeEndpointTls() {}

    /** The endpoint's TLS context: a fresh serving certificate, client certificates of the CA required. */
    public static SslContext serverContext(CertificateAuthority ca) {
        KeyPair keys = KeyPairs.ecdsa();
        X509Certificate serving = ca.issueServing("j8s-node-endpoint", List.of("127.0.0.1", "localhost"),
                keys.getPublic(), ClusterPki.LEAF_VALIDITY);
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(
                    TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            return SslContextBuilder.forServer(keys.getPrivate(), serving)
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .clientAuth(ClientAuth.REQUIRE)
                    .trustManager(trustManagers)
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the node endpoint's TLS context: " + e.getMessage(), e);
        }
    }

    /** Lets through callers whose (CA-verified) certificate puts them in {@code system:masters}. */
    public static RequestAuthenticator authenticator() {
        return (request, tls) -> {
            if (tls == null) {
                return RequestAuthenticator.Decision.deny(401, "Unauthorized");
            }
            try {
                Certificate[] chain = tls.getPeerCertificates();
                if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                    for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                        if (rdn.getType().equalsIgnoreCase("O") && "system:masters".equals(rdn.getValue())) {
                            return RequestAuthenticator.Decision.ALLOW;
                        }
                    }
                    return RequestAuthenticator.Decision.deny(403, "Forbidden (user="
                            + leaf.getSubjectX500Principal().getName() + ", verb=get, resource=nodes,"
                            + " subresource=log)");
                }
            } catch (SSLPeerUnverifiedException | javax.naming.InvalidNameException e) {
                return RequestAuthenticator.Decision.deny(401, "Unauthorized");
            }
            return RequestAuthenticator.Decision.deny(401, "Unauthorized");
        };
    }
}
