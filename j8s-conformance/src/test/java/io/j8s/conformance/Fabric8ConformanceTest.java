package io.j8s.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.j8s.server.testing.TestCluster;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * fabric8 (the client j8s' own components use) against a real j8s server, the same checks as the
 * other clients (docs/compatibility.md); {@code j8s-server}'s Fabric8ClientTest covers paging and
 * an informer across a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Fabric8ConformanceTest {
    private static final String NS = "fabric8";
    private static TestCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster = ConformanceCluster.start("fabric8", "127.234.0.0/16");
        client = cluster.client();
        client.namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .create();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static MixedOperation<
                    HasMetadata, KubernetesResourceList<HasMetadata>, Resource<HasMetadata>>
            of(HasMetadata item) {
        return client.resources((Class<HasMetadata>) item.getClass());
    }

    @Test
    @Order(1)
    void crud_ofEveryKind() {
        List<HasMetadata> items =
                client.load(
                                new ByteArrayInputStream(
                                        EveryKind.yaml(NS).getBytes(StandardCharsets.UTF_8)))
                        .items();
        assertThat(items).hasSize(16);
        for (HasMetadata item : items) {
            String what = item.getKind() + " " + item.getMetadata().getName();
            HasMetadata created = client.resource(item).create();
            assertThat(created.getMetadata().getUid()).as(what).isNotEmpty();
            assertThat(created.getMetadata().getResourceVersion()).as(what).isNotEmpty();

            HasMetadata got = client.resource(item).get();
            assertThat(got.getMetadata().getUid())
                    .as(what)
                    .isEqualTo(created.getMetadata().getUid());
            var op = of(item);
            var list =
                    item.getMetadata().getNamespace() == null
                            ? op.list()
                            : op.inNamespace(NS).list();
            assertThat(list.getItems())
                    .as(what)
                    .extracting(o -> o.getMetadata().getName())
                    .contains(item.getMetadata().getName());

            // Read, change, update; again on a 409 (a controller, scheduler or node writes it
            // meanwhile).
            HasMetadata updated = null;
            for (int attempt = 0; updated == null; attempt++) {
                got.getMetadata().getLabels().put("conformance", "updated");
                try {
                    updated = client.resource(got).update();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 409 || attempt == 5) {
                        throw e;
                    }
                    got = client.resource(item).get();
                }
            }
            assertThat(updated.getMetadata().getLabels())
                    .as(what)
                    .containsEntry("conformance", "updated");
            assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
                    .as(what)
                    .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));

            assertThat(client.resource(updated).withGracePeriod(0).delete()).as(what).hasSize(1);
            Awaitility.await(what + " is gone")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> client.resource(item).get() == null);
        }
    }

    @Test
    @Order(2)
    void list_thenWatchFromTheListsResourceVersion() throws Exception {
        client.configMaps().inNamespace(NS).resource(cm("before")).create();
        var list = client.configMaps().inNamespace(NS).list();
        assertThat(list.getItems()).extracting(c -> c.getMetadata().getName()).contains("before");
        client.configMaps().inNamespace(NS).resource(cm("after")).create();
        client.configMaps()
                .inNamespace(NS)
                .withName("after")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"v\"}}");
        client.configMaps().inNamespace(NS).withName("after").delete();

        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch watch =
                client.configMaps()
                        .inNamespace(NS)
                        .withResourceVersion(list.getMetadata().getResourceVersion())
                        .watch(
                                new Watcher<>() {
                                    @Override
                                    public void eventReceived(Action action, ConfigMap cm) {
                                        events.add(action + " " + cm.getMetadata().getName());
                                    }

                                    @Override
                                    public void onClose(WatcherException cause) {
                                        events.add("CLOSED " + cause);
                                    }
                                })) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 3);
        }
        assertThat(events).containsExactly("ADDED after", "MODIFIED after", "DELETED after");
    }

    private static ConfigMap cm(String name) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .build();
    }

    @Test
    @Order(3)
    void staleUpdate_is409Conflict() {
        ConfigMap created =
                client.configMaps()
                        .inNamespace(NS)
                        .resource(new ConfigMapBuilder(cm("cas")).addToData("a", "1").build())
                        .create();
        client.configMaps()
                .inNamespace(NS)
                .resource(new ConfigMapBuilder(created).addToData("a", "2").build())
                .update();
        assertThatThrownBy(
                        () ->
                                client.configMaps()
                                        .inNamespace(NS)
                                        .resource(
                                                new ConfigMapBuilder(created)
                                                        .addToData("a", "3")
                                                        .build())
                                        .update())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> {
                            assertThat(e.getCode()).isEqualTo(409);
                            assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                            assertThat(e.getStatus().getMessage())
                                    .isEqualTo(
                                            "Operation cannot be fulfilled on configmaps"
                                                    + " \"cas\": the object has been modified; please apply your changes to the latest version"
                                                    + " and try again");
                        });
        assertThat(client.configMaps().inNamespace(NS).withName("cas").get().getData())
                .containsEntry("a", "2");
    }

    @Test
    @Order(4)
    void patches_json_merge_strategicMerge() {
        client.apps()
                .deployments()
                .inNamespace(NS)
                .resource(
                        new DeploymentBuilder()
                                .withNewMetadata()
                                .withName("patched")
                                .endMetadata()
                                .withNewSpec()
                                .withReplicas(0)
                                .withNewSelector()
                                .addToMatchLabels("app", "patched")
                                .endSelector()
                                .withNewTemplate()
                                .withNewMetadata()
                                .addToLabels("app", "patched")
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName("c0")
                                .withImage("nginx:1.14.1")
                                .endContainer()
                                .addNewContainer()
                                .withName("c1")
                                .withImage("busybox:1")
                                .endContainer()
                                .endSpec()
                                .endTemplate()
                                .endSpec()
                                .build())
                .create();
        var deployment = client.apps().deployments().inNamespace(NS).withName("patched");
        Deployment json =
                deployment.patch(
                        PatchContext.of(PatchType.JSON),
                        "[{\"op\":\"replace\","
                                + "\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"nginx:1.15\"}]");
        assertThat(json.getSpec().getTemplate().getSpec().getContainers())
                .extracting(Container::getImage)
                .containsExactly("nginx:1.15", "busybox:1");
        Deployment merge =
                deployment.patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"metadata\":{\"labels\":{\"patched\":\"merge\"}}}");
        assertThat(merge.getMetadata().getLabels()).containsEntry("patched", "merge");
        Deployment strategic =
                deployment.patch(
                        PatchContext.of(PatchType.STRATEGIC_MERGE),
                        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c1\",\"image\":\"busybox:2\"}]}}}}");
        assertThat(strategic.getSpec().getTemplate().getSpec().getContainers())
                .extracting(c -> c.getName() + "=" + c.getImage())
                .containsExactly("c0=nginx:1.15", "c1=busybox:2");
    }

    @Test
    @Order(5)
    void serverSideApply_createsTheObject_andTheSameApplyWritesNothing() {
        // docs/server-side-apply.md: fabric8's serverSideApply() creates the object under its field
        // manager; the same apply again writes nothing (same resourceVersion)
        ConfigMap first =
                client.resource(new ConfigMapBuilder(cm("applied")).addToData("a", "1").build())
                        .fieldManager("conformance-fabric8")
                        .forceConflicts()
                        .serverSideApply();
        assertThat(first.getData()).containsExactlyEntriesOf(Map.of("a", "1"));
        assertThat(first.getMetadata().getManagedFields())
                .anySatisfy(
                        m -> {
                            assertThat(m.getManager()).isEqualTo("conformance-fabric8");
                            assertThat(m.getOperation()).isEqualTo("Apply");
                        });
        ConfigMap again =
                client.resource(new ConfigMapBuilder(cm("applied")).addToData("a", "1").build())
                        .fieldManager("conformance-fabric8")
                        .forceConflicts()
                        .serverSideApply();
        assertThat(again.getMetadata().getResourceVersion())
                .isEqualTo(first.getMetadata().getResourceVersion());
        assertThat(client.configMaps().inNamespace(NS).withName("applied").get().getData())
                .containsExactlyEntriesOf(Map.of("a", "1"));
    }

    @Test
    @Order(6)
    void deployment_reachesAvailable_endpointsAndSlicesFollowAScale() {
        client.services()
                .inNamespace(NS)
                .resource(
                        new ServiceBuilder()
                                .withNewMetadata()
                                .withName("web")
                                .endMetadata()
                                .withNewSpec()
                                .addToSelector("app", "web")
                                .addNewPort()
                                .withName("http")
                                .withPort(8080)
                                .withNewTargetPort(80)
                                .endPort()
                                .endSpec()
                                .build())
                .create();
        client.apps()
                .deployments()
                .inNamespace(NS)
                .resource(
                        new DeploymentBuilder()
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
                                .withNewSpec()
                                .addNewContainer()
                                .withName("c")
                                .withImage("nginx:1.14.1")
                                .addNewPort()
                                .withContainerPort(80)
                                .endPort()
                                .endContainer()
                                .endSpec()
                                .endTemplate()
                                .endSpec()
                                .build())
                .create();
        for (int replicas : new int[] {2, 3, 1}) {
            if (replicas != 2) {
                client.apps().deployments().inNamespace(NS).withName("web").scale(replicas);
            }
            int n = replicas;
            Awaitility.await("web Available with " + n)
                    .atMost(Duration.ofSeconds(90))
                    .untilAsserted(
                            () -> {
                                Deployment d =
                                        client.apps()
                                                .deployments()
                                                .inNamespace(NS)
                                                .withName("web")
                                                .get();
                                assertThat(d.getStatus()).isNotNull();
                                assertThat(d.getStatus().getObservedGeneration())
                                        .isEqualTo(d.getMetadata().getGeneration());
                                assertThat(d.getStatus().getReplicas()).isEqualTo(n);
                                assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(n);
                                assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(n);
                                assertThat(d.getStatus().getConditions())
                                        .filteredOn(c -> c.getType().equals("Available"))
                                        .extracting(c -> c.getStatus())
                                        .containsExactly("True");
                            });
            Awaitility.await("web's endpoints list " + n)
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                Set<String> podIps =
                                        client
                                                .pods()
                                                .inNamespace(NS)
                                                .withLabel("app", "web")
                                                .list()
                                                .getItems()
                                                .stream()
                                                .filter(
                                                        p ->
                                                                p.getMetadata()
                                                                                        .getDeletionTimestamp()
                                                                                == null
                                                                        && "Running"
                                                                                .equals(
                                                                                        p.getStatus()
                                                                                                .getPhase()))
                                                .map(p -> p.getStatus().getPodIP())
                                                .collect(Collectors.toSet());
                                assertThat(podIps)
                                        .hasSize(n)
                                        .allMatch(ip -> ip.startsWith("127.234."));
                                Set<String> epIps = new HashSet<>();
                                client.endpoints()
                                        .inNamespace(NS)
                                        .withName("web")
                                        .get()
                                        .getSubsets()
                                        .forEach(
                                                s -> {
                                                    s.getAddresses()
                                                            .forEach(a -> epIps.add(a.getIp()));
                                                    assertThat(s.getPorts())
                                                            .extracting(
                                                                    p ->
                                                                            p.getName()
                                                                                    + ":"
                                                                                    + p.getPort())
                                                            .containsExactly("http:80");
                                                });
                                assertThat(epIps).isEqualTo(podIps);
                                Set<String> sliceIps = new HashSet<>();
                                for (EndpointSlice slice :
                                        client.discovery()
                                                .v1()
                                                .endpointSlices()
                                                .inNamespace(NS)
                                                .withLabel("kubernetes.io/service-name", "web")
                                                .list()
                                                .getItems()) {
                                    assertThat(slice.getPorts())
                                            .extracting(p -> p.getName() + ":" + p.getPort())
                                            .containsExactly("http:80");
                                    slice.getEndpoints().stream()
                                            .filter(
                                                    e ->
                                                            Boolean.TRUE.equals(
                                                                    e.getConditions().getReady()))
                                            .forEach(e -> sliceIps.addAll(e.getAddresses()));
                                }
                                assertThat(sliceIps).isEqualTo(podIps);
                            });
        }
    }

    @Test
    @Order(7)
    void watchFromACompactedRevision_is410Gone_andAnInformerRelists() throws Exception {
        SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace(NS).inform();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(informer::hasSynced);
            String old =
                    client.configMaps().inNamespace(NS).list().getMetadata().getResourceVersion();
            client.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName("fabric8-elsewhere")
                                    .endMetadata()
                                    .build())
                    .create();
            for (int i = 0; i < 3; i++) {
                client.configMaps()
                        .inNamespace("fabric8-elsewhere")
                        .resource(
                                new ConfigMapBuilder()
                                        .withNewMetadata()
                                        .withName("x" + i)
                                        .endMetadata()
                                        .build())
                        .create();
            }
            ConformanceCluster.compactAndRestart(cluster);

            CompletableFuture<WatcherException> closed = new CompletableFuture<>();
            List<String> events = new CopyOnWriteArrayList<>();
            try (Watch watch =
                    client.configMaps()
                            .inNamespace(NS)
                            .withResourceVersion(old)
                            .watch(
                                    new Watcher<>() {
                                        @Override
                                        public void eventReceived(Action action, ConfigMap cm) {
                                            events.add(action + " " + cm.getMetadata().getName());
                                        }

                                        @Override
                                        public void onClose(WatcherException cause) {
                                            closed.complete(cause);
                                        }
                                    })) {
                WatcherException gone = closed.get(30, TimeUnit.SECONDS);
                assertThat(gone.isHttpGone()).as("%s", gone).isTrue();
                assertThat(gone.getMessage()).contains("too old resource version: " + old);
            }
            assertThat(events).isEmpty();

            client.configMaps().inNamespace(NS).resource(cm("after-410")).create();
            client.configMaps().inNamespace(NS).withName("cas").delete();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                Map<String, String> cached =
                                        informer.getStore().list().stream()
                                                .collect(
                                                        Collectors.toMap(
                                                                c -> c.getMetadata().getName(),
                                                                c ->
                                                                        c.getMetadata()
                                                                                .getResourceVersion()));
                                Map<String, String> actual =
                                        client
                                                .configMaps()
                                                .inNamespace(NS)
                                                .list()
                                                .getItems()
                                                .stream()
                                                .collect(
                                                        Collectors.toMap(
                                                                c -> c.getMetadata().getName(),
                                                                c ->
                                                                        c.getMetadata()
                                                                                .getResourceVersion()));
                                assertThat(cached)
                                        .isEqualTo(actual)
                                        .containsKey("after-410")
                                        .doesNotContainKey("cas");
                            });
        } finally {
            informer.close();
        }
    }
}
