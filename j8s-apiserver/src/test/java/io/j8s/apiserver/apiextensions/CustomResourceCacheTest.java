package io.j8s.apiserver.apiextensions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.Delivery;
import io.j8s.apiserver.cache.ObjectCodec;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.cache.WatchRequest;
import io.j8s.apiserver.cache.WatchSink;
import io.j8s.store.Store;
import io.j8s.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/** The watch cache serving resources added and removed at run time (two versions, one storage). */
class CustomResourceCacheTest {
    @TempDir Path dir;
    private Store store;
    private WatchCache cache;

    private static ResourceType version(String name) {
        ObjectNode version = Json.object();
        version.put("name", name);
        version.putObject("schema").putObject("openAPIV3Schema").put("type", "object");
        return new ResourceType(
                "example.com",
                name,
                "Widget",
                "widgets",
                "widget",
                true,
                List.of(),
                List.of(),
                Set.of(),
                new CustomResourceStrategy("example.com", true, version, SchemaSupport.ACCEPT_ALL));
    }

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir);
        cache =
                new WatchCache(
                        store,
                        List.of(CustomResourceDefinitions.TYPE),
                        100,
                        Duration.ofHours(1),
                        new SimpleMeterRegistry());
        cache.start();
    }

    @AfterEach
    void close() {
        cache.close();
        store.close();
    }

    private long put(ResourceType type, String name) {
        ObjectNode w = Json.object();
        w.put("apiVersion", type.apiVersion());
        w.put("kind", "Widget");
        w.putObject("metadata").put("name", name).put("namespace", "default");
        long revision = store.create(type.key("default", name), ObjectCodec.encodeForStore(w));
        assertThat(cache.awaitRevision(revision, Duration.ofSeconds(5))).isTrue();
        return revision;
    }

    @Test
    void versionsShareTheirObjectsAndEachServesItsApiVersion() {
        ResourceType v1 = version("v1");
        ResourceType v2 = version("v2");
        assertThat(v1.keyPrefix()).isEqualTo("/registry/example.com/widgets/");
        put(v1, "before");
        cache.addType(v1);
        cache.addType(v2);
        assertThat(cache.list(v1, null, o -> true).items())
                .extracting(CachedObject::name)
                .containsExactly("before");
        List<Delivery> seen = new CopyOnWriteArrayList<>();
        List<WatchSink.TerminationReason> ended = new CopyOnWriteArrayList<>();
        // as the REST watch stream does: an ended watch releases its registration, which must
        // hold also when the resource stopped being served (removeType ends it)
        java.util.concurrent.atomic.AtomicReference<WatchCache.Registration> registration =
                new java.util.concurrent.atomic.AtomicReference<>();
        registration.set(
                cache.watch(
                        new WatchRequest(v2, null, o -> true, cache.revision(), false),
                        new WatchSink() {
                            @Override
                            public boolean offer(Delivery delivery) {
                                return seen.add(delivery);
                            }

                            @Override
                            public void terminate(TerminationReason reason) {
                                ended.add(reason);
                                registration.get().close();
                            }
                        }));
        put(v1, "after");
        assertThat(seen).hasSize(1);
        assertThat(Json.text(seen.get(0).object().tree(), "apiVersion"))
                .isEqualTo("example.com/v2");
        assertThat(cache.list(v2, "default", o -> true).items()).hasSize(2);

        cache.removeType(v2);
        assertThat(ended).containsExactly(WatchSink.TerminationReason.CLOSED);
        assertThat(cache.serves(v2)).isFalse();
        assertThatThrownBy(() -> cache.list(v2, null, o -> true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.size(v1)).isEqualTo(2);
    }
}
