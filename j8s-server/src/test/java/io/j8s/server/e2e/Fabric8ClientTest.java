package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.j8s.server.testing.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fabric8 client (typed CRUD, informers) against a real j8s server. */
class Fabric8ClientTest {
    private TestCluster cluster;
    private KubernetesClient client;

    @BeforeEach
    void start() throws Exception {
        cluster = TestCluster.start();
        client = cluster.client();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void crud_onEveryKind() {
        client.namespaces()
                .resource(
                        new NamespaceBuilder()
                                .withNewMetadata()
                                .withName("crud")
                                .endMetadata()
                                .build())
                .create();
        ConfigMap cm =
                client.configMaps()
                        .inNamespace("crud")
                        .resource(
                                new ConfigMapBuilder()
                                        .withNewMetadata()
                                        .withName("cm")
                                        .endMetadata()
                                        .addToData("a", "1")
                                        .build())
                        .create();
        assertThat(cm.getMetadata().getResourceVersion()).isNotEmpty();
        assertThat(cm.getMetadata().getUid()).isNotEmpty();
        ConfigMap edited =
                client.configMaps()
                        .inNamespace("crud")
                        .withName("cm")
                        .edit(
                                c -> {
                                    c.getData().put("b", "2");
                                    return c;
                                });
        assertThat(edited.getData()).containsEntry("b", "2");
        assertThat(Long.parseLong(edited.getMetadata().getResourceVersion()))
                .isGreaterThan(Long.parseLong(cm.getMetadata().getResourceVersion()));

        Service svc =
                client.services()
                        .inNamespace("crud")
                        .resource(
                                new ServiceBuilder()
                                        .withNewMetadata()
                                        .withName("web")
                                        .endMetadata()
                                        .withNewSpec()
                                        .addToSelector("app", "web")
                                        .addNewPort()
                                        .withPort(80)
                                        .endPort()
                                        .endSpec()
                                        .build())
                        .create();
        assertThat(svc.getSpec().getClusterIP()).startsWith("127.96.");
        assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");

        Pod pod =
                client.pods()
                        .inNamespace("crud")
                        .resource(
                                new PodBuilder()
                                        .withNewMetadata()
                                        .withName("web-1")
                                        .addToLabels("app", "web")
                                        .endMetadata()
                                        .withNewSpec()
                                        .addNewContainer()
                                        .withName("c")
                                        .withImage("nginx:1.14.1")
                                        .endContainer()
                                        .endSpec()
                                        .build())
                        .create();
        assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");

        client.apps()
                .deployments()
                .inNamespace("crud")
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
                                .withImage("nginx")
                                .endContainer()
                                .endSpec()
                                .endTemplate()
                                .endSpec()
                                .build())
                .create();
        client.apps().deployments().inNamespace("crud").withName("web").scale(3);
        assertThat(
                        client.apps()
                                .deployments()
                                .inNamespace("crud")
                                .withName("web")
                                .get()
                                .getSpec()
                                .getReplicas())
                .isEqualTo(3);

        client.apps()
                .replicaSets()
                .inNamespace("crud")
                .resource(
                        new ReplicaSetBuilder()
                                .withNewMetadata()
                                .withName("rs")
                                .endMetadata()
                                .withNewSpec()
                                .withReplicas(1)
                                .withNewSelector()
                                .addToMatchLabels("app", "rs")
                                .endSelector()
                                .withNewTemplate()
                                .withNewMetadata()
                                .addToLabels("app", "rs")
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName("c")
                                .withImage("nginx")
                                .endContainer()
                                .endSpec()
                                .endTemplate()
                                .endSpec()
                                .build())
                .create();

        client.endpoints()
                .inNamespace("crud")
                .resource(
                        new EndpointsBuilder()
                                .withNewMetadata()
                                .withName("ext")
                                .endMetadata()
                                .addNewSubset()
                                .addNewAddress()
                                .withIp("127.0.0.9")
                                .endAddress()
                                .addNewPort()
                                .withPort(80)
                                .endPort()
                                .endSubset()
                                .build())
                .create();
        client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace("crud")
                .resource(
                        new EndpointSliceBuilder()
                                .withNewMetadata()
                                .withName("ext-1")
                                .addToLabels("kubernetes.io/service-name", "ext")
                                .endMetadata()
                                .withAddressType("IPv4")
                                .addNewEndpoint()
                                .withAddresses("127.0.0.9")
                                .endEndpoint()
                                .addNewPort()
                                .withName("")
                                .withPort(80)
                                .endPort()
                                .build())
                .create();
        client.nodes()
                .resource(
                        new NodeBuilder()
                                .withNewMetadata()
                                .withName("node-x")
                                .endMetadata()
                                .build())
                .create();
        client.leases()
                .inNamespace("kube-node-lease")
                .resource(
                        new LeaseBuilder()
                                .withNewMetadata()
                                .withName("node-x")
                                .endMetadata()
                                .withNewSpec()
                                .withHolderIdentity("node-x")
                                .withLeaseDurationSeconds(40)
                                .endSpec()
                                .build())
                .create();

        assertThat(client.pods().inNamespace("crud").withLabel("app", "web").list().getItems())
                .hasSize(1);
        assertThat(
                        client.pods()
                                .inAnyNamespace()
                                .withField("metadata.name", "web-1")
                                .list()
                                .getItems())
                .hasSize(1);
        assertThat(client.nodes().list().getItems())
                .extracting(n -> n.getMetadata().getName())
                .contains("node-x");

        // Optimistic concurrency: an update with a stale resourceVersion is a 409.
        ConfigMap stale = new ConfigMapBuilder(cm).addToData("c", "3").build();
        assertThatThrownBy(() -> client.configMaps().inNamespace("crud").resource(stale).update())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(409));

        assertThat(client.configMaps().inNamespace("crud").withName("cm").delete()).hasSize(1);
        assertThat(client.configMaps().inNamespace("crud").withName("cm").get()).isNull();
        assertThat(client.services().inNamespace("crud").withName("web").delete()).hasSize(1);
        assertThat(client.apps().replicaSets().inNamespace("crud").withName("rs").delete())
                .hasSize(1);
    }

    @Test
    void list_pagesWithLimitAndContinue() {
        for (int i = 0; i < 25; i++) {
            client.configMaps()
                    .inNamespace("default")
                    .resource(
                            new ConfigMapBuilder()
                                    .withNewMetadata()
                                    .withName(String.format("page-%02d", i))
                                    .endMetadata()
                                    .build())
                    .create();
        }
        var first =
                client.configMaps()
                        .inNamespace("default")
                        .list(
                                new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                                        .withLimit(10L)
                                        .build());
        assertThat(first.getItems()).hasSize(10);
        assertThat(first.getMetadata().getContinue()).isNotEmpty();
        var second =
                client.configMaps()
                        .inNamespace("default")
                        .list(
                                new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                                        .withLimit(10L)
                                        .withContinue(first.getMetadata().getContinue())
                                        .build());
        assertThat(second.getItems()).hasSize(10);
        assertThat(second.getItems().get(0).getMetadata().getName()).isEqualTo("page-10");
        var third =
                client.configMaps()
                        .inNamespace("default")
                        .list(
                                new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                                        .withLimit(10L)
                                        .withContinue(second.getMetadata().getContinue())
                                        .build());
        assertThat(third.getItems())
                .extracting(c -> c.getMetadata().getName())
                .last()
                .isEqualTo("page-24");
    }

    @Test
    void informer_keepsItsCacheExactAcrossAServerRestart() throws Exception {
        Map<String, String> seen = new ConcurrentHashMap<>();
        List<String> events = new CopyOnWriteArrayList<>();
        SharedIndexInformer<Pod> pods =
                client.pods()
                        .inAnyNamespace()
                        .inform(
                                new ResourceEventHandler<>() {
                                    @Override
                                    public void onAdd(Pod pod) {
                                        events.add("ADD " + pod.getMetadata().getName());
                                    }

                                    @Override
                                    public void onUpdate(Pod oldPod, Pod newPod) {
                                        if (!oldPod.getMetadata()
                                                .getResourceVersion()
                                                .equals(
                                                        newPod.getMetadata()
                                                                .getResourceVersion())) {
                                            events.add("UPDATE " + newPod.getMetadata().getName());
                                        }
                                    }

                                    @Override
                                    public void onDelete(Pod pod, boolean unknown) {
                                        events.add("DELETE " + pod.getMetadata().getName());
                                    }
                                },
                                0);
        SharedIndexInformer<Service> services = client.services().inAnyNamespace().inform();
        try {
            for (int i = 0; i < 5; i++) {
                createPod("before-" + i);
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> pods.getStore().list().size() == 5);

            cluster.restart();
            // Changes while the informer reconnects: one update, one delete, two creates.
            KubernetesClient other = cluster.client();
            try {
                other.pods()
                        .inNamespace("default")
                        .withName("before-0")
                        .edit(
                                p -> {
                                    p.getMetadata().getLabels().put("changed", "yes");
                                    return p;
                                });
                other.pods()
                        .inNamespace("default")
                        .withName("before-1")
                        .withGracePeriod(0)
                        .delete();
                createPod(other, "after-0");
                createPod(other, "after-1");
            } finally {
                other.close();
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(
                            () -> {
                                Map<String, String> cached =
                                        pods.getStore().list().stream()
                                                .collect(
                                                        Collectors.toMap(
                                                                p -> p.getMetadata().getName(),
                                                                p ->
                                                                        p.getMetadata()
                                                                                .getResourceVersion()));
                                Map<String, String> actual =
                                        client
                                                .pods()
                                                .inNamespace("default")
                                                .list()
                                                .getItems()
                                                .stream()
                                                .collect(
                                                        Collectors.toMap(
                                                                p -> p.getMetadata().getName(),
                                                                p ->
                                                                        p.getMetadata()
                                                                                .getResourceVersion()));
                                assertThat(cached).isEqualTo(actual);
                            });
            assertThat(pods.getStore().getByKey("default/before-0").getMetadata().getLabels())
                    .containsEntry("changed", "yes");
            assertThat(events)
                    .containsOnlyOnce(
                            "DELETE before-1", "ADD after-0", "ADD after-1", "UPDATE before-0");
            assertThat(services.getStore().list())
                    .extracting(s -> s.getMetadata().getName())
                    .contains("kubernetes");
        } finally {
            pods.close();
            services.close();
        }
    }

    private void createPod(String name) {
        createPod(client, name);
    }

    private static void createPod(KubernetesClient c, String name) {
        c.pods()
                .inNamespace("default")
                .resource(
                        new PodBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .addToLabels("app", "informed")
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName("c")
                                .withImage("nginx")
                                .endContainer()
                                .endSpec()
                                .build())
                .create();
    }
}
