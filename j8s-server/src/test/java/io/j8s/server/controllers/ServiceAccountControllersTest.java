package io.j8s.server.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.j8s.server.ControllerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The serviceaccount and rootcacertpublisher controllers against a real server. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceAccountControllersTest extends AbstractControllerTest {
    private static final String CM = "kube-root-ca.crt";
    private static final String DESCRIPTION = "kubernetes.io/description";

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("serviceaccount", "rootcacertpublisher"))
                .withResyncPeriod(Duration.ofSeconds(1));
    }

    private ServiceAccount awaitAccount(String ns) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> client.serviceAccounts().inNamespace(ns).withName("default").get(),
                        sa -> sa != null);
    }

    private ConfigMap awaitCa(String ns) {
        return Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> client.configMaps().inNamespace(ns).withName(CM).get(),
                        cm -> cm != null);
    }

    @Test
    @Order(1)
    void everyNamespace_getsTheDefaultAccountAndTheCa() {
        for (String ns : List.of("default", "kube-system", "kube-public", "kube-node-lease")) {
            awaitAccount(ns);
            assertThat(awaitCa(ns).getData())
                    .containsExactly(Map.entry("ca.crt", cluster.server().pki().caPem()));
        }
        client.namespaces()
                .resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName("team")
                                .endMetadata()
                                .build())
                .create();
        ServiceAccount sa = awaitAccount("team");
        assertThat(sa.getMetadata().getOwnerReferences()).isEmpty();
        ConfigMap cm = awaitCa("team");
        assertThat(cm.getMetadata().getAnnotations()).containsOnlyKeys(DESCRIPTION);
    }

    @Test
    @Order(2)
    void aChangedCa_isRestored_keepingOtherAnnotations() {
        client.configMaps()
                .inNamespace("team")
                .withName(CM)
                .edit(
                        cm -> {
                            cm.getMetadata().setAnnotations(Map.of("mine", "yes"));
                            cm.setData(Map.of("ca.crt", "forged", "extra", "x"));
                            return cm;
                        });
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                client.configMaps()
                                        .inNamespace("team")
                                        .withName(CM)
                                        .get()
                                        .getData()
                                        .equals(Map.of("ca.crt", cluster.server().pki().caPem())));
        assertThat(
                        client.configMaps()
                                .inNamespace("team")
                                .withName(CM)
                                .get()
                                .getMetadata()
                                .getAnnotations())
                .containsOnlyKeys(DESCRIPTION, "mine");
    }

    @Test
    @Order(3)
    void deleted_areCreatedAgain() {
        String uid =
                client.serviceAccounts()
                        .inNamespace("team")
                        .withName("default")
                        .get()
                        .getMetadata()
                        .getUid();
        client.serviceAccounts().inNamespace("team").withName("default").delete();
        client.configMaps().inNamespace("team").withName(CM).delete();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            ServiceAccount sa =
                                    client.serviceAccounts()
                                            .inNamespace("team")
                                            .withName("default")
                                            .get();
                            return sa != null && !sa.getMetadata().getUid().equals(uid);
                        });
        awaitCa("team");
    }

    @Test
    @Order(4)
    void resync_writesNothing() {
        ControllerChecks.resyncWritesNothing(cluster, "serviceaccount", 6);
        ControllerChecks.resyncWritesNothing(cluster, "rootcacertpublisher", 6);
    }

    @Test
    @Order(5)
    void restart_writesNothing() throws Exception {
        ControllerChecks.restartWritesNothing(cluster, "rootcacertpublisher", this::state);
        cluster.awaitQuiet("serviceaccount");
        assertThat(cluster.controllerWrites("serviceaccount")).isZero();
    }

    private Object state() {
        List<HasMetadata> all =
                new ArrayList<>(client.serviceAccounts().inAnyNamespace().list().getItems());
        all.addAll(client.configMaps().inAnyNamespace().list().getItems());
        return ControllerChecks.versions(all);
    }
}
