package io.j8s.server.controllers;

import static io.j8s.server.controllers.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.j8s.controllers.deployment.PodTemplateHash;
import io.j8s.server.ControllerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Deployment controller against a real server, with what it needs to make progress: the
 * ReplicaSet controller, the scheduler, node IPAM and two Nodes played by a FakeKubelet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentControllerTest extends AbstractControllerTest {
    private static final String NS = "default";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("deployment", "replicaset", "scheduler", "nodeipam"))
                .withResyncPeriod(Duration.ofSeconds(1));
    }

    @BeforeAll
    void startNodes() {
        cluster.startNodes("node-1", "node-2");
    }

    private Deployment deployment() {
        return client.apps().deployments().inNamespace(NS).withName("web").get();
    }

    private List<ReplicaSet> replicaSets() {
        return client.apps().replicaSets().inNamespace(NS).list().getItems();
    }

    private static int replicas(ReplicaSet rs) {
        return rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
    }

    private static int available(ReplicaSet rs) {
        return rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null
                ? 0
                : rs.getStatus().getAvailableReplicas();
    }

    /** Rolled out: observed, every replica updated and available, no old Pods. */
    private void awaitRolledOut(int replicas) {
        Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> {
                            Deployment d = deployment();
                            return d.getStatus() != null
                                    && Objects.equals(
                                            d.getStatus().getObservedGeneration(),
                                            d.getMetadata().getGeneration())
                                    && Objects.equals(d.getStatus().getUpdatedReplicas(), replicas)
                                    && Objects.equals(d.getStatus().getReplicas(), replicas)
                                    && Objects.equals(
                                            d.getStatus().getAvailableReplicas(), replicas)
                                    && client.pods().inNamespace(NS).list().getItems().size()
                                            == replicas;
                        });
    }

    private static DeploymentCondition condition(Deployment d, String type) {
        return d.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElseThrow();
    }

    /** Calls {@code check} with the ReplicaSets on every change, while {@code change} rolls out. */
    private void watchReplicaSets(Runnable change, int replicas, Consumer<List<ReplicaSet>> check) {
        Map<String, ReplicaSet> seen = new java.util.concurrent.ConcurrentHashMap<>();
        ResourceEventHandler<ReplicaSet> handler =
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ReplicaSet rs) {
                        seen.put(rs.getMetadata().getName(), rs);
                        check.accept(List.copyOf(seen.values()));
                    }

                    @Override
                    public void onUpdate(ReplicaSet o, ReplicaSet n) {
                        onAdd(n);
                    }

                    @Override
                    public void onDelete(ReplicaSet rs, boolean unknown) {
                        seen.remove(rs.getMetadata().getName());
                        check.accept(List.copyOf(seen.values()));
                    }
                };
        SharedIndexInformer<ReplicaSet> informer =
                client.apps().replicaSets().inNamespace(NS).inform(handler);
        try {
            change.run();
            awaitRolledOut(replicas);
        } finally {
            informer.stop();
        }
    }

    @Test
    @Order(1)
    void deployment_runsOneReplicaSetNamedAfterItsTemplateHash() {
        client.apps()
                .deployments()
                .inNamespace(NS)
                .resource(
                        new DeploymentBuilder()
                                .withNewMetadata()
                                .withName("web")
                                .endMetadata()
                                .withNewSpec()
                                .withReplicas(4)
                                .withNewSelector()
                                .addToMatchLabels("app", "web")
                                .endSelector()
                                .withNewTemplate()
                                .withNewMetadata()
                                .addToLabels("app", "web")
                                .endMetadata()
                                .withSpec(pod("x", Map.of(), null).getSpec())
                                .endTemplate()
                                .endSpec()
                                .build())
                .create();
        awaitRolledOut(4);
        ReplicaSet rs = replicaSets().get(0);
        assertThat(replicaSets()).hasSize(1);
        String hash = rs.getMetadata().getLabels().get("pod-template-hash");
        assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
        assertThat(hash)
                .isEqualTo(PodTemplateHash.compute(deployment().getSpec().getTemplate(), null));
        assertThat(rs.getSpec().getSelector().getMatchLabels())
                .isEqualTo(Map.of("app", "web", "pod-template-hash", hash));
        assertThat(rs.getMetadata().getAnnotations())
                .containsEntry("deployment.kubernetes.io/revision", "1")
                .containsEntry("deployment.kubernetes.io/desired-replicas", "4")
                .containsEntry("deployment.kubernetes.io/max-replicas", "5");
        assertThat(client.pods().inNamespace(NS).list().getItems())
                .hasSize(4)
                .allSatisfy(
                        p -> assertThat(p.getMetadata().getName()).startsWith("web-" + hash + "-"));

        Deployment d = deployment();
        assertThat(d.getMetadata().getAnnotations())
                .containsEntry("deployment.kubernetes.io/revision", "1");
        assertThat(d.getStatus().getReadyReplicas()).isEqualTo(4);
        // (Kubernetes' omitempty would drop the zero; j8s stores what the controller wrote)
        assertThat(d.getStatus().getUnavailableReplicas()).isIn(null, 0);
        assertThat(condition(d, "Available").getStatus()).isEqualTo("True");
        assertThat(condition(d, "Available").getReason()).isEqualTo("MinimumReplicasAvailable");
        assertThat(condition(d, "Progressing").getStatus()).isEqualTo("True");
        assertThat(condition(d, "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable");
    }

    @Test
    @Order(2)
    void rollingUpdate_keepsWithin25PercentSurgeAndUnavailability() {
        String first = replicaSets().get(0).getMetadata().getName();
        AtomicInteger maxPods = new AtomicInteger();
        AtomicInteger minAvailable = new AtomicInteger(Integer.MAX_VALUE);
        watchReplicaSets(
                () ->
                        client.apps()
                                .deployments()
                                .inNamespace(NS)
                                .withName("web")
                                .edit(
                                        d ->
                                                new DeploymentBuilder(d)
                                                        .editSpec()
                                                        .editTemplate()
                                                        .editSpec()
                                                        .editFirstContainer()
                                                        .withImage("nginx:1.16.1")
                                                        .endContainer()
                                                        .endSpec()
                                                        .endTemplate()
                                                        .endSpec()
                                                        .build()),
                4,
                rss -> {
                    maxPods.accumulateAndGet(
                            rss.stream().mapToInt(DeploymentControllerTest::replicas).sum(),
                            Math::max);
                    minAvailable.accumulateAndGet(
                            rss.stream().mapToInt(DeploymentControllerTest::available).sum(),
                            Math::min);
                });
        assertThat(maxPods.get()).as("replicas + maxSurge (25% of 4)").isLessThanOrEqualTo(5);
        assertThat(minAvailable.get())
                .as("replicas - maxUnavailable (25% of 4)")
                .isGreaterThanOrEqualTo(3);
        List<ReplicaSet> rss = replicaSets();
        assertThat(rss).hasSize(2);
        ReplicaSet old =
                rss.stream()
                        .filter(rs -> rs.getMetadata().getName().equals(first))
                        .findFirst()
                        .orElseThrow();
        ReplicaSet fresh =
                rss.stream()
                        .filter(rs -> !rs.getMetadata().getName().equals(first))
                        .findFirst()
                        .orElseThrow();
        assertThat(replicas(old)).isZero();
        assertThat(replicas(fresh)).isEqualTo(4);
        assertThat(fresh.getMetadata().getAnnotations())
                .containsEntry("deployment.kubernetes.io/revision", "2");
        assertThat(deployment().getMetadata().getAnnotations())
                .containsEntry("deployment.kubernetes.io/revision", "2");
        assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .anySatisfy(
                        e -> {
                            assertThat(e.getReason()).isEqualTo("ScalingReplicaSet");
                            assertThat(e.getMessage())
                                    .startsWith("Scaled down replica set " + first + " from ")
                                    .endsWith(" to 0");
                        });
    }

    @Test
    @Order(3)
    void rollback_reusesTheFirstReplicaSet() {
        List<String> before =
                replicaSets().stream().map(rs -> rs.getMetadata().getName()).sorted().toList();
        client.apps()
                .deployments()
                .inNamespace(NS)
                .withName("web")
                .edit(
                        d ->
                                new DeploymentBuilder(d)
                                        .editSpec()
                                        .editTemplate()
                                        .editSpec()
                                        .editFirstContainer()
                                        .withImage("nginx:1.14.1")
                                        .endContainer()
                                        .endSpec()
                                        .endTemplate()
                                        .endSpec()
                                        .build());
        awaitRolledOut(4);
        assertThat(replicaSets().stream().map(rs -> rs.getMetadata().getName()).sorted().toList())
                .isEqualTo(before);
        assertThat(deployment().getMetadata().getAnnotations())
                .containsEntry("deployment.kubernetes.io/revision", "3");
    }

    @Test
    @Order(4)
    void recreate_stopsEveryOldPodBeforeStartingNewOnes() {
        AtomicBoolean overlap = new AtomicBoolean();
        watchReplicaSets(
                () ->
                        client.apps()
                                .deployments()
                                .inNamespace(NS)
                                .withName("web")
                                .edit(
                                        d ->
                                                new DeploymentBuilder(d)
                                                        .editSpec()
                                                        .withNewStrategy()
                                                        .withType("Recreate")
                                                        .endStrategy()
                                                        .editTemplate()
                                                        .editSpec()
                                                        .editFirstContainer()
                                                        .withImage("nginx:1.17.1")
                                                        .endContainer()
                                                        .endSpec()
                                                        .endTemplate()
                                                        .endSpec()
                                                        .build()),
                4,
                rss -> {
                    long withPods =
                            rss.stream()
                                    .filter(
                                            rs ->
                                                    rs.getStatus() != null
                                                            && rs.getStatus().getReplicas() != null
                                                            && rs.getStatus().getReplicas() > 0)
                                    .count();
                    if (withPods > 1) {
                        overlap.set(true);
                    }
                });
        assertThat(overlap).as("an old and the new ReplicaSet had Pods at once").isFalse();
        assertThat(replicaSets()).hasSize(3);
    }

    @Test
    @Order(5)
    void scale_resizesTheReplicaSet() {
        client.apps().deployments().inNamespace(NS).withName("web").scale(2);
        awaitRolledOut(2);
        assertThat(replicaSets().stream().mapToInt(DeploymentControllerTest::replicas).sum())
                .isEqualTo(2);
    }

    @Test
    @Order(6)
    void resync_writesNothing() {
        ControllerChecks.resyncWritesNothing(cluster, "deployment", 6);
    }

    @Test
    @Order(7)
    void restart_noNewReplicaSet_noWrites() throws Exception {
        ControllerChecks.restartWritesNothing(
                cluster,
                "deployment",
                () ->
                        ControllerChecks.versions(replicaSets())
                                + " "
                                + deployment().getMetadata().getResourceVersion());
        cluster.awaitQuiet("replicaset");
        assertThat(cluster.controllerWrites("replicaset")).isZero();
    }
}
