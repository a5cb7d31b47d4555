package io.j8s.server.controllers;

import static io.j8s.server.controllers.TestObjects.pod;
import static io.j8s.server.controllers.TestObjects.port;
import static io.j8s.server.controllers.TestObjects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.j8s.server.ControllerOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The namespace controller alone against a real server. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NamespaceControllerTest extends AbstractControllerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("namespace")).withResyncPeriod(Duration.ofSeconds(1));
    }

    private void fill(String ns) {
        client.namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        client.configMaps()
                .inNamespace(ns)
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("cm")
                                .endMetadata()
                                .addToData("a", "b")
                                .build())
                .create();
        client.secrets()
                .inNamespace(ns)
                .resource(new SecretBuilder().withNewMetadata().withName("s").endMetadata().build())
                .create();
        client.services()
                .inNamespace(ns)
                .resource(service("web", null, Map.of("app", "web"), port("", 80, 80)))
                .create();
        client.pods().inNamespace(ns).resource(pod("pending", Map.of("app", "web"), null)).create();
        client.apps()
                .deployments()
                .inNamespace(ns)
                .resource(
                        new DeploymentBuilder()
                                .withNewMetadata()
                                .withName("web")
                                .endMetadata()
                                .withNewSpec()
                                .withReplicas(1)
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
    }

    @Test
    @Order(1)
    void deletedNamespace_isEmptiedThenGoes() {
        fill("shop");
        Namespace created = client.namespaces().withName("shop").get();
        assertThat(created.getSpec().getFinalizers()).containsExactly("kubernetes");
        client.namespaces().withName("shop").delete();
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> client.namespaces().withName("shop").get() == null);
        assertThat(client.configMaps().inNamespace("shop").list().getItems()).isEmpty();
        assertThat(client.pods().inNamespace("shop").list().getItems()).isEmpty();
        assertThat(client.services().inNamespace("shop").list().getItems()).isEmpty();
        assertThat(client.apps().deployments().inNamespace("shop").list().getItems()).isEmpty();
    }

    @Test
    @Order(2)
    void podBeingDeletedGracefully_keepsTheNamespaceTerminatingUntilItIsGone() {
        client.namespaces()
                .resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName("slow")
                                .endMetadata()
                                .build())
                .create();
        client.pods().inNamespace("slow").resource(pod("running", Map.of(), "node-1")).create();
        client.namespaces().withName("slow").delete();
        Awaitility.await()
                .atMost(WAIT)
                .until(
                        () ->
                                client.pods()
                                                .inNamespace("slow")
                                                .withName("running")
                                                .get()
                                                .getMetadata()
                                                .getDeletionTimestamp()
                                        != null);
        cluster.awaitQuiet("namespace");
        Namespace ns = client.namespaces().withName("slow").get();
        assertThat(ns.getStatus().getPhase()).isEqualTo("Terminating");
        assertThat(ns.getSpec().getFinalizers()).containsExactly("kubernetes");
        // the "kubelet" is done with it
        client.pods().inNamespace("slow").withName("running").withGracePeriod(0).delete();
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> client.namespaces().withName("slow").get() == null);
    }

    @Test
    @Order(3)
    void resync_writesNothing() {
        fill("busy");
        ControllerChecks.resyncWritesNothing(cluster, "namespace", 6);
    }

    @Test
    @Order(4)
    void restart_noWrites() throws Exception {
        ControllerChecks.restartWritesNothing(
                cluster,
                "namespace",
                () -> ControllerChecks.versions(client.namespaces().list().getItems()));
    }
}
