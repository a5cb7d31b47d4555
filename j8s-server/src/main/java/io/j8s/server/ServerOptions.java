package io.j8s.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code j8s server} is configured with ({@code tlsSans}: extra names of the serving
 * certificate; {@code tokenAuthFile}: static bearer tokens, or null; {@code insecurePort}: plain
 * HTTP on loopback, 0 for none). Immutable; {@link #defaults(Path)} gives the
 * documented defaults for a data dir.
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
        List<String> tlsSans,
        Path tokenAuthFile,
        int insecurePort) {

    /** Which store backend holds the cluster state. */
    public enum StoreKind { SQLITE, ETCD }

    public ServerOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(store, "store");
        etcdEndpoints = List.copyOf(etcdEndpoints);
        tlsSans = List.copyOf(tlsSans);
    }

    public static ServerOptions defaults(Path dataDir) {
        return new ServerOptions(dataDir, StoreKind.SQLITE, List.of("http://127.0.0.1:2379"), "/registry/",
                "127.0.0.1", 6443, null, "127.96.0.0/16", 30000, 32767, "127.244.0.0/16", List.of(), null, 0);
    }

    public ServerOptions withSecurePort(int port) {
        return new ServerOptions(dataDir, store, etcdEndpoints, etcdPrefix, bindAddress, port, advertiseAddress,
                serviceClusterIpRange, nodePortMin, nodePortMax, clusterCidr, tlsSans, tokenAuthFile, insecurePort);
    }

    public ServerOptions withStore(StoreKind kind, List<String> endpoints, String prefix) {
        return new ServerOptions(dataDir, kind, endpoints, prefix, bindAddress, securePort, advertiseAddress,
                serviceClusterIpRange, nodePortMin, nodePortMax, clusterCidr, tlsSans, tokenAuthFile, insecurePort);
    }

    /** With {@code --token-auth-file}. */
    public ServerOptions withTokenAuthFile(Path file) {
        return new ServerOptions(dataDir, store, etcdEndpoints, etcdPrefix, bindAddress, securePort, advertiseAddress,
                serviceClusterIpRange, nodePortMin, nodePortMax, clusterCidr, tlsSans, file, insecurePort);
    }

    /** With {@code --tls-san}. */
    public ServerOptions withTlsSans(List<String> sans) {
        return new ServerOptions(dataDir, store, etcdEndpoints, etcdPrefix, bindAddress, securePort, advertiseAddress,
                serviceClusterIpRange, nodePortMin, nodePortMax, clusterCidr, sans, tokenAuthFile, insecurePort);
    }

    /** With {@code --insecure-port} (plain HTTP on loopback; 0: none). */
    public ServerOptions withInsecurePort(int port) {
        return new ServerOptions(dataDir, store, etcdEndpoints, etcdPrefix, bindAddress, securePort, advertiseAddress,
                serviceClusterIpRange, nodePortMin, nodePortMax, clusterCidr, tlsSans, tokenAuthFile, port);
    }
}
