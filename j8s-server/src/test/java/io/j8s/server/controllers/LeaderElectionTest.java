package io.j8s.server.controllers;

import static io.j8s.server.controllers.TestObjects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.ControllerOptions;
import io.j8s.server.testing.SharedEtcd;
import io.j8s.server.testing.TestCluster;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two servers sharing one etcd: only the holder of the Lease kube-system/j8s-controller-manager
 * runs controllers, and the other takes over when it stops.
 */
class LeaderElectionTest {
    @RegisterExtension static final SharedEtcd etcd = new SharedEtcd();

    /**
     * A server on {@code prefix} running the ReplicaSet controller; {@code token}: as {@link
     * SharedEtcd#server}.
     */
    private static TestCluster server(String prefix, String token) throws InterruptedException {
        return etcd.server(
                prefix,
                token,
                o ->
                        o.withControllers(
                                ControllerOptions.defaults().withEnabled(Set.of("replicaset"))));
    }

    @Test
    void onlyTheLeaseHolderRunsControllers_andTheOtherTakesOver() throws Exception {
        String prefix = "/le-" + UUID.randomUUID() + "/";
        TestCluster a = server(prefix, null);
        TestCluster b = server(prefix, SharedEtcd.token(a));
        try (KubernetesClient client = a.client()) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    a.server().controllerManager().isRunning()
                                            || b.server().controllerManager().isRunning());
            TestCluster leader = a.server().controllerManager().isRunning() ? a : b;
            TestCluster follower = leader == a ? b : a;
            assertThat(follower.server().controllerManager().isRunning()).isFalse();
            Lease lease =
                    client.leases()
                            .inNamespace("kube-system")
                            .withName("j8s-controller-manager")
                            .get();
            assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();

            client.apps()
                    .replicaSets()
                    .inNamespace("default")
                    .resource(
                            new ReplicaSetBuilder()
                                    .withNewMetadata()
                                    .withName("web")
                                    .endMetadata()
                                    .withNewSpec()
                                    .withReplicas(2)
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
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(
                            () ->
                                    client.pods().inNamespace("default").list().getItems().size()
                                            == 2);
            leader.awaitQuiet("replicaset");
            assertThat(client.pods().inNamespace("default").list().getItems()).hasSize(2);
            assertThat(follower.controllerWrites("replicaset")).isZero();
            assertThat(follower.server().controllerManager().isRunning()).isFalse();

            // the leader goes away, releasing the Lease once its controllers stopped: the other one
            // takes over well before the 15 s lease would have expired
            leader.close();
            try (KubernetesClient other = follower.client()) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> follower.server().controllerManager().isRunning());
                other.apps().replicaSets().inNamespace("default").withName("web").scale(3);
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(
                                () ->
                                        other.pods().inNamespace("default").list().getItems().size()
                                                == 3);
                assertThat(
                                other.leases()
                                        .inNamespace("kube-system")
                                        .withName("j8s-controller-manager")
                                        .get()
                                        .getSpec()
                                        .getHolderIdentity())
                        .isNotEqualTo(lease.getSpec().getHolderIdentity());
            }
        } finally {
            a.close();
            b.close();
        }
    }
}
