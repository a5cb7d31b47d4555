package io.j8s.server.pki;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLException;
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
            // no key store: a new JKS store is really PKCS#12, whose 10,000-round PBES2 key
            // encryption cost a tenth of a start's CPU (docs/architecture.md, "Start-up")
            return SslContextBuilder.forServer(
                            new InMemoryKeyManager(serving.key(), serving.certificate()))
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .clientAuth(ClientAuth.OPTIONAL)
                    .trustManager(new AnyClientCertificate(clientCas))
                    .applicationProtocolConfig(
                            new ApplicationProtocolConfig(
                                    ApplicationProtocolConfig.Protocol.ALPN,
                                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                    ApplicationProtocolConfig.SelectedListenerFailureBehavior
                                            .ACCEPT,
                                    ApplicationProtocolNames.HTTP_2,
                                    ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(
                    "cannot build the serving TLS context: " + e.getMessage(), e);
        }
    }

    /** Names the client CAs in the handshake, accepts whatever the client presents. */
    private static final class AnyClientCertificate extends SimpleTrustManagerFactory {
        private final X509ExtendedTrustManager manager;

        AnyClientCertificate(List<X509Certificate> clientCas) {
            X509Certificate[] issuers = clientCas.toArray(X509Certificate[]::new);
            this.manager =
                    new ChainOnlyTrustManager() {
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

        @Override
        protected void engineInit(KeyStore keyStore) {}

        @Override
        protected void engineInit(ManagerFactoryParameters params) {}

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {manager};
        }
    }
}
