package io.j8s.client.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.informers.impl.cache.CacheImpl;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LabelIndexTest {

    private final CacheImpl<Pod> cache = new CacheImpl<>();

    @BeforeEach
    void setUp() {
        cache.addIndexers(Map.of(LabelIndex.NAME, LabelIndex::values));
        cache.put(pod("default", "web-1", Map.of("app", "web", "tier", "front")));
        cache.put(pod("default", "web-2", Map.of("app", "web", "tier", "back")));
        cache.put(pod("default", "db-1", Map.of("app", "db")));
        cache.put(pod("other", "web-1", Map.of("app", "web", "tier", "front")));
        cache.put(pod("default", "bare", null));
    }

    @Test
    void selectsEveryPairInTheNamespaceOnly() {
        assertThat(names(LabelIndex.select(cache, "default", Map.of("app", "web"))))
                .containsExactlyInAnyOrder("web-1", "web-2");
        assertThat(
                        names(
                                LabelIndex.select(
                                        cache, "default", Map.of("app", "web", "tier", "front"))))
                .containsExactly("web-1");
        assertThat(LabelIndex.select(cache, "default", Map.of("app", "web", "tier", "none")))
                .isEmpty();
        assertThat(LabelIndex.select(cache, "nowhere", Map.of("app", "web"))).isEmpty();
    }

    @Test
    void anEmptySelectorSelectsTheWholeNamespace() {
        assertThat(names(LabelIndex.select(cache, "default", Map.of())))
                .containsExactlyInAnyOrder("web-1", "web-2", "db-1", "bare");
    }

    @Test
    void followsLabelChangesAndDeletions() {
        cache.put(pod("default", "web-2", Map.of("app", "db")));
        cache.remove(pod("default", "web-1", Map.of("app", "web", "tier", "front")));
        assertThat(LabelIndex.select(cache, "default", Map.of("app", "web"))).isEmpty();
        assertThat(names(LabelIndex.select(cache, "default", Map.of("app", "db"))))
                .containsExactlyInAnyOrder("db-1", "web-2");
    }

    /** A label value holding '=' or '/' cannot be confused with another pair. */
    @Test
    void keysAndValuesDoNotRunTogether() {
        cache.put(pod("default", "odd", Map.of("a", "b=c")));
        assertThat(LabelIndex.select(cache, "default", Map.of("a=b", "c"))).isEmpty();
        assertThat(names(LabelIndex.select(cache, "default", Map.of("a", "b=c"))))
                .containsExactly("odd");
    }

    private static Pod pod(String namespace, String name, Map<String, String> labels) {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build();
    }

    private static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.getMetadata().getName()).toList();
    }
}
