package io.j8s.server.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.j8s.server.ControllerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The garbage collector alone against a real server, with ConfigMaps and Secrets as owners and
 * dependents.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GarbageCollectorTest extends AbstractControllerTest {
    private static final String NS = "default";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("garbagecollector")).withResyncPeriod(Duration.ofSeconds(1));
    }

    private ConfigMap owner(String name) {
        return client.configMaps()
                .inNamespace(NS)
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .endMetadata()
                                .build())
                .create();
    }

    private static OwnerReference ref(ConfigMap owner) {
        return ref(owner.getMetadata().getName(), owner.getMetadata().getUid());
    }

    private static OwnerReference ref(String name, String uid) {
        return new OwnerReferenceBuilder()
                .withApiVersion("v1")
                .withKind("ConfigMap")
                .withName(name)
                .withUid(uid)
                .withBlockOwnerDeletion(true)
                .build();
    }

    private ConfigMap dependent(String name, List<String> finalizers, OwnerReference... owners) {
        return client.configMaps()
                .inNamespace(NS)
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .withOwnerReferences(owners)
                                .withFinalizers(finalizers)
                                .endMetadata()
                                .withData(java.util.Map.of("kept", "yes"))
                                .build())
                .create();
    }

    private ConfigMap get(String name) {
        return client.configMaps().inNamespace(NS).withName(name).get();
    }

    private void awaitGone(String name) {
        Awaitility.await().atMost(WAIT).until(() -> get(name) == null);
    }

    @Test
    @Order(1)
    void background_dependentsOfADeletedOwnerGo() {
        ConfigMap owner = owner("owner");
        dependent("dep-1", List.of(), ref(owner));
        client.secrets()
                .inNamespace(NS)
                .resource(
                        new SecretBuilder()
                                .withNewMetadata()
                                .withName("dep-2")
                                .withOwnerReferences(ref(owner))
                                .endMetadata()
                                .build())
                .create();
        client.configMaps().inNamespace(NS).withName("owner").delete();
        awaitGone("dep-1");
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> client.secrets().inNamespace(NS).withName("dep-2").get() == null);
    }

    @Test
    @Order(2)
    void dependentWithAnotherOwner_losesOnlyTheReference() {
        ConfigMap a = owner("owner-a");
        ConfigMap b = owner("owner-b");
        dependent("shared", List.of(), ref(a), ref(b));
        client.configMaps().inNamespace(NS).withName("owner-a").delete();
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> get("shared").getMetadata().getOwnerReferences().size() == 1);
        assertThat(get("shared").getMetadata().getOwnerReferences().get(0).getUid())
                .isEqualTo(b.getMetadata().getUid());
        // the collector reads metadata only and patches the references: the data stays
        assertThat(get("shared").getData()).containsEntry("kept", "yes");
    }

    @Test
    @Order(3)
    void dependentOfAnOwnerThatNeverExisted_goes() {
        dependent("dangling", List.of(), ref("ghost", UUID.randomUUID().toString()));
        awaitGone("dangling");
    }

    @Test
    @Order(4)
    void foreground_ownerWaitsForItsBlockingDependents() {
        ConfigMap owner = owner("fg-owner");
        dependent("fg-dep", List.of("example.com/hold"), ref(owner));
        client.configMaps()
                .inNamespace(NS)
                .withName("fg-owner")
                .withPropagationPolicy(DeletionPropagation.FOREGROUND)
                .delete();
        Awaitility.await()
                .atMost(WAIT)
                .until(() -> get("fg-dep").getMetadata().getDeletionTimestamp() != null);
        cluster.awaitQuiet("garbagecollector");
        ConfigMap waiting = get("fg-owner");
        assertThat(waiting.getMetadata().getDeletionTimestamp()).isNotNull();
        assertThat(waiting.getMetadata().getFinalizers()).containsExactly("foregroundDeletion");

        client.configMaps()
                .inNamespace(NS)
                .withName("fg-dep")
                .edit(
                        c ->
                                new ConfigMapBuilder(c)
                                        .editMetadata()
                                        .withFinalizers(List.of())
                                        .endMetadata()
                                        .build());
        awaitGone("fg-dep");
        awaitGone("fg-owner");
    }

    @Test
    @Order(5)
    void orphan_dependentsStayWithoutTheReference() {
        ConfigMap owner = owner("orphan-owner");
        dependent("orphan-1", List.of(), ref(owner));
        dependent("orphan-2", List.of(), ref(owner));
        client.configMaps()
                .inNamespace(NS)
                .withName("orphan-owner")
                .withPropagationPolicy(DeletionPropagation.ORPHAN)
                .delete();
        awaitGone("orphan-owner");
        assertThat(get("orphan-1").getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(get("orphan-2").getMetadata().getOwnerReferences()).isNullOrEmpty();
        assertThat(get("orphan-1").getData()).containsEntry("kept", "yes");
    }

    @Test
    @Order(6)
    void resync_writesNothing() {
        ConfigMap owner = owner("kept-owner");
        dependent("kept-dep", List.of(), ref(owner));
        ControllerChecks.resyncWritesNothing(cluster, "garbagecollector", 10);
        assertThat(get("kept-dep")).isNotNull();
    }

    @Test
    @Order(7)
    void restart_noWrites() throws Exception {
        ControllerChecks.restartWritesNothing(
                cluster,
                "garbagecollector",
                () ->
                        ControllerChecks.versions(
                                client.configMaps().inNamespace(NS).list().getItems()));
    }
}
