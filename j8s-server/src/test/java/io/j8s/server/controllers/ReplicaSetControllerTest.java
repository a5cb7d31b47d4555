package io.j8s.server.controllers;

import static io.j8s.server.controllers.TestObjects.create;
import static io.j8s.server.controllers.TestObjects.pod;
import static io.j8s.server.controllers.TestObjects.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.j8s.server.ControllerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The ReplicaSet controller alone against a real server (no scheduler: Pods stay unbound unless a
 * test binds them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicaSetControllerTest extends AbstractControllerTest {
    private static final String NS = "default";
    private static String rsUid;

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("replicaset")).withResyncPeriod(Duration.ofSeconds(1));
    }

    private List<Pod> owned() {
        return client.pods().inNamespace(NS).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(
                        p ->
                                p.getMetadata().getOwnerReferences() != null
                                        && p.getMetadata().getOwnerReferences().stream()
                                                .anyMatch(
                                                        r ->
                                                                rsUid.equals(r.getUid())
                                                                        && Boolean.TRUE.equals(
                                                                                r.getController())))
                .toList();
    }

    private List<Pod> awaitOwned(Predicate<List<Pod>> check) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).until(this::owned, check);
    }

    private ReplicaSet rs() {
        return client.apps().replicaSets().inNamespace(NS).withName("web").get();
    }

    @Test
    @Order(1)
    void replicaSet_createsItsPodsFromTheTemplate() {
        ReplicaSet rs =
                client.apps()
                        .replicaSets()
                        .inNamespace(NS)
                        .resource(
                                new ReplicaSetBuilder()
                                        .withNewMetadata()
                                        .withName("web")
                                        .endMetadata()
                                        .withNewSpec()
                                        .withReplicas(3)
                                        .withNewSelector()
                                        .addToMatchLabels("app", "web")
                                        .endSelector()
                                        .withNewTemplate()
                                        .withNewMetadata()
                                        .addToLabels("app", "web")
                                        .addToLabels("tier", "front")
                                        .endMetadata()
                                        .withSpec(pod("x", Map.of(), null).getSpec())
                                        .endTemplate()
                                        .endSpec()
                                        .build())
                        .create();
        rsUid = rs.getMetadata().getUid();
        List<Pod> pods = awaitOwned(l -> l.size() == 3);
        assertThat(pods)
                .allSatisfy(
                        p -> {
                            assertThat(p.getMetadata().getName()).matches("web-[a-z0-9]{5}");
                            assertThat(p.getMetadata().getLabels())
                                    .isEqualTo(Map.of("app", "web", "tier", "front"));
                            OwnerReference ref = p.getMetadata().getOwnerReferences().get(0);
                            assertThat(ref.getKind()).isEqualTo("ReplicaSet");
                            assertThat(ref.getApiVersion()).isEqualTo("apps/v1");
                            assertThat(ref.getName()).isEqualTo("web");
                            assertThat(ref.getBlockOwnerDeletion()).isTrue();
                        });
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                client.v1().events().inNamespace(NS).list().getItems().stream()
                                                .filter(
                                                        e ->
                                                                "SuccessfulCreate"
                                                                                .equals(
                                                                                        e
                                                                                                .getReason())
                                                                        && "web"
                                                                                .equals(
                                                                                        e.getInvolvedObject()
                                                                                                .getName()))
                                                .count()
                                        == 3);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                Objects.equals(rs().getStatus().getReplicas(), 3)
                                        && Objects.equals(
                                                rs().getStatus().getObservedGeneration(), 1L));
    }

    @Test
    @Order(2)
    void readyPods_showInTheStatus() {
        List<Pod> pods = owned();
        for (int i = 0; i < pods.size(); i++) {
            String name = pods.get(i).getMetadata().getName();
            running(client, NS, name, "127.244.1." + (10 + i), i < 2);
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                Objects.equals(rs().getStatus().getReadyReplicas(), 2)
                                        && Objects.equals(
                                                rs().getStatus().getAvailableReplicas(), 2)
                                        && Objects.equals(
                                                rs().getStatus().getFullyLabeledReplicas(), 3));
    }

    @Test
    @Order(3)
    void deletedPod_isReplaced() {
        String victim = owned().get(0).getMetadata().getName();
        client.pods().inNamespace(NS).withName(victim).delete();
        List<Pod> pods =
                awaitOwned(
                        l ->
                                l.size() == 3
                                        && l.stream()
                                                .noneMatch(
                                                        p ->
                                                                victim.equals(
                                                                        p.getMetadata()
                                                                                .getName())));
        assertThat(pods).hasSize(3);
    }

    @Test
    @Order(4)
    void matchingOrphan_isAdopted_andTheSurplusDeleted_notReadyFirst() {
        create(client, NS, pod("orphan", Map.of("app", "web", "tier", "front"), null));
        running(client, NS, "orphan", "127.244.1.99", true);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            Pod orphan = client.pods().inNamespace(NS).withName("orphan").get();
                            return orphan == null
                                    || (orphan.getMetadata().getOwnerReferences() != null
                                            && orphan.getMetadata().getOwnerReferences().stream()
                                                    .anyMatch(r -> rsUid.equals(r.getUid())));
                        });
        List<Pod> pods = awaitOwned(l -> l.size() == 3);
        // one of the four had to go: a Pending one (no status) ranks before the Running, Ready
        // orphan
        assertThat(pods).extracting(p -> p.getMetadata().getName()).contains("orphan");
    }

    @Test
    @Order(5)
    void podWhoseLabelsStopMatching_isReleased_andReplaced() {
        String released = owned().get(0).getMetadata().getName();
        client.pods()
                .inNamespace(NS)
                .withName(released)
                .edit(
                        p ->
                                new PodBuilder(p)
                                        .editMetadata()
                                        .addToLabels("app", "debug")
                                        .endMetadata()
                                        .build());
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            List<OwnerReference> refs =
                                    client.pods()
                                            .inNamespace(NS)
                                            .withName(released)
                                            .get()
                                            .getMetadata()
                                            .getOwnerReferences();
                            return refs == null || refs.isEmpty();
                        });
        awaitOwned(
                l ->
                        l.size() == 3
                                && l.stream()
                                        .noneMatch(
                                                p -> released.equals(p.getMetadata().getName())));
    }

    @Test
    @Order(6)
    void scaleDown_deletesTheSurplus() {
        client.apps().replicaSets().inNamespace(NS).withName("web").scale(1);
        awaitOwned(l -> l.size() == 1);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                Objects.equals(rs().getStatus().getReplicas(), 1)
                                        && Objects.equals(
                                                rs().getStatus().getObservedGeneration(),
                                                rs().getMetadata().getGeneration()));
        client.apps().replicaSets().inNamespace(NS).withName("web").scale(3);
        awaitOwned(l -> l.size() == 3);
    }

    @Test
    @Order(7)
    void resync_writesNothing() {
        ControllerChecks.resyncWritesNothing(cluster, "replicaset", 6);
    }

    @Test
    @Order(8)
    void restart_samePods_noWrites() throws Exception {
        ControllerChecks.restartWritesNothing(
                cluster,
                "replicaset",
                () ->
                        ControllerChecks.versions(client.pods().inNamespace(NS).list().getItems())
                                + " "
                                + rs().getMetadata().getResourceVersion());
    }
}
