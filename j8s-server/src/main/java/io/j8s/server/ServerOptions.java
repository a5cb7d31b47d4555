package io.j8s.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@code j8s server} is configured with. Immutable; {@link #defaults(Path)} gives the
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
        DataPlaneOptions dataPlane,
        ControllerOptions controllers) {

    /** Which store backend holds the cluster state. */
    public enum StoreKind { SQLITE, ETCD }

    public ServerOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(store, "store");
        etcdEndpoints = List.copyOf(etcdEndpoints);
        Objects.requireNonNull(dataPlane, "dataPlane");
        Objects.requireNonNull(controllers, "controllers");
    }

    public static ServerOptions defaults(Path dataDir) {
        return new ServerOptions(dataDir, StoreKind.SQLITE, List.of("http://127.0.0.1:2379"), "/registry/",
                "127.0.0.1", 6443, null, "127.96.0.0/16", 30000, 32767, "127.244.0.0/16",
                DataPlaneOptions.defaults(), ControllerOptions.defaults());
    }

    public ServerOptions withSecurePort(int port) {
        return new ServerOptions(dataDir, store, etcdEndpoints, etcdPrefix, bindAddress, port, advertiseAddress,
                serviceClusterIpRange, nodePortMin, nodePortMax, clusterCidr, dataPlane, controllers);
    }

    public ServerOptions withStore(StoreKind kind, List<String> endpoints, String prefix) {
        return new ServerOptions(dataDir, kind, endpoints, prefix, bindAddress, securePort, advertiseAddress,
                serviceClusterIpRange, nodePortMin, nodePortMax, clusterCidr, dataPlane, controllers);
    }

    public ServerOptions withDataPlane(DataPlaneOptions value) {
        return new ServerOptions(dataDir, store, etcdEndpoints, etcdPrefix, bindAddress, securePort, advertiseAddress,
                serviceClusterIpRange, nodePortMin, nodePortMax, clusterCidr, value, controllers);
    }

    /** Service and cluster ranges, e.g. to keep a test's addresses apart from another server's. */
    public ServerOptions withRanges(String serviceRange, String podRange) {
        return new ServerOptions(dataDir, store, etcdEndpoints, etcdPrefix, bindAddress, securePort, advertiseAddress,
                serviceRange, nodePortMin, nodePortMax, podRange, dataPlane, controllers);
    }

    public ServerOptions withControllers(ControllerOptions value) {
        return new ServerOptions(dataDir, store, etcdEndpoints, etcdPrefix, bindAddress, securePort, advertiseAddress,
                serviceClusterIpRange, nodePortMin, nodePortMax, clusterCidr, dataPlane, value);
    }
}
