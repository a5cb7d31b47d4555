package io.j8s.server.pki;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.CipherSuiteFilter;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The API server's TLS: TLS 1.3/1.2, ALPN offering {@code h2} then {@code http/1.1} (kubectl asks
 * for h2), and client certificates requested but optional, so bearer tokens work too. Any presented
 * client certificate passes the handshake (possession of its key is still proven); the API server's
 * X.509 authenticator verifies it against the client CAs and answers 401 when it does not verify,
 * as the Kubernetes apiserver does.
 */
public final class ServingTls {
    private ServingTls() {}

    public static SslContext context(Leaf serving, List<X509Certificate> clientCas) {
        try {
            return jdkServerContext(
                    new InMemoryKeyManager(serving.key(), serving.certificate()),
                    new TrustManager[] {anyClientCertificate(clientCas)},
                    ClientAuth.OPTIONAL,
                    Http2SecurityUtil.CIPHERS,
                    SupportedCipherSuiteFilter.INSTANCE,
                    new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2,
                            ApplicationProtocolNames.HTTP_1_1));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(
                    "cannot build the serving TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * A Netty server context over the JDK's TLS (TLS 1.3 and 1.2) with these key and trust
     * managers, built without {@code SslContextBuilder}: the builder's {@code JdkSslServerContext}
     * runs, once per JVM, a static self-test that parses an RSA key, stores it in a PKCS#12 key
     * store (PBES2) and reads it back, the largest single item of a first cluster's start in a
     * fresh JVM (docs/architecture.md, "Start-up"). {@code ciphers} null: Netty's defaults, as the
     * builder gives; {@code alpn} null: no protocol negotiation.
     */
    static SslContext jdkServerContext(
            KeyManager keys,
            TrustManager[] trust,
            ClientAuth clientAuth,
            Iterable<String> ciphers,
            CipherSuiteFilter cipherFilter,
            ApplicationProtocolConfig alpn)
            throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {keys}, trust, null);
        return new JdkSslContext(
                context,
                false,
                ciphers,
                cipherFilter,
                alpn,
                clientAuth,
                new String[] {"TLSv1.3", "TLSv1.2"},
                false);
    }

    /** Names the client CAs in the handshake, accepts whatever the client presents. */
    private static X509ExtendedTrustManager anyClientCertificate(List<X509Certificate> clientCas) {
        X509Certificate[] issuers = clientCas.toArray(X509Certificate[]::new);
        return new ChainOnlyTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType)
                    throws CertificateException {
                throw new CertificateException("a server does not verify servers");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return issuers.clone();
            }
        };
    }
}
