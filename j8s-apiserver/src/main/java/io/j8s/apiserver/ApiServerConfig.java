package io.j8s.apiserver;

import io.j8s.apiserver.admission.Cidr;
import io.j8s.apiserver.auth.ApiSecurity;
import io.j8s.apiserver.http.HttpLimits;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the API server listens and allocates. Immutable; build with {@link #builder()}.
 *
 * @param advertiseAddress the address the {@code kubernetes} Service's endpoints name
 * @param tls the current TLS context (asked per connection, so a renewed certificate is picked up),
 *     or null for plain HTTP
 * @param security how requests authenticate (authorization is Node + RBAC); null only when {@code
 *     insecure}
 * @param insecure no authentication and no authorization: every request is the cluster admin. Only
 *     for tests of the API surface; {@link Builder#build()} refuses a config with neither
 * @param insecurePort when above 0, also serve plain HTTP on {@code 127.0.0.1:insecurePort}
 *     (credentials are still required there)
 * @param httpLimits request body and header sizes, and how long a request may take to arrive
 * @param watchQueueBytes the most bytes of events one watch may have queued for a client that does
 *     not read them; a watch past it is ended (the client re-lists)
 * @param metricResolution how often the Metrics API scrapes the nodes (metrics-server's {@code
 *     --metric-resolution}, default 15 s)
 */
public record ApiServerConfig(
        String bindAddress,
        int port,
        String advertiseAddress,
        Cidr serviceCidr,
        int nodePortMin,
        int nodePortMax,
        Supplier<SslContext> tls,
        ApiSecurity security,
        boolean insecure,
        int insecurePort,
        HttpLimits httpLimits,
        int watchHistoryPerResource,
        Duration bookmarkInterval,
        int workerThreads,
        java.util.function.Function<tools.jackson.databind.JsonNode, java.net.http.HttpClient>
                nodeClient,
        String nodeScheme,
        long watchQueueBytes,
        Duration metricResolution,
        io.j8s.apiserver.nodeproxy.portforward.PortForwardLimits portForwardLimits) {

    public ApiServerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(serviceCidr, "serviceCidr");
        Objects.requireNonNull(bookmarkInterval, "bookmarkInterval");
        Objects.requireNonNull(httpLimits, "httpLimits");
        if (security == null && !insecure) {
            throw new IllegalStateException(
                    "an API server needs security settings; insecure() is for tests only");
        }
        Objects.requireNonNull(nodeClient, "nodeClient");
        if (metricResolution == null || metricResolution.toMillis() < 100) {
            throw new IllegalArgumentException(
                    "metricResolution must be at least 100ms but was " + metricResolution);
        }
        if (watchQueueBytes <= 0) {
            throw new IllegalArgumentException(
                    "watchQueueBytes must be positive but was " + watchQueueBytes);
        }
        if (advertiseAddress == null || advertiseAddress.isEmpty()) {
            advertiseAddress = bindAddress.equals("0.0.0.0") ? "127.0.0.1" : bindAddress;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a config; defaults are the documented server defaults. */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port = 6443;
        private String advertiseAddress;
        private Cidr serviceCidr = Cidr.parse("127.96.0.0/16");
        private int nodePortMin = 30000;
        private int nodePortMax = 32767;
        private Supplier<SslContext> tls;
        private ApiSecurity security;
        private boolean insecure;
        private int insecurePort;
        private HttpLimits httpLimits = HttpLimits.DEFAULTS;
        private long watchQueueBytes = 16L * 1024 * 1024;
        private int watchHistoryPerResource = 10_000;
        private Duration bookmarkInterval = Duration.ofMinutes(1);
        private int workerThreads = 256;
        private java.util.function.Function<
                        tools.jackson.databind.JsonNode, java.net.http.HttpClient>
                nodeClient = PlainNodeClient.INSTANCE;
        private String nodeScheme = "http";
        private Duration metricResolution = Duration.ofSeconds(15);
        private io.j8s.apiserver.nodeproxy.portforward.PortForwardLimits portForwardLimits =
                io.j8s.apiserver.nodeproxy.portforward.PortForwardLimits.defaults();

        public Builder bindAddress(String value) {
            this.bindAddress = value;
            return this;
        }

        public Builder port(int value) {
            this.port = value;
            return this;
        }

        public Builder advertiseAddress(String value) {
            this.advertiseAddress = value;
            return this;
        }

        public Builder serviceCidr(Cidr value) {
            this.serviceCidr = value;
            return this;
        }

        public Builder nodePortRange(int min, int max) {
            this.nodePortMin = min;
            this.nodePortMax = max;
            return this;
        }

        public Builder tls(Supplier<SslContext> value) {
            this.tls = value;
            return this;
        }

        public Builder security(ApiSecurity value) {
            this.security = value;
            return this;
        }

        /** No authentication or authorization at all: every request is the admin. Tests only. */
        public Builder insecure() {
            this.insecure = true;
            return this;
        }

        /** Also serves plain HTTP on {@code 127.0.0.1:port} (0: not at all). */
        public Builder insecurePort(int port) {
            this.insecurePort = port;
            return this;
        }

        public Builder maxBodyBytes(int value) {
            this.httpLimits = httpLimits.withMaxBodyBytes(value);
            return this;
        }

        /** Request size limits and timeouts (see {@link HttpLimits}). */
        public Builder httpLimits(HttpLimits value) {
            this.httpLimits = value;
            return this;
        }

        public Builder watchHistoryPerResource(int value) {
            this.watchHistoryPerResource = value;
            return this;
        }

        public Builder bookmarkInterval(Duration value) {
            this.bookmarkInterval = value;
            return this;
        }

        public Builder workerThreads(int value) {
            this.workerThreads = value;
            return this;
        }

        /**
         * How the server reaches node agents' endpoints ({@code pods/log}): the client for a given
         * Node object (it may trust each node differently), and the scheme ({@code https} with a
         * client certificate in a secure cluster).
         */
        public Builder nodeClient(
                java.util.function.Function<
                                tools.jackson.databind.JsonNode, java.net.http.HttpClient>
                        client,
                String scheme) {
            this.nodeClient = client;
            this.nodeScheme = scheme;
            return this;
        }

        /** The most bytes of events queued per watch (default 16 MiB) before the watch is ended. */
        public Builder watchQueueBytes(long value) {
            this.watchQueueBytes = value;
            return this;
        }

        /** How often the Metrics API scrapes the nodes (default 15 s). */
        public Builder metricResolution(Duration value) {
            this.metricResolution = value;
            return this;
        }

        /** Port-forward limits: forwards per node and per user, idle timeout (default 4 h). */
        public Builder portForwardLimits(
                io.j8s.apiserver.nodeproxy.portforward.PortForwardLimits value) {
            this.portForwardLimits = value;
            return this;
        }

        public ApiServerConfig build() {
            return new ApiServerConfig(
                    bindAddress,
                    port,
                    advertiseAddress,
                    serviceCidr,
                    nodePortMin,
                    nodePortMax,
                    tls,
                    security,
                    insecure,
                    insecurePort,
                    httpLimits,
                    watchHistoryPerResource,
                    bookmarkInterval,
                    workerThreads,
                    nodeClient,
                    nodeScheme,
                    watchQueueBytes,
                    metricResolution,
                    portForwardLimits);
        }
    }

    /** A plain-HTTP client for node endpoints, created on first use. */
    private static final class PlainNodeClient
            implements java.util.function.Function<
                    tools.jackson.databind.JsonNode, java.net.http.HttpClient> {
        static final PlainNodeClient INSTANCE = new PlainNodeClient();
        private volatile java.net.http.HttpClient client;

        @Override
        public java.net.http.HttpClient apply(tools.jackson.databind.JsonNode node) {
            java.net.http.HttpClient c = client;
            if (c == null) {
                synchronized (this) {
                    if (client == null) {
                        client =
                                java.net.http.HttpClient.newBuilder()
                                        .connectTimeout(Duration.ofSeconds(5))
                                        .build();
                    }
                    c = client;
                }
            }
            return c;
        }
    }
}
