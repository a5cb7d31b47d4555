package io.j8s.server.pki;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Vert.x instance, one task executor and one JSON mapper for every fabric8 client a process
 * makes. Left to itself each client starts its own Vert.x (event loops, timers) and thread pool,
 * and its own Jackson mapper fills its own (de)serializer caches for every model class it meets:
 * about 3 MB of heap per client, which a server with 150 simulated nodes (one client per node
 * identity) multiplied into 500 MB. Clients still hold their own connections and credentials.
 * Thread-safe.
 */
public final class ClientTransport implements AutoCloseable {
    private final Vertx vertx;
    private final Vertx5HttpClientFactory httpClients;
    private final ExecutorService tasks;
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    public ClientTransport() {
        // the options fabric8 uses for the Vert.x it would start itself
        vertx =
                Vertx.vertx(
                        new VertxOptions()
                                .setUseDaemonThread(true)
                                .setFileSystemOptions(
                                        new FileSystemOptions()
                                                .setFileCachingEnabled(false)
                                                .setClassPathResolvingEnabled(false)));
        httpClients = new Vertx5HttpClientFactory(vertx);
        AtomicInteger threads = new AtomicInteger();
        tasks =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t =
                                    new Thread(r, "j8s-client-task-" + threads.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** A client over this transport; closing it leaves the transport open. */
    public KubernetesClient client(Config config) {
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(httpClients)
                .withTaskExecutor(tasks)
                .withKubernetesSerialization(serialization)
                .build();
    }

    /**
     * A client over this transport with its TLS material given ready-made ({@code config} then
     * holds no client certificate); closing it leaves the transport open.
     */
    public KubernetesClient client(
            Config config,
            javax.net.ssl.KeyManager[] keyManagers,
            javax.net.ssl.TrustManager[] trustManagers) {
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(httpClients)
                .withHttpClientBuilderConsumer(
                        builder -> builder.sslContext(keyManagers, trustManagers))
                .withTaskExecutor(tasks)
                .withKubernetesSerialization(serialization)
                .build();
    }

    /**
     * A client over this transport whose every connection uses {@code tls}, a TLS client context
     * shared by the caller's clients ({@link #sharedClientContext}): one client session cache, so a
     * connection after the first resumes the TLS session (no certificate signed or verified)
     * instead of a full handshake. Only for contexts without a client key (the clients then
     * authenticate by bearer token): a session resumed across clients with different client
     * certificates would carry the first one's identity.
     */
    public KubernetesClient sharedTlsClient(Config config, io.netty.handler.ssl.SslContext tls) {
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(new SharedTlsFactory(vertx, tls))
                .withTaskExecutor(tasks)
                .withKubernetesSerialization(serialization)
                .build();
    }

    /**
     * A TLS client context that trusts {@code trust} only, verifies the server's name against its
     * certificate (as HTTPS does) and presents no client certificate.
     */
    public static io.netty.handler.ssl.SslContext sharedClientContext(
            javax.net.ssl.TrustManager trust) {
        try {
            return io.netty.handler.ssl.SslContextBuilder.forClient()
                    .sslProvider(io.netty.handler.ssl.SslProvider.JDK)
                    .trustManager(trust)
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException("cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * fabric8's Vert.x client factory with one TLS context for every connection: fabric8 sets JDK
     * engine options that build a new context per client (hence a session cache per client); this
     * replaces them after fabric8's own TLS settings ({@code additionalConfig} runs last).
     */
    private static final class SharedTlsFactory extends Vertx5HttpClientFactory {
        private final SharedTlsEngine engine;

        SharedTlsFactory(Vertx vertx, io.netty.handler.ssl.SslContext tls) {
            super(vertx);
            this.engine = new SharedTlsEngine(tls);
        }

        @Override
        protected void additionalConfig(
                io.vertx.ext.web.client.WebClientOptions options,
                io.vertx.core.http.WebSocketClientOptions webSocketOptions,
                io.vertx.core.http.PoolOptions poolOptions) {
            options.setSslEngineOptions(engine);
            webSocketOptions.setSslEngineOptions(engine);
        }
    }

    /** JDK engine options whose every context is the one given. */
    private static final class SharedTlsEngine extends io.vertx.core.net.JdkSSLEngineOptions {
        private final io.netty.handler.ssl.SslContext context;

        SharedTlsEngine(io.netty.handler.ssl.SslContext context) {
            this.context = context;
        }

        @Override
        public io.vertx.core.spi.tls.SslContextFactory sslContextFactory() {
            return () -> context;
        }

        @Override
        public SharedTlsEngine copy() {
            return new SharedTlsEngine(context);
        }
    }

    /** Stops the shared threads; close every client first. */
    @Override
    public void close() {
        tasks.shutdownNow();
        vertx.close();
    }
}
