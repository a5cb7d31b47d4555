package io.j8s.server.ranges;

import io.j8s.api.json.Json;
import io.j8s.apiserver.admission.Cidr;
import io.j8s.store.AlreadyExistsException;
import io.j8s.store.KeyValue;
import io.j8s.store.Store;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Service and Pod ranges of a cluster whose servers share one store (etcd): cluster state, kept
 * at {@link #KEY} in the store like the cluster's secrets ({@code ClusterBootstrap}). The first
 * server chooses free ranges on its host as a lone server does (given, else kept in its data dir,
 * else the first free /16 from the historic one) and records them with a create, so two first
 * servers starting at once agree on the winner's; every other server claims the recorded ranges on
 * its host, shared with the servers of its own cluster there (see docs/architecture.md, "Many
 * clusters on one host").
 */
public final class ClusterRanges {
    private static final Logger log = LoggerFactory.getLogger(ClusterRanges.class);

    /** Where the cluster's ranges live (not a resource: the watch cache ignores it). */
    public static final String KEY = "/registry/j8s.io/ranges";

    private ClusterRanges() {}

    /**
     * Claims the cluster's ranges on this host with {@code claims} (whose group is the cluster),
     * recording them in {@code store} when it holds none yet.
     *
     * @param serviceRange {@code --service-cluster-ip-range}, or null
     * @param clusterCidr {@code --cluster-cidr}, or null
     * @return the ranges (port 0)
     * @throws CollisionException when a range is held on this host by another cluster or server, or
     *     a range given disagrees with the cluster's recorded one
     */
    public static HostClaims.Resolved claim(
            Store store, HostClaims claims, String serviceRange, String clusterCidr, Path dataDir) {
        for (int attempt = 0; attempt < 3; attempt++) {
            Optional<KeyValue> stored = store.get(KEY);
            if (stored.isPresent()) {
                return adopt(stored.get().value(), claims, serviceRange, clusterCidr);
            }
            HostClaims.Resolved chosen =
                    claims.claimRanges(serviceRange, clusterCidr, dataDir, true);
            ObjectNode record = Json.object();
            record.put("serviceClusterIpRange", chosen.serviceRange());
            record.put("clusterCidr", chosen.clusterCidr());
            try {
                store.create(KEY, Json.writeBytes(record));
                log.atInfo()
                        .addKeyValue("serviceRange", chosen.serviceRange())
                        .addKeyValue("clusterCidr", chosen.clusterCidr())
                        .log("recorded the cluster's ranges in the store for its other servers");
                return chosen;
            } catch (AlreadyExistsException e) {
                // Another first server recorded its choice first: release ours, take its.
                log.atInfo().log("another server recorded the cluster's ranges first; using them");
                claims.close();
            }
        }
        throw new IllegalStateException(
                "the cluster's ranges at " + KEY + " keep appearing and disappearing");
    }

    private static HostClaims.Resolved adopt(
            byte[] value, HostClaims claims, String serviceRange, String clusterCidr) {
        JsonNode record = Json.parse(value);
        String service = Json.str(record, "serviceClusterIpRange");
        String pods = Json.str(record, "clusterCidr");
        refuseOther("--service-cluster-ip-range", serviceRange, service);
        refuseOther("--cluster-cidr", clusterCidr, pods);
        claims.claimRecorded(
                service, pods, "the cluster's, recorded in the store by its first server");
        return new HostClaims.Resolved(service, pods, 0);
    }

    private static void refuseOther(String flag, String given, String recorded) {
        if (given != null && !Cidr.parse(given).equals(Cidr.parse(recorded))) {
            throw new CollisionException(
                    flag
                            + " "
                            + given
                            + " is not this cluster's: its servers use "
                            + recorded
                            + " (chosen by its first server and recorded in the store at "
                            + KEY
                            + "); start this server without "
                            + flag
                            + " or with "
                            + recorded);
        }
    }
}
