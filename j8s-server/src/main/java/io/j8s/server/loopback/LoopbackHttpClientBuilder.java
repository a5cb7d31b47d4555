package io.j8s.server.loopback;

import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.StandardHttpClientBuilder;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;

/** Builds {@link LoopbackHttpClient}s; a derived client shares its parent's closed state. */
public final class LoopbackHttpClientBuilder
        extends StandardHttpClientBuilder<
                LoopbackHttpClient, LoopbackHttpClientFactory, LoopbackHttpClientBuilder> {

    LoopbackHttpClientBuilder(LoopbackHttpClientFactory factory) {
        super(factory);
    }

    @Override
    public HttpClient build() {
        return new LoopbackHttpClient(
                this, client != null ? client.getClosed() : new AtomicBoolean());
    }

    /** No TLS in-process: the key and trust managers are not used (nor built into a context). */
    @Override
    public LoopbackHttpClientBuilder sslContext(
            KeyManager[] keyManagers, TrustManager[] trustManagers) {
        return this;
    }

    @Override
    protected LoopbackHttpClientBuilder newInstance(LoopbackHttpClientFactory clientFactory) {
        return new LoopbackHttpClientBuilder(clientFactory);
    }
}
