package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.j8s.client.cache.SharedInformers;
import io.j8s.server.testing.TestCluster;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A metadata informer ({@code SharedInformers.metadataInformer}, what the garbage collector reads)
 * against a real server: its list and watch bring each object's metadata only, as Kubernetes'
 * metadata informers get {@code PartialObjectMetadata}, and follow changes and deletions.
 */
class MetadataInformerTest {
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static GenericKubernetesResource cached(
            SharedIndexInformer<GenericKubernetesResource> informer, String name) {
        return informer.getStore().getByKey("default/" + name);
    }

    @Test
    void listAndWatchBringMetadataOnly_andFollowChanges() {
        var configMaps = cluster.client().configMaps().inNamespace("default");
        configMaps
                .resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("listed")
                                .addToLabels("app", "web")
                                .endMetadata()
                                .withData(Map.of("big", "x".repeat(10_000)))
                                .build())
                .create();
        ResourceDefinitionContext context =
                new ResourceDefinitionContext.Builder()
                        .withGroup("")
                        .withVersion("v1")
                        .withPlural("configmaps")
                        .withKind("ConfigMap")
                        .withNamespaced(true)
                        .build();
        try (SharedInformers informers = new SharedInformers(cluster.client(), Duration.ZERO)) {
            SharedIndexInformer<GenericKubernetesResource> informer =
                    informers.metadataInformer(context);
            informers.start().join();

            // from the list
            GenericKubernetesResource listed = cached(informer, "listed");
            assertThat(listed.getMetadata().getLabels()).containsEntry("app", "web");
            assertThat(listed.getMetadata().getUid()).isNotEmpty();
            assertThat(listed.getAdditionalProperties()).doesNotContainKey("data");

            // from the watch: a new object, a change, a deletion
            configMaps
                    .resource(
                            new ConfigMapBuilder()
                                    .withNewMetadata()
                                    .withName("watched")
                                    .endMetadata()
                                    .withData(Map.of("k", "v"))
                                    .build())
                    .create();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> cached(informer, "watched") != null);
            assertThat(cached(informer, "watched").getAdditionalProperties())
                    .doesNotContainKey("data");
            assertThat(cached(informer, "watched").getKind()).isEqualTo("PartialObjectMetadata");

            configMaps
                    .withName("listed")
                    .edit(
                            c -> {
                                c.getMetadata().getLabels().put("tier", "front");
                                return c;
                            });
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(
                            () ->
                                    "front"
                                            .equals(
                                                    cached(informer, "listed")
                                                            .getMetadata()
                                                            .getLabels()
                                                            .get("tier")));
            configMaps.withName("watched").delete();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> cached(informer, "watched") == null);
            // the full object is unchanged by any of it
            assertThat(configMaps.withName("listed").get().getData().get("big")).hasSize(10_000);
        }
    }
}
