package io.j8s.apiserver.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.api.json.Json;
import io.j8s.store.CompactedException;
import io.j8s.store.Store;
import io.j8s.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

class WatchCacheTest {
    private static final ResourceType CONFIGMAPS =
            ResourceTypes.byResource("", "v1", "configmaps").orElseThrow();

    @TempDir Path dir;
    private Store store;
    private WatchCache cache;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir);
        cache = newCache();
    }

    @AfterEach
    void close() {
        cache.close();
        store.close();
    }

    private WatchCache newCache() {
        WatchCache c =
                new WatchCache(
                        store,
                        ResourceTypes.all().stream()
                                .filter(t -> !t.group().equals("events.k8s.io"))
                                .toList(),
                        100,
                        Duration.ofHours(1),
                        new SimpleMeterRegistry());
        c.start();
        return c;
    }

    private long put(String name, Map<String, String> labels) {
        ObjectNode cm = Json.object();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        ObjectNode metadata = cm.putObject("metadata");
        metadata.put("name", name);
        metadata.put("namespace", "default");
        labels.forEach(metadata.putObject("labels")::put);
        String key = CONFIGMAPS.key("default", name);
        byte[] value = ObjectCodec.encodeForStore(cm);
        long revision =
                store.get(key)
                        .map(kv -> store.update(key, value, kv.modRevision()))
                        .orElseGet(() -> store.create(key, value));
        assertThat(cache.awaitRevision(revision, Duration.ofSeconds(5))).isTrue();
        return revision;
    }

    private long delete(String name) {
        long revision = store.delete(CONFIGMAPS.key("default", name), Store.ANY_REVISION);
        assertThat(cache.awaitRevision(revision, Duration.ofSeconds(5))).isTrue();
        return revision;
    }

    private static WatchRequest request(long from, String labelKey, String labelValue) {
        return new WatchRequest(
                CONFIGMAPS,
                "default",
                o -> labelKey == null || labelValue.equals(o.labels().get(labelKey)),
                from,
                false);
    }

    @Test
    void getAndList_reflectTheStoreWithResourceVersionsSet() {
        long rev = put("a", Map.of());
        put("b", Map.of());
        CachedObject a = cache.get(CONFIGMAPS, "default", "a").orElseThrow();
        assertThat(a.modRevision()).isEqualTo(rev);
        assertThat(a.tree().path("metadata").path("resourceVersion").asString())
                .isEqualTo(Long.toString(rev));
        WatchCache.Snapshot list = cache.list(CONFIGMAPS, "default", o -> true);
        assertThat(list.items()).extracting(CachedObject::name).containsExactly("a", "b");
        assertThat(list.revision()).isEqualTo(cache.revision());
        assertThat(cache.list(CONFIGMAPS, "other", o -> true).items()).isEmpty();
    }

    @Test
    void watchFromZero_startsWithSyntheticAddedThenLiveChanges() {
        put("a", Map.of());
        Recorder sink = new Recorder();
        cache.watch(request(0, null, null), sink);
        put("b", Map.of());
        delete("a");
        assertThat(sink.lines()).containsExactly("ADDED a", "ADDED b", "DELETED a");
    }

    @Test
    void watchFromRevision_replaysEveryLaterChangeOnce() {
        long start = put("a", Map.of());
        put("a", Map.of("v", "2"));
        put("b", Map.of());
        delete("a");
        Recorder sink = new Recorder();
        cache.watch(request(start, null, null), sink);
        put("c", Map.of());
        assertThat(sink.lines()).containsExactly("MODIFIED a", "ADDED b", "DELETED a", "ADDED c");
        assertThat(sink.deliveries.get(2).object().modRevision())
                .isEqualTo(sink.deliveries.get(2).revision());
    }

    @Test
    void selectorTransitions_areSentAsAddedAndDeleted() {
        put("a", Map.of("app", "x"));
        Recorder sink = new Recorder();
        cache.watch(request(0, "app", "x"), sink);
        long leaves = put("a", Map.of("app", "y"));
        put("a", Map.of("app", "x"));
        assertThat(sink.lines()).containsExactly("ADDED a", "DELETED a", "ADDED a");
        Delivery left = sink.deliveries.get(1);
        assertThat(left.object().labels()).containsEntry("app", "x");
        assertThat(left.object().modRevision()).isEqualTo(leaves);
    }

    @Test
    void watchFromBeforeTheHistory_isCompacted() {
        long first = put("x0", Map.of());
        for (int i = 1; i <= 150; i++) {
            put("x" + i, Map.of());
        }
        assertThatThrownBy(() -> cache.watch(request(first, null, null), new Recorder()))
                .isInstanceOf(CompactedException.class);
    }

    /**
     * The history is bounded in bytes as well as in changes: a few large changes push older ones
     * out.
     */
    @Test
    void largeChanges_shortenTheHistoryByBytes() {
        cache.close();
        cache =
                new WatchCache(
                        store,
                        List.of(CONFIGMAPS),
                        100,
                        64 * 1024,
                        Duration.ofHours(1),
                        new SimpleMeterRegistry());
        cache.start();
        long first = put("small", Map.of());
        long[] large = new long[4];
        for (int i = 0; i < 4; i++) {
            large[i] = putLarge("large" + i, 10 * 1024);
        }
        // Four changes of about 20 KiB each (the object and its wire line) pass 64 KiB: the oldest
        // go.
        assertThatThrownBy(() -> cache.watch(request(first, null, null), new Recorder()))
                .isInstanceOf(CompactedException.class);
        assertThatThrownBy(() -> cache.watch(request(large[0] - 1, null, null), new Recorder()))
                .isInstanceOf(CompactedException.class);
        Recorder sink = new Recorder();
        cache.watch(request(large[1], null, null), sink).close();
        assertThat(sink.lines()).containsExactly("ADDED large2", "ADDED large3");
    }

    private long putLarge(String name, int bytes) {
        ObjectNode cm = Json.object();
        cm.put("apiVersion", "v1");
        cm.put("kind", "ConfigMap");
        cm.putObject("metadata").put("name", name).put("namespace", "default");
        cm.putObject("data").put("v", "x".repeat(bytes));
        long revision =
                store.create(CONFIGMAPS.key("default", name), ObjectCodec.encodeForStore(cm));
        assertThat(cache.awaitRevision(revision, Duration.ofSeconds(5))).isTrue();
        return revision;
    }

    @Test
    void afterARestart_aWatchResumesFromBeforeItWithoutRelisting() {
        long before = put("a", Map.of());
        put("b", Map.of());
        delete("a");
        cache.close();
        cache = newCache();
        Recorder sink = new Recorder();
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> {
                            sink.deliveries.clear();
                            WatchCache.Registration r =
                                    cache.watch(request(before, null, null), sink);
                            r.close();
                            assertThat(sink.lines()).containsExactly("ADDED b", "DELETED a");
                        });
    }

    @Test
    void aWatcherThatCannotKeepUp_isEnded() {
        Recorder slow = new Recorder();
        slow.capacity = 2;
        cache.watch(request(0, null, null), slow);
        put("a", Map.of());
        put("b", Map.of());
        put("c", Map.of());
        assertThat(slow.terminated).isEqualTo(WatchSink.TerminationReason.TOO_SLOW);
        assertThat(slow.lines()).containsExactly("ADDED a", "ADDED b");
    }

    private static final ResourceType PODS =
            ResourceTypes.byResource("", "v1", "pods").orElseThrow();

    private void putPod(String name, String nodeName) {
        ObjectNode pod = Json.object();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", "default");
        if (nodeName != null) {
            pod.putObject("spec").put("nodeName", nodeName);
        }
        String key = PODS.key("default", name);
        byte[] value = ObjectCodec.encodeForStore(pod);
        long revision =
                store.get(key)
                        .map(kv -> store.update(key, value, kv.modRevision()))
                        .orElseGet(() -> store.create(key, value));
        assertThat(cache.awaitRevision(revision, Duration.ofSeconds(5))).isTrue();
    }

    private static WatchRequest podsOnNode(String node) {
        return new WatchRequest(
                PODS,
                null,
                o -> node.equals(o.fields().get("spec.nodeName")),
                0,
                false,
                new WatchRequest.Trigger("spec.nodeName", node));
    }

    /**
     * A kubelet-style watch (spec.nodeName=X) sees its Pods bound, changed and moved away, and
     * nothing else.
     */
    @Test
    void triggeredWatches_seeTheChangesOfTheirValueOnly() {
        Recorder node1 = new Recorder();
        Recorder node2 = new Recorder();
        Recorder all = new Recorder();
        cache.watch(podsOnNode("node1"), node1);
        WatchCache.Registration second = cache.watch(podsOnNode("node2"), node2);
        cache.watch(new WatchRequest(PODS, null, o -> true, 0, false), all);
        putPod("p", null);
        putPod("p", "node1"); // bound
        putPod("q", "node2");
        putPod(
                "p",
                "node2"); // not something a kubelet sees in Kubernetes, but a selector transition
        // here
        second.close();
        putPod("q", "node1");
        assertThat(node1.lines()).containsExactly("ADDED p", "DELETED p", "ADDED q");
        assertThat(node2.lines()).containsExactly("ADDED q", "ADDED p");
        assertThat(all.lines())
                .containsExactly("ADDED p", "MODIFIED p", "ADDED q", "MODIFIED p", "MODIFIED q");
    }

    /** A sink that records what it is offered, up to a capacity. */
    private static final class Recorder implements WatchSink {
        final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
        int capacity = Integer.MAX_VALUE;
        volatile TerminationReason terminated;

        @Override
        public boolean offer(Delivery delivery) {
            if (deliveries.size() >= capacity) {
                return false;
            }
            deliveries.add(delivery);
            return true;
        }

        @Override
        public void terminate(TerminationReason reason) {
            terminated = reason;
        }

        List<String> lines() {
            return deliveries.stream().map(d -> d.type() + " " + d.object().name()).toList();
        }
    }
}
