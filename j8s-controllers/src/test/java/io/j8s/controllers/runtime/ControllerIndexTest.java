package io.j8s.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControllerIndexTest {

    private final CacheImpl<Pod> cache = new CacheImpl<>();
    private final ReplicaSet rs =
            new ReplicaSetBuilder()
                    .withNewMetadata()
                    .withNamespace("default")
                    .withName("web")
                    .withUid("rs-web")
                    .endMetadata()
                    .build();

    @BeforeEach
    void setUp() {
        cache.addIndexers(Map.of(ControllerIndex.NAME, ControllerIndex::values));
        cache.put(pod("default", "mine", "rs-web", true));
        cache.put(pod("default", "theirs", "rs-db", true));
        cache.put(pod("default", "orphan", null, false));
        cache.put(pod("default", "owned-not-controlled", "rs-web", false));
        cache.put(pod("other", "orphan-elsewhere", null, false));
    }

    @Test
    void anOwnerMayClaimItsPodsAndTheOrphansOfItsNamespaceOnly() {
        assertThat(names(ControllerIndex.controlledByOrOrphans(cache, rs)))
                .containsExactlyInAnyOrder("mine", "orphan", "owned-not-controlled");
        assertThat(names(ControllerIndex.controlledBy(cache, "rs-web"))).containsExactly("mine");
    }

    @Test
    void followsAdoptionAndRelease() {
        cache.put(pod("default", "orphan", "rs-web", true));
        cache.put(pod("default", "mine", null, false));
        assertThat(names(ControllerIndex.controlledBy(cache, "rs-web"))).containsExactly("orphan");
        assertThat(names(ControllerIndex.controlledByOrOrphans(cache, rs)))
                .containsExactlyInAnyOrder("mine", "orphan", "owned-not-controlled");
    }

    private static Pod pod(String namespace, String name, String ownerUid, boolean controller) {
        PodBuilder b =
                new PodBuilder()
                        .withNewMetadata()
                        .withNamespace(namespace)
                        .withName(name)
                        .endMetadata();
        if (ownerUid != null) {
            b.editMetadata()
                    .addNewOwnerReference()
                    .withUid(ownerUid)
                    .withKind("ReplicaSet")
                    .withName("rs")
                    .withApiVersion("apps/v1")
                    .withController(controller)
                    .endOwnerReference()
                    .endMetadata();
        }
        return b.build();
    }

    private static List<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getName()).toList();
    }
}
