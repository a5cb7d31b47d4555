package io.j8s.apiserver.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.api.json.Json;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.store.Store;
import io.j8s.store.TxnOp;
import io.j8s.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

class ServiceAllocationsTest {
    private static final ResourceType SERVICES =
            ResourceTypes.byResource("", "v1", "services").orElseThrow();

    @TempDir Path dir;
    private Store store;
    private ServiceAllocations allocations;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir);
        allocations = new ServiceAllocations(store, Cidr.parse("127.96.0.0/24"), 30000, 30009);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static ObjectNode service(
            String name, String type, String clusterIp, int... nodePorts) {
        ObjectNode svc = Json.object();
        svc.putObject("metadata").put("name", name).put("namespace", "default");
        ObjectNode spec = svc.putObject("spec");
        spec.put("type", type);
        if (clusterIp != null) {
            spec.put("clusterIP", clusterIp);
        }
        var ports = spec.putArray("ports");
        for (int i = 0; i < Math.max(1, nodePorts.length); i++) {
            ObjectNode port = ports.addObject().put("port", 80 + i).put("protocol", "TCP");
            if (nodePorts.length > 0 && nodePorts[i] != 0) {
                port.put("nodePort", nodePorts[i]);
            }
        }
        return svc;
    }

    /** Admits and commits, as the registry does. */
    private ObjectNode create(ObjectNode svc) {
        List<TxnOp> ops = new ArrayList<>(allocations.admitCreate(SERVICES, svc));
        ops.add(
                0,
                new TxnOp.Create(
                        SERVICES.key("default", svc.path("metadata").path("name").asString()),
                        Json.writeBytes(svc)));
        store.txn(ops);
        return svc;
    }

    @Test
    void clusterIps_areUniqueInTheRangeAndOutsideTheReservedBand() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String ip =
                    create(service("s" + i, "ClusterIP", null))
                            .path("spec")
                            .path("clusterIP")
                            .asString();
            assertThat(seen.add(ip)).as("unique %s", ip).isTrue();
            assertThat(ip).startsWith("127.96.0.");
            int last = Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
            assertThat(last).isBetween(16, 254);
        }
    }

    @Test
    void aRequestedFreeIp_isHonoured_aTakenOrOutOfRangeOneIsInvalid() {
        assertThat(
                        create(service("kubernetes", "ClusterIP", "127.96.0.1"))
                                .path("spec")
                                .path("clusterIPs")
                                .get(0)
                                .asString())
                .isEqualTo("127.96.0.1");
        assertThatThrownBy(
                        () ->
                                allocations.admitCreate(
                                        SERVICES, service("dup", "ClusterIP", "127.96.0.1")))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> {
                            assertThat(e.code()).isEqualTo(422);
                            assertThat(e.getMessage())
                                    .contains(
                                            "spec.clusterIPs", "provided IP is already allocated");
                        });
        assertThatThrownBy(
                        () ->
                                allocations.admitCreate(
                                        SERVICES, service("far", "ClusterIP", "10.0.0.1")))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e ->
                                assertThat(e.getMessage())
                                        .contains(
                                                "the provided IP (10.0.0.1) is not in the valid range",
                                                "127.96.0.0/24"));
    }

    @Test
    void headless_getsNone_andNoAllocationKey() {
        ObjectNode svc = service("headless", "ClusterIP", "None");
        assertThat(allocations.admitCreate(SERVICES, svc)).isEmpty();
        assertThat(svc.path("spec").path("clusterIPs").get(0).asString()).isEqualTo("None");
    }

    @Test
    void releasedIp_canBeAllocatedAgain() {
        ObjectNode svc = create(service("a", "ClusterIP", "127.96.0.100"));
        List<TxnOp> ops = new ArrayList<>(allocations.admitDelete(SERVICES, svc));
        assertThat(ops).hasSize(1);
        ops.add(0, new TxnOp.Delete(SERVICES.key("default", "a"), Store.ANY_REVISION));
        store.txn(ops);
        assertThat(
                        create(service("b", "ClusterIP", "127.96.0.100"))
                                .path("spec")
                                .path("clusterIP")
                                .asString())
                .isEqualTo("127.96.0.100");
    }

    @Test
    void allocationsSurviveARestart_theyLiveInTheStore() {
        create(service("a", "ClusterIP", "127.96.0.100"));
        ServiceAllocations again =
                new ServiceAllocations(store, Cidr.parse("127.96.0.0/24"), 30000, 30009);
        assertThatThrownBy(
                        () ->
                                again.admitCreate(
                                        SERVICES, service("b", "ClusterIP", "127.96.0.100")))
                .hasMessageContaining("provided IP is already allocated");
    }

    @Test
    void nodePorts_areAllocatedInRange_andAFullRangeIsInvalid() {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 10; i++) {
            ports.add(
                    create(service("n" + i, "NodePort", null))
                            .path("spec")
                            .path("ports")
                            .get(0)
                            .path("nodePort")
                            .asInt());
        }
        assertThat(ports).hasSize(10).allMatch(p -> p >= 30000 && p <= 30009);
        assertThatThrownBy(
                        () -> allocations.admitCreate(SERVICES, service("full", "NodePort", null)))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("range is full");
    }

    @Test
    void update_keepsTheClusterIpWhenTheNewObjectOmitsIt() {
        ObjectNode old = create(service("a", "ClusterIP", null));
        ObjectNode updated = service("a", "ClusterIP", null);
        allocations.admitUpdate(SERVICES, updated, old);
        assertThat(updated.path("spec").path("clusterIP").asString())
                .isEqualTo(old.path("spec").path("clusterIP").asString());
    }
}
