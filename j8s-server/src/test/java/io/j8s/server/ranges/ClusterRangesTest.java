package io.j8s.server.ranges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.store.sqlite.SqliteStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterRangesTest {
    @TempDir Path dir;

    @Test
    void theFirstServerRecordsFreeRanges_laterServersShareThem_aDifferentFlagIsRefused() {
        RangeRegistry registry = new RangeRegistry(dir.resolve("ranges"));
        try (SqliteStore store = SqliteStore.open(dir.resolve("store"));
                HostClaims lone = new HostClaims(registry, "a lone server", null);
                HostClaims first = new HostClaims(registry, "server a", "etcd x /registry/");
                HostClaims second = new HostClaims(registry, "server b", "etcd x /registry/");
                HostClaims other = new HostClaims(registry, "server c", "etcd y /registry/")) {
            lone.claimRanges(null, null, dir.resolve("lone"), false);

            HostClaims.Resolved a = ClusterRanges.claim(store, first, null, null, dir.resolve("a"));
            assertThat(a.serviceRange()).isEqualTo("127.97.0.0/16");
            assertThat(a.clusterCidr()).isEqualTo("127.245.0.0/16");

            HostClaims.Resolved b =
                    ClusterRanges.claim(store, second, null, "127.245.0.0/16", dir.resolve("b"));
            assertThat(b).isEqualTo(a);

            assertThatThrownBy(
                            () ->
                                    ClusterRanges.claim(
                                            store, second, "127.50.0.0/16", null, dir.resolve("b")))
                    .isInstanceOf(CollisionException.class)
                    .hasMessageContaining(
                            "--service-cluster-ip-range 127.50.0.0/16 is not this cluster's: its"
                                    + " servers use 127.97.0.0/16");

            // another cluster recording the same ranges cannot hold them on this host
            assertThatThrownBy(() -> other.claimRecorded("127.97.0.0/16", "127.245.0.0/16", "x"))
                    .isInstanceOf(CollisionException.class)
                    .hasMessageContaining("held by server a");
        }
    }
}
