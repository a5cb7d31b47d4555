package io.j8s.server.pki;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.apiserver.auth.authn.LoopbackTokens;
import io.j8s.server.loopback.LoopbackHttpClientFactory;
import io.netty.channel.local.LocalAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API credentials for in-process components and tests: a client certificate per {@link Identity},
 * issued by the cluster CA in memory (never written), and the fabric8 {@link Config} or client that
 * uses it over TLS verified against the CA. Certificates are issued once per identity and valid for
 * {@link ClusterPki#LEAF_VALIDITY}; a server restart issues new ones.
 *
 * <p>The server's own components get theirs from {@link #componentClient(Identity)}: when the API
 * server runs in this process, a client over its in-process listener authenticated by a loopback
 * token (no certificate, no TLS; docs/architecture.md, "Components"), else the same client as
 * {@link #client(Identity)}.
 *
 * <p>Clients from {@link #client(Identity)} and {@link #componentClient(Identity)} are shared per
 * identity, run over one {@link ClientTransport} and are closed by {@link #close()}; callers must
 * not close them. Thread safe.
 */
public final class ClientCredentials implements AutoCloseable {
    private final CertificateAuthority ca;
    private final String caPem;
    private final java.util.function.Supplier<String> serverUrl;
    private final Map<Identity, Leaf> leaves = new ConcurrentHashMap<>();
    private final Map<Identity, KubernetesClient> clients = new ConcurrentHashMap<>();
    private final Map<Identity, KubernetesClient> componentClients = new ConcurrentHashMap<>();
    private final ClientTransport transport = new ClientTransport();
    private final Loopback loopback;
    private final LoopbackHttpClientFactory loopbackClients;
    private volatile boolean closed;

    /**
     * The in-process transport of the components' clients.
     *
     * @param tokens issues each component identity its loopback token (the API server accepts them)
     * @param address the API server's in-process listener (asked at each request)
     */
    public record Loopback(
            LoopbackTokens tokens, java.util.function.Supplier<LocalAddress> address) {}

    /**
     * @param serverUrl the API server's URL (asked when a configuration is made, so it may follow
     *     binding)
     */
    public ClientCredentials(
            CertificateAuthority ca, String caPem, java.util.function.Supplier<String> serverUrl) {
        this(ca, caPem, serverUrl, null);
    }

    /**
     * @param loopback the in-process transport of {@link #componentClient(Identity)}, or null: the
     *     components' clients are then TLS clients with certificates, as {@link #client(Identity)}
     */
    public ClientCredentials(
            CertificateAuthority ca,
            String caPem,
            java.util.function.Supplier<String> serverUrl,
            Loopback loopback) {
        this.ca = ca;
        this.caPem = caPem;
        this.serverUrl = serverUrl;
        this.loopback = loopback;
        this.loopbackClients =
                loopback == null ? null : new LoopbackHttpClientFactory(loopback.address());
    }

    /** The client certificate and key of {@code identity}. */
    public Leaf credential(Identity identity) {
        return leaves.computeIfAbsent(
                identity,
                id -> {
                    KeyPair keys = KeyPairs.ecdsa();
                    return new Leaf(
                            ca.issueClient(
                                    id.user(),
                                    id.groups(),
                                    keys.getPublic(),
                                    ClusterPki.LEAF_VALIDITY),
                            keys.getPrivate());
                });
    }

    /** A fabric8 configuration acting as {@code identity} (namespace {@code default}). */
    public Config config(Identity identity) {
        Leaf leaf = credential(identity);
        ConfigBuilder builder = new ConfigBuilder(Config.empty());
        String userAgent = identity.userAgent();
        if (userAgent != null) {
            builder.withUserAgent(userAgent);
        }
        return builder.withMasterUrl(serverUrl.get())
                .withCaCertData(base64(caPem))
                .withClientCertData(base64(leaf.certificatePem()))
                .withClientKeyData(base64(leaf.keyPem()))
                .withClientKeyAlgo(leaf.key().getAlgorithm())
                .withNamespace("default")
                .withRequestTimeout(30_000)
                .build();
    }

    /** The shared client of {@code identity}; closed with these credentials, not by the caller. */
    public KubernetesClient client(Identity identity) {
        return client(identity, clients, false);
    }

    private KubernetesClient client(
            Identity identity, Map<Identity, KubernetesClient> shared, boolean component) {
        if (closed) {
            throw new IllegalStateException("the client credentials are closed");
        }
        return shared.computeIfAbsent(
                identity,
                id -> {
                    // fabric8 would put the certificate and key from the configuration into a
                    // PKCS#12 key store (10,000 PBES2 rounds to set the key, as many to read it
                    // back): the largest share of a start's CPU with a client per controller. The
                    // client gets the TLS material ready-made instead (docs/architecture.md,
                    // "Start-up").
                    Config config =
                            new ConfigBuilder(config(id))
                                    .withClientCertData(null)
                                    .withClientKeyData(null)
                                    .build();
                    return transport.client(
                            config, keyManagers(credential(id)), trustManagers(), component);
                });
    }

    /**
     * The shared client of one of the server's own components acting as {@code identity}: over the
     * in-process transport with a loopback token when these credentials have one (no certificate is
     * issued), else over TLS with its client certificate as {@link #client(Identity)}. Either way
     * it reads objects without their managed fields, so its informer caches neither decode nor keep
     * them (docs/architecture.md, "The client runtime"). Closed with these credentials, not by the
     * caller.
     */
    public KubernetesClient componentClient(Identity identity) {
        if (loopback == null) {
            return client(identity, componentClients, true);
        }
        if (closed) {
            throw new IllegalStateException("the client credentials are closed");
        }
        return componentClients.computeIfAbsent(
                identity,
                id -> {
                    ConfigBuilder builder = new ConfigBuilder(Config.empty());
                    if (id.userAgent() != null) {
                        builder.withUserAgent(id.userAgent());
                    }
                    Config config =
                            builder
                                    // requests go to the in-process listener whatever the URL
                                    // says; the URL is the one components would see over TLS
                                    .withMasterUrl(serverUrl.get())
                                    .withOauthToken(loopback.tokens().issue(id.user(), id.groups()))
                                    .withNamespace("default")
                                    .withRequestTimeout(30_000)
                                    // fabric8's HTTP watches: the transport has no WebSockets
                                    .withOnlyHttpWatches(true)
                                    .build();
                    return transport.componentClient(config, loopbackClients);
                });
    }

    private javax.net.ssl.KeyManager[] keyManagers(Leaf leaf) {
        // no KeyStore: a new JKS store is PKCS#12, whose key encryption costs CPU at every start
        return new javax.net.ssl.KeyManager[] {
            new InMemoryKeyManager(leaf.key(), leaf.certificate())
        };
    }

    /** Trust in the cluster CA only. */
    private javax.net.ssl.TrustManager[] trustManagers() {
        try {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca.certificate());
            javax.net.ssl.TrustManagerFactory factory =
                    javax.net.ssl.TrustManagerFactory.getInstance(
                            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot trust the cluster CA: " + e.getMessage(), e);
        }
    }

    /**
     * A JDK TLS context acting as {@code identity}: its client certificate, and trust in the
     * cluster CA only (for plain {@code java.net.http} clients).
     */
    public javax.net.ssl.SSLContext sslContext(Identity identity) {
        return sslContext(identity, null);
    }

    /**
     * A JDK TLS context acting as {@code identity} that trusts what {@code trust} trusts (null: the
     * cluster CA only).
     */
    public javax.net.ssl.SSLContext sslContext(
            Identity identity, javax.net.ssl.TrustManager[] trust) {
        Leaf leaf = credential(identity);
        try {
            javax.net.ssl.TrustManager[] trustManagers = trust;
            if (trustManagers == null) {
                java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry("ca", ca.certificate());
                javax.net.ssl.TrustManagerFactory factory =
                        javax.net.ssl.TrustManagerFactory.getInstance(
                                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trustManagers = factory.getTrustManagers();
            }
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(keyManagers(leaf), trustManagers, null);
            return context;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException(
                    "cannot build a TLS context for " + identity.user() + ": " + e.getMessage(), e);
        }
    }

    /** A kubeconfig acting as {@code identity} (for kubectl). */
    public String kubeconfig(Identity identity) {
        Leaf leaf = credential(identity);
        return Kubeconfig.yaml(
                serverUrl.get(), caPem, identity.user(), leaf.certificatePem(), leaf.keyPem());
    }

    @Override
    public void close() {
        closed = true;
        List<KubernetesClient> open = new ArrayList<>(clients.values());
        open.addAll(componentClients.values());
        clients.clear();
        componentClients.clear();
        open.forEach(KubernetesClient::close);
        transport.close();
        if (loopbackClients != null) {
            loopbackClients.close();
        }
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8));
    }
}
