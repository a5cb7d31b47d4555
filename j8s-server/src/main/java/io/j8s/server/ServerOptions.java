package io.j8s.server;

import io.j8s.apiserver.http.HttpLimits;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code j8s server} is configured with. Immutable; {@link #defaults(Path)} gives the
 * documented defaults for a data dir.
 *
 * @param tlsSans extra DNS names and IP addresses of the serving certificate ({@code --tls-san})
 * @param tokenAuthFile static bearer tokens ({@code --token-auth-file}), or null
 * @param insecurePort plain HTTP on {@code 127.0.0.1} ({@code --insecure-port}), 0 for none
 * @param httpLimits request sizes and timeouts ({@code --max-request-body-bytes}, {@code
 *     --request-header-timeout}, ...)
 * @param token the cluster's token ({@code --token}, {@code --token-file}: full or {@code
 *     <id>:<secret>}), or null for the data dir's; with etcd it opens the secrets other servers
 *     stored ({@link io.j8s.server.join.ClusterBootstrap})
 * @param metricResolution how often the Metrics API scrapes the nodes ({@code --metric-resolution})
 * @param clusterDns the cluster DNS ({@code --cluster-domain}, {@code --cluster-dns}, {@code
 *     --cluster-dns-forward})
 * @param securePort the API port; {@link io.j8s.server.ranges.HostClaims#AUTO_PORT} (the default)
 *     for 6443 when free, else a free one; 0 for one the system picks
 * @param serviceClusterIpRange ClusterIPs; null (the default) for a free range of this host,
 *     127.96.0.0/16 when free (docs/architecture.md, "Many clusters on one host")
 * @param clusterCidr the Pods' range; null (the default) for a free range, 127.244.0.0/16 when free
 * @param storeFsync sqlite fsyncs every commit ({@code --store-fsync}, default true); false for
 *     throw-away test clusters: a write still survives a crash of the process, not of the machine
 */
public record ServerOptions(
        Path dataDir,
        StoreKind store,
        List<String> etcdEndpoints,
        String etcdPrefix,
        String bindAddress,
        int securePort,
        String advertiseAddress,
        String serviceClusterIpRange,
        int nodePortMin,
        int nodePortMax,
        String clusterCidr,
        DataPlaneOptions dataPlane,
        ControllerOptions controllers,
        List<String> tlsSans,
        Path tokenAuthFile,
        int insecurePort,
        HttpLimits httpLimits,
        String token,
        java.time.Duration metricResolution,
        ClusterDnsOptions clusterDns,
        boolean storeFsync) {

    /** Which store backend holds the cluster state. */
    public enum StoreKind {
        SQLITE,
        ETCD
    }

    public ServerOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(store, "store");
        etcdEndpoints = List.copyOf(etcdEndpoints);
        Objects.requireNonNull(dataPlane, "dataPlane");
        Objects.requireNonNull(controllers, "controllers");
        tlsSans = List.copyOf(tlsSans);
        Objects.requireNonNull(httpLimits, "httpLimits");
        Objects.requireNonNull(metricResolution, "metricResolution");
        Objects.requireNonNull(clusterDns, "clusterDns");
    }

    public static ServerOptions defaults(Path dataDir) {
        return new ServerOptions(
                dataDir,
                StoreKind.SQLITE,
                List.of("http://127.0.0.1:2379"),
                "/registry/",
                "127.0.0.1",
                io.j8s.server.ranges.HostClaims.AUTO_PORT,
                null,
                null,
                30000,
                32767,
                null,
                DataPlaneOptions.defaults(),
                ControllerOptions.defaults(),
                List.of(),
                null,
                0,
                HttpLimits.DEFAULTS,
                null,
                java.time.Duration.ofSeconds(15),
                ClusterDnsOptions.defaults(),
                true);
    }

    public ServerOptions withSecurePort(int port) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                port,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                controllers,
                tlsSans,
                tokenAuthFile,
                insecurePort,
                httpLimits,
                token,
                metricResolution,
                clusterDns,
                storeFsync);
    }

    public ServerOptions withStore(StoreKind kind, List<String> endpoints, String prefix) {
        return new ServerOptions(
                dataDir,
                kind,
                endpoints,
                prefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                controllers,
                tlsSans,
                tokenAuthFile,
                insecurePort,
                httpLimits,
                token,
                metricResolution,
                clusterDns,
                storeFsync);
    }

    public ServerOptions withDataPlane(DataPlaneOptions value) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                value,
                controllers,
                tlsSans,
                tokenAuthFile,
                insecurePort,
                httpLimits,
                token,
                metricResolution,
                clusterDns,
                storeFsync);
    }

    /** Service and cluster ranges, e.g. to keep a test's addresses apart from another server's. */
    public ServerOptions withRanges(String serviceRange, String podRange) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceRange,
                nodePortMin,
                nodePortMax,
                podRange,
                dataPlane,
                controllers,
                tlsSans,
                tokenAuthFile,
                insecurePort,
                httpLimits,
                token,
                metricResolution,
                clusterDns,
                storeFsync);
    }

    public ServerOptions withControllers(ControllerOptions value) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                value,
                tlsSans,
                tokenAuthFile,
                insecurePort,
                httpLimits,
                token,
                metricResolution,
                clusterDns,
                storeFsync);
    }

    /** With {@code --token-auth-file}. */
    public ServerOptions withTokenAuthFile(Path file) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                controllers,
                tlsSans,
                file,
                insecurePort,
                httpLimits,
                token,
                metricResolution,
                clusterDns,
                storeFsync);
    }

    /** With {@code --tls-san}. */
    public ServerOptions withTlsSans(List<String> sans) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                controllers,
                sans,
                tokenAuthFile,
                insecurePort,
                httpLimits,
                token,
                metricResolution,
                clusterDns,
                storeFsync);
    }

    /** With {@code --insecure-port} (plain HTTP on loopback; 0: none). */
    public ServerOptions withInsecurePort(int port) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                controllers,
                tlsSans,
                tokenAuthFile,
                port,
                httpLimits,
                token,
                metricResolution,
                clusterDns,
                storeFsync);
    }

    /** With request size limits and timeouts. */
    public ServerOptions withHttpLimits(HttpLimits limits) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                controllers,
                tlsSans,
                tokenAuthFile,
                insecurePort,
                limits,
                token,
                metricResolution,
                clusterDns,
                storeFsync);
    }

    /**
     * With {@code --token}: the cluster's token (full or {@code <id>:<secret>}), null for the data
     * dir's.
     */
    public ServerOptions withToken(String value) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                controllers,
                tlsSans,
                tokenAuthFile,
                insecurePort,
                httpLimits,
                value,
                metricResolution,
                clusterDns,
                storeFsync);
    }

    /** With {@code --metric-resolution}. */
    public ServerOptions withMetricResolution(java.time.Duration value) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                controllers,
                tlsSans,
                tokenAuthFile,
                insecurePort,
                httpLimits,
                token,
                value,
                clusterDns,
                storeFsync);
    }

    /**
     * With {@code --store-fsync}: false for throw-away test clusters (see {@link #storeFsync()}).
     */
    public ServerOptions withStoreFsync(boolean value) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                controllers,
                tlsSans,
                tokenAuthFile,
                insecurePort,
                httpLimits,
                token,
                metricResolution,
                clusterDns,
                value);
    }

    /** With the cluster DNS options. */
    public ServerOptions withClusterDns(ClusterDnsOptions value) {
        return new ServerOptions(
                dataDir,
                store,
                etcdEndpoints,
                etcdPrefix,
                bindAddress,
                securePort,
                advertiseAddress,
                serviceClusterIpRange,
                nodePortMin,
                nodePortMax,
                clusterCidr,
                dataPlane,
                controllers,
                tlsSans,
                tokenAuthFile,
                insecurePort,
                httpLimits,
                token,
                metricResolution,
                value,
                storeFsync);
    }

    /**
     * The {@code kube-dns} ClusterIP: {@code --cluster-dns}, else the 10th address of the service
     * range ({@code 127.96.0.10} by default; before the server resolved a free range, the default
     * range's). What Pods' resolv.conf names as nameserver.
     */
    public String clusterDnsAddress() {
        return clusterDns.address() != null
                ? clusterDns.address()
                : io.j8s.apiserver.admission.Cidr.parse(
                                serviceClusterIpRange != null
                                        ? serviceClusterIpRange
                                        : io.j8s.server.ranges.HostClaims.DEFAULT_SERVICE_RANGE)
                        .address(10);
    }

    /**
     * The cluster domain ({@code --cluster-domain}): Pods' resolv.conf search suffixes end with it.
     */
    public String clusterDomain() {
        return clusterDns.domain();
    }

    @Override
    public String toString() {
        return "ServerOptions[dataDir="
                + dataDir
                + ", store="
                + store
                + ", securePort="
                + securePort
                + (token == null ? "" : ", token=<redacted>")
                + "]";
    }
}
