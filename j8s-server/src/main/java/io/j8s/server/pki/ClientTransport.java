package io.j8s.server.pki;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.j8s.client.cache.ComponentSerialization;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Vert.x instance, one task executor and one JSON mapper for every fabric8 client a process
 * makes (the components' mapper is shared by every server of the JVM: {@link
 * ComponentSerialization#shared}). Left to itself each client starts its own Vert.x (event loops,
 * timers) and thread pool, and its own Jackson mapper fills its own (de)serializer caches for every
 * model class it meets: about 3 MB of heap per client, which a server with 150 simulated nodes (one
 * client per node identity) multiplied into 500 MB. Clients still hold their own connections and
 * credentials. Thread-safe.
 */
public final class ClientTransport implements AutoCloseable {
    private Vertx vertx; // made at the first client over it: guarded by this
    private Vertx5HttpClientFactory httpClients; // guarded by this
    private final ExecutorService tasks;
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final KubernetesSerialization componentSerialization = ComponentSerialization.shared();

    public ClientTransport() {
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

    /**
     * The client of a component (a joined agent's node agents and proxy) over this transport: it
     * reads objects without their managed fields ({@link ComponentSerialization}); closing it
     * leaves the transport open.
     */
    public KubernetesClient componentClient(Config config) {
        return componentClient(config, httpClients());
    }

    /**
     * The Vert.x HTTP clients, started at the first client that needs them: a server's own
     * components use the in-process transport, so a server's start need not pay for Vert.x.
     */
    private synchronized Vertx5HttpClientFactory httpClients() {
        if (httpClients == null) {
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
        }
        return httpClients;
    }

    /**
     * The client of a component over this transport's executor whose requests go through {@code
     * httpClients} (this transport's, or the in-process transport); it reads objects without their
     * managed fields ({@link ComponentSerialization}); closing it leaves the transport open.
     */
    public KubernetesClient componentClient(
            Config config, io.fabric8.kubernetes.client.http.HttpClient.Factory httpClients) {
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(httpClients)
                .withTaskExecutor(tasks)
                .withKubernetesSerialization(componentSerialization)
                .build();
    }

    /**
     * A client over this transport with its TLS material given ready-made ({@code config} then
     * holds no client certificate); closing it leaves the transport open. A {@code component}'s
     * client reads objects without their managed fields ({@link ComponentSerialization}).
     */
    public KubernetesClient client(
            Config config,
            javax.net.ssl.KeyManager[] keyManagers,
            javax.net.ssl.TrustManager[] trustManagers,
            boolean component) {
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(httpClients())
                .withHttpClientBuilderConsumer(
                        builder -> builder.sslContext(keyManagers, trustManagers))
                .withTaskExecutor(tasks)
                .withKubernetesSerialization(component ? componentSerialization : serialization)
                .build();
    }

    /** Stops the shared threads; close every client first. */
    @Override
    public void close() {
        tasks.shutdownNow();
        synchronized (this) {
            if (vertx != null) {
                vertx.close();
            }
        }
    }
}
