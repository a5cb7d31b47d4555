package io.j8s.store.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.store.RecordingListener;
import io.j8s.store.Store;
import io.j8s.store.StoreContractTest;
import io.j8s.store.WatchEvent;
import io.j8s.testkit.EtcdProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract against a real etcd started on loopback for this class. Each test gets its own
 * key prefix, so tests do not see each other's keys (they do share etcd's revision counter and its
 * compaction, which the contract allows).
 */
class EtcdStoreTest extends StoreContractTest {
    private static final AtomicInteger TESTS = new AtomicInteger();
    private static EtcdProcess etcd;

    private String keyPrefix;

    @BeforeAll
    static void startEtcd() {
        EtcdProcess.requireInstalled();
        etcd = EtcdProcess.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected Store openStore(int watchBufferEvents) {
        keyPrefix = "/j8s-test-" + TESTS.incrementAndGet() + "/";
        return EtcdStore.connect(options(etcd, keyPrefix, watchBufferEvents));
    }

    @Override
    protected Store reopen(Store store, int watchBufferEvents) {
        store.close();
        return EtcdStore.connect(options(etcd, keyPrefix, watchBufferEvents));
    }

    static EtcdStoreOptions options(EtcdProcess etcd, String keyPrefix, int watchBufferEvents) {
        return EtcdStoreOptions.defaults(etcd.endpoints())
                .withKeyPrefix(keyPrefix)
                .withWatchBufferEvents(watchBufferEvents)
                .withRequestTimeout(Duration.ofSeconds(20))
                .withWatchRetry(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    @Test
    void keys_areStoredUnderTheConfiguredPrefix() throws Exception {
        store.create("/registry/pods/default/a", "x".getBytes(UTF_8));

        try (EtcdStore raw =
                EtcdStore.connect(EtcdStoreOptions.defaults(etcd.endpoints()).withKeyPrefix("/"))) {
            String mapped = "/registry" + keyPrefix + "pods/default/a";
            assertThat(raw.get(mapped)).isPresent();
        }
    }

    /**
     * Another client compacted etcd: this store only learns it from etcd's answers, and then
     * reports etcd's real compacted revision (found by probing), for reads and for watches.
     */
    @Test
    void compactionByAnotherClient_isReportedWithEtcdsCompactedRevision() {
        long r1 = store.create("/registry/cm/a", "1".getBytes(UTF_8));
        long r2 = store.update("/registry/cm/a", "2".getBytes(UTF_8), r1);
        long r3 = store.update("/registry/cm/a", "3".getBytes(UTF_8), r2);
        long before = store.compactedRevision();

        try (EtcdStore other = EtcdStore.connect(options(etcd, "/other/", DEFAULT_WATCH_BUFFER))) {
            other.compact(r3);
        }
        assertThat(store.compactedRevision()).as("not known yet").isEqualTo(before);

        RecordingListener watcher = new RecordingListener();
        store.watch("/registry/cm/", r1, watcher);
        assertThat(watcher.awaitError())
                .isInstanceOfSatisfying(
                        io.j8s.store.CompactedException.class,
                        e -> assertThat(e.compactedRevision()).isEqualTo(r3));
        Throwable read =
                org.assertj.core.api.Assertions.catchThrowable(
                        () -> store.get("/registry/cm/a", r2));
        assertThat(read)
                .isInstanceOfSatisfying(
                        io.j8s.store.CompactedException.class,
                        e -> assertThat(e.compactedRevision()).isEqualTo(r3));
        assertThat(store.compactedRevision()).isEqualTo(r3);
        assertThat(store.get("/registry/cm/a", r3).orElseThrow().value())
                .isEqualTo("3".getBytes(UTF_8));
    }

    /**
     * etcd goes away and comes back with the same data: the watch resumes from where it was, with
     * no lost and no repeated event, and the store serves requests again.
     */
    @Test
    void etcdRestart_watchResumesWithoutGapOrDuplicate() {
        EtcdProcess own = EtcdProcess.start();
        try (Store s = EtcdStore.connect(options(own, "/restart/", DEFAULT_WATCH_BUFFER))) {
            long start = s.currentRevision();
            RecordingListener watcher = new RecordingListener();
            s.watch("/registry/", start, watcher);
            List<Long> written = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                written.add(s.create("/registry/before/" + i, "b".getBytes(UTF_8)));
            }
            watcher.awaitEvents(20);

            own.stop();
            // Opened while etcd is down: it keeps trying, then replays from before the first write.
            RecordingListener openedWhileDown = new RecordingListener();
            s.watch("/registry/", start, openedWhileDown);
            own.restart();
            for (int i = 0; i < 20; i++) {
                written.add(writeWithRetry(s, "/registry/after/" + i));
            }

            for (RecordingListener w : List.of(watcher, openedWhileDown)) {
                List<WatchEvent> events = w.awaitEvents(40);
                assertThat(events)
                        .extracting(WatchEvent::revision)
                        .containsExactlyElementsOf(written);
                assertThat(w.error()).isNull();
                assertThat(w.violations()).isZero();
            }
        } finally {
            own.close();
        }
    }

    /** The first writes after a restart may find the client still reconnecting. */
    private static long writeWithRetry(Store s, String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return s.create(key, "a".getBytes(UTF_8));
            } catch (io.j8s.store.AlreadyExistsException e) {
                // An earlier attempt did reach etcd.
                return s.get(key).orElseThrow().modRevision();
            } catch (io.j8s.store.StoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }
}
