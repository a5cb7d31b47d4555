package io.j8s.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link Store} contract, run against every backend by a small subclass. Each test gets an
 * empty, isolated store; keys live under {@code /registry/}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class StoreContractTest {
    /** Large enough that no test but the overflow test ever fills a watch buffer. */
    protected static final int DEFAULT_WATCH_BUFFER = 200_000;

    protected Store store;

    /** Opens an empty store that no other test sees. */
    protected abstract Store openStore(int watchBufferEvents);

    /** Closes {@code store} and opens the same data again (a process restart). */
    protected abstract Store reopen(Store store, int watchBufferEvents);

    @BeforeEach
    void openFreshStore() {
        store = openStore(DEFAULT_WATCH_BUFFER);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---- ordering, revisions, preconditions ----

    @Test
    void writes_returnConsecutiveRevisionsThatKeyValuesCarry() {
        long start = store.currentRevision();
        long a = store.create("/registry/pods/default/a", bytes("a1"));
        long b = store.create("/registry/pods/default/b", bytes("b1"));
        long a2 = store.update("/registry/pods/default/a", bytes("a2"), a);
        long bDel = store.delete("/registry/pods/default/b", b);

        assertThat(a).isEqualTo(start + 1);
        assertThat(List.of(b, a2, bDel)).containsExactly(a + 1, a + 2, a + 3);
        assertThat(store.currentRevision()).isEqualTo(bDel);
        KeyValue kv = store.get("/registry/pods/default/a").orElseThrow();
        assertThat(kv.createRevision()).isEqualTo(a);
        assertThat(kv.modRevision()).isEqualTo(a2);
        assertThat(text(kv.value())).isEqualTo("a2");
        assertThat(store.get("/registry/pods/default/b")).isEmpty();
    }

    @Test
    void create_existingKey_throwsAlreadyExistsAndTakesNoRevision() {
        long rev = store.create("/registry/pods/default/a", bytes("1"));

        assertThatThrownBy(() -> store.create("/registry/pods/default/a", bytes("2")))
                .isInstanceOf(AlreadyExistsException.class);
        assertThat(store.currentRevision()).isEqualTo(rev);
        assertThat(text(store.get("/registry/pods/default/a").orElseThrow().value()))
                .isEqualTo("1");
    }

    @Test
    void update_staleModRevision_throwsConflict() {
        long r1 = store.create("/registry/pods/default/a", bytes("1"));
        long r2 = store.update("/registry/pods/default/a", bytes("2"), r1);

        assertThatThrownBy(() -> store.update("/registry/pods/default/a", bytes("3"), r1))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> store.delete("/registry/pods/default/a", r1))
                .isInstanceOf(ConflictException.class);
        assertThat(store.currentRevision()).isEqualTo(r2);
        assertThat(store.get("/registry/pods/default/a").orElseThrow().modRevision()).isEqualTo(r2);
    }

    /**
     * The largest write either backend takes is the same (etcd's default 1.5 MiB request): what
     * sqlite stores, etcd stores, and one byte more is refused by both, writing nothing.
     */
    @Test
    void writes_largerThanAnEtcdRequest_throwValueTooLarge() {
        String key = "/registry/configmaps/default/large";
        long largest =
                io.j8s.store.support.TxnOps.MAX_REQUEST_BYTES
                        - (io.j8s.store.support.TxnOps.requestBytes(
                                List.of(new TxnOp.Create(key, new byte[0]))));
        byte[] fits = new byte[(int) largest];
        java.util.Arrays.fill(fits, (byte) 'x');
        byte[] tooLarge = new byte[(int) largest + 1];
        long before = store.currentRevision();
        assertThatThrownBy(() -> store.create(key, tooLarge))
                .isInstanceOfSatisfying(
                        ValueTooLargeException.class,
                        e -> assertThat(e.limit()).isEqualTo(1_572_864));
        assertThat(store.currentRevision()).isEqualTo(before);
        long created = store.create(key, fits);
        assertThat(store.get(key).orElseThrow().value()).hasSize(fits.length);
        assertThatThrownBy(() -> store.update(key, tooLarge, created))
                .isInstanceOf(ValueTooLargeException.class);
        long updated = store.update(key, fits, created);
        assertThatThrownBy(
                        () ->
                                store.txn(
                                        List.of(
                                                new TxnOp.Update(key, new byte[1_000_000], updated),
                                                new TxnOp.Create(
                                                        "/registry/configmaps/default/other",
                                                        new byte[600_000]))))
                .isInstanceOf(ValueTooLargeException.class);
        assertThat(store.get(key).orElseThrow().modRevision()).isEqualTo(updated);
        assertThat(store.get("/registry/configmaps/default/other")).isEmpty();
    }

    @Test
    void updateAndDelete_missingKey_throwNotFound() {
        long rev = store.create("/registry/pods/default/other", bytes("x"));

        assertThatThrownBy(() -> store.update("/registry/pods/default/missing", bytes("1"), rev))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.delete("/registry/pods/default/missing", rev))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> store.delete("/registry/pods/default/missing", Store.ANY_REVISION))
                .isInstanceOf(NotFoundException.class);
        assertThat(store.currentRevision()).isEqualTo(rev);
    }

    @Test
    void delete_anyRevision_deletesWhateverIsThere() {
        long r1 = store.create("/registry/pods/default/a", bytes("1"));
        store.update("/registry/pods/default/a", bytes("2"), r1);

        long del = store.delete("/registry/pods/default/a", Store.ANY_REVISION);

        assertThat(del).isEqualTo(store.currentRevision());
        assertThat(store.get("/registry/pods/default/a")).isEmpty();
        long again = store.create("/registry/pods/default/a", bytes("3"));
        assertThat(store.get("/registry/pods/default/a").orElseThrow().createRevision())
                .isEqualTo(again);
    }

    // ---- reads ----

    @Test
    void range_returnsThePrefixInKeyOrderPageByPage() {
        for (String name : List.of("c", "a", "e", "b", "d")) {
            store.create("/registry/pods/ns1/" + name, bytes(name));
        }
        store.create("/registry/pods/ns10/x", bytes("x"));
        store.create("/registry/services/ns1/a", bytes("s"));

        RangeResult all = store.range("/registry/pods/ns1/", 0, null, 0);
        assertThat(keys(all))
                .containsExactly(
                        "/registry/pods/ns1/a",
                        "/registry/pods/ns1/b",
                        "/registry/pods/ns1/c",
                        "/registry/pods/ns1/d",
                        "/registry/pods/ns1/e");
        assertThat(all.more()).isFalse();
        assertThat(all.revision()).isEqualTo(store.currentRevision());

        RangeResult first = store.range("/registry/pods/ns1/", 2, null, 0);
        RangeResult second =
                store.range("/registry/pods/ns1/", 2, "/registry/pods/ns1/b", first.revision());
        RangeResult third =
                store.range("/registry/pods/ns1/", 2, "/registry/pods/ns1/d", first.revision());
        assertThat(keys(first)).containsExactly("/registry/pods/ns1/a", "/registry/pods/ns1/b");
        assertThat(first.more()).isTrue();
        assertThat(keys(second)).containsExactly("/registry/pods/ns1/c", "/registry/pods/ns1/d");
        assertThat(second.more()).isTrue();
        assertThat(keys(third)).containsExactly("/registry/pods/ns1/e");
        assertThat(third.more()).isFalse();

        assertThat(store.count("/registry/pods/ns1/")).isEqualTo(5);
        assertThat(store.count("/registry/pods/")).isEqualTo(6);
        assertThat(store.count("/registry/")).isEqualTo(7);
        assertThat(store.count("/registry/nodes/")).isZero();
    }

    @Test
    void readsAtOlderRevision_seeThatStateIncludingDeletedAndRecreatedKeys() {
        long a1 = store.create("/registry/cm/ns/a", bytes("a1"));
        store.create("/registry/cm/ns/b", bytes("b1"));
        long c1 = store.create("/registry/cm/ns/c", bytes("c1"));
        long snapshot = store.currentRevision();
        store.update("/registry/cm/ns/a", bytes("a2"), a1);
        store.delete("/registry/cm/ns/b", Store.ANY_REVISION);
        store.delete("/registry/cm/ns/c", c1);
        store.create("/registry/cm/ns/c", bytes("c2"));
        store.create("/registry/cm/ns/d", bytes("d1"));

        RangeResult then = store.range("/registry/cm/ns/", 0, null, snapshot);
        assertThat(then.revision()).isEqualTo(snapshot);
        assertThat(keys(then))
                .containsExactly("/registry/cm/ns/a", "/registry/cm/ns/b", "/registry/cm/ns/c");
        assertThat(then.kvs()).extracting(kv -> text(kv.value())).containsExactly("a1", "b1", "c1");
        assertThat(then.kvs().get(2).createRevision()).isEqualTo(c1);

        RangeResult page1 = store.range("/registry/cm/ns/", 2, null, snapshot);
        RangeResult page2 = store.range("/registry/cm/ns/", 2, "/registry/cm/ns/b", snapshot);
        assertThat(keys(page1)).containsExactly("/registry/cm/ns/a", "/registry/cm/ns/b");
        assertThat(page1.more()).isTrue();
        assertThat(keys(page2)).containsExactly("/registry/cm/ns/c");
        assertThat(page2.more()).isFalse();

        assertThat(text(store.get("/registry/cm/ns/a", snapshot).orElseThrow().value()))
                .isEqualTo("a1");
        assertThat(text(store.get("/registry/cm/ns/b", snapshot).orElseThrow().value()))
                .isEqualTo("b1");
        assertThat(store.get("/registry/cm/ns/d", snapshot)).isEmpty();
        assertThat(store.get("/registry/cm/ns/b")).isEmpty();
        assertThat(keys(store.range("/registry/cm/ns/", 0, null, 0)))
                .containsExactly("/registry/cm/ns/a", "/registry/cm/ns/c", "/registry/cm/ns/d");
    }

    @Test
    void readsAboveCurrentRevision_throwFutureRevision() {
        store.create("/registry/pods/default/a", bytes("1"));
        long future = store.currentRevision() + 100;

        assertThatThrownBy(() -> store.get("/registry/pods/default/a", future))
                .isInstanceOf(FutureRevisionException.class);
        assertThatThrownBy(() -> store.range("/registry/pods/", 0, null, future))
                .isInstanceOf(FutureRevisionException.class);
    }

    // ---- txn ----

    @Test
    void txn_appliesAllOpsInOneRevisionAndEmitsOneEventPerOpInOrder() {
        long svc = store.create("/registry/services/specs/default/old", bytes("old"));
        long start = store.currentRevision();
        RecordingListener watcher = new RecordingListener();
        store.watch("/registry/", start, watcher);

        long rev =
                store.txn(
                        List.of(
                                new TxnOp.Create(
                                        "/registry/services/specs/default/web", bytes("svc")),
                                new TxnOp.Create(
                                        "/registry/ranges/serviceips/127.96.0.10", bytes("web")),
                                new TxnOp.Delete("/registry/services/specs/default/old", svc)));

        assertThat(rev).isEqualTo(start + 1);
        assertThat(store.currentRevision()).isEqualTo(rev);
        assertThat(store.get("/registry/services/specs/default/web").orElseThrow().modRevision())
                .isEqualTo(rev);
        assertThat(
                        store.get("/registry/ranges/serviceips/127.96.0.10")
                                .orElseThrow()
                                .createRevision())
                .isEqualTo(rev);
        List<WatchEvent> events = watcher.awaitEvents(3);
        assertThat(events).extracting(WatchEvent::revision).containsExactly(rev, rev, rev);
        assertThat(events)
                .extracting(e -> e.kv().key())
                .containsExactly(
                        "/registry/services/specs/default/web",
                        "/registry/ranges/serviceips/127.96.0.10",
                        "/registry/services/specs/default/old");
        assertThat(events)
                .extracting(WatchEvent::type)
                .containsExactly(WatchEvent.Type.PUT, WatchEvent.Type.PUT, WatchEvent.Type.DELETE);
    }

    @Test
    void txn_failingPrecondition_writesNothingAndNamesTheFirstFailure() {
        long a = store.create("/registry/a", bytes("1"));
        store.update("/registry/a", bytes("2"), a);
        store.create("/registry/exists", bytes("x"));
        long before = store.currentRevision();

        assertThatThrownBy(
                        () ->
                                store.txn(
                                        List.of(
                                                new TxnOp.Create("/registry/new", bytes("n")),
                                                new TxnOp.Update("/registry/a", bytes("3"), a))))
                .isInstanceOf(ConflictException.class);
        assertThatThrownBy(
                        () ->
                                store.txn(
                                        List.of(
                                                new TxnOp.Create("/registry/new", bytes("n")),
                                                new TxnOp.Create("/registry/exists", bytes("y")))))
                .isInstanceOf(AlreadyExistsException.class);
        assertThatThrownBy(
                        () ->
                                store.txn(
                                        List.of(
                                                new TxnOp.Create("/registry/new", bytes("n")),
                                                new TxnOp.Delete(
                                                        "/registry/missing", Store.ANY_REVISION),
                                                new TxnOp.Create("/registry/exists", bytes("y")))))
                .isInstanceOf(NotFoundException.class);

        assertThat(store.get("/registry/new")).isEmpty();
        assertThat(text(store.get("/registry/a").orElseThrow().value())).isEqualTo("2");
        assertThat(store.currentRevision()).isEqualTo(before);
    }

    @Test
    void txn_touchingAKeyTwice_isRejected() {
        assertThatThrownBy(
                        () ->
                                store.txn(
                                        List.of(
                                                new TxnOp.Create("/registry/a", bytes("1")),
                                                new TxnOp.Delete(
                                                        "/registry/a", Store.ANY_REVISION))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/registry/a");
    }

    @Test
    void update_16ThreadsIncrementingOneKey_reachExactly8000() throws Exception {
        String key = "/registry/counters/default/c";
        store.create(key, bytes("0"));
        int threads = 16;
        int increments = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger conflicts = new AtomicInteger();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < increments; ) {
                                        KeyValue kv = store.get(key).orElseThrow();
                                        int n = Integer.parseInt(text(kv.value()));
                                        try {
                                            store.update(
                                                    key,
                                                    bytes(Integer.toString(n + 1)),
                                                    kv.modRevision());
                                            i++;
                                        } catch (ConflictException e) {
                                            conflicts.incrementAndGet();
                                        }
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        KeyValue last = store.get(key).orElseThrow();
        assertThat(text(last.value())).isEqualTo(Integer.toString(threads * increments));
        assertThat(last.modRevision() - last.createRevision()).isEqualTo(threads * increments);
    }

    // ---- watch ----

    @Test
    void watch_fromPastRevision_replaysHistoryThenContinuesLive() {
        long r1 = store.create("/registry/pods/default/a", bytes("a1"));
        long r2 = store.update("/registry/pods/default/a", bytes("a2"), r1);
        long r3 = store.create("/registry/pods/default/b", bytes("b1"));
        long r4 = store.delete("/registry/pods/default/a", r2);
        RecordingListener watcher = new RecordingListener();

        store.watch("/registry/pods/", r1, watcher);
        long r5 = store.create("/registry/pods/default/c", bytes("c1"));
        long r6 = store.update("/registry/pods/default/b", bytes("b2"), r3);

        List<WatchEvent> events = watcher.awaitEvents(5);
        assertThat(events).extracting(WatchEvent::revision).containsExactly(r2, r3, r4, r5, r6);
        WatchEvent update = events.get(0);
        assertThat(update.type()).isEqualTo(WatchEvent.Type.PUT);
        assertThat(update.isCreate()).isFalse();
        assertThat(text(update.kv().value())).isEqualTo("a2");
        assertThat(update.kv().createRevision()).isEqualTo(r1);
        assertThat(text(update.prevKv().value())).isEqualTo("a1");
        assertThat(update.prevKv().modRevision()).isEqualTo(r1);
        WatchEvent create = events.get(1);
        assertThat(create.isCreate()).isTrue();
        assertThat(create.prevKv()).isNull();
        WatchEvent delete = events.get(2);
        assertThat(delete.type()).isEqualTo(WatchEvent.Type.DELETE);
        assertThat(delete.kv().key()).isEqualTo("/registry/pods/default/a");
        assertThat(delete.kv().modRevision()).isEqualTo(r4);
        assertThat(delete.kv().value()).isEmpty();
        assertThat(text(delete.prevKv().value())).isEqualTo("a2");
        assertThat(delete.prevKv().modRevision()).isEqualTo(r2);
        assertThat(text(events.get(4).prevKv().value())).isEqualTo("b1");
        assertThat(watcher.error()).isNull();
        assertThat(watcher.violations()).isZero();
    }

    @Test
    void watch_overManyKeys_seesEveryChangeUnderThePrefixAndNothingElse() {
        long start = store.currentRevision();
        RecordingListener pods = new RecordingListener();
        store.watch("/registry/pods/", start, pods);
        Set<Long> podRevisions = new HashSet<>();

        for (int i = 0; i < 300; i++) {
            podRevisions.add(
                    store.create("/registry/pods/ns" + (i % 7) + "/p" + i, bytes("p" + i)));
            store.create("/registry/services/ns" + (i % 7) + "/s" + i, bytes("s" + i));
        }
        store.create("/registry/podsecuritypolicies/x", bytes("not a pod"));

        List<WatchEvent> events = pods.awaitEvents(300);
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(5))
                .until(() -> pods.size() == 300);
        assertThat(events).allSatisfy(e -> assertThat(e.kv().key()).startsWith("/registry/pods/"));
        assertThat(events)
                .extracting(WatchEvent::revision)
                .containsExactlyInAnyOrderElementsOf(podRevisions);
        assertThat(events).extracting(WatchEvent::revision).isSorted();
    }

    @Test
    void watch_whileSeveralThreadsWrite_deliversEveryRevisionOnceInOrder() throws Exception {
        long start = store.currentRevision();
        RecordingListener watcher = new RecordingListener();
        store.watch("/registry/", start, watcher);
        int threads = 8;
        int writes = 150;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<Long>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(
                        pool.submit(
                                () -> {
                                    List<Long> revs = new ArrayList<>();
                                    String key = "/registry/pods/ns/w" + thread;
                                    long rev = store.create(key, bytes("0"));
                                    revs.add(rev);
                                    for (int i = 1; i < writes; i++) {
                                        rev = store.update(key, bytes(Integer.toString(i)), rev);
                                        revs.add(rev);
                                    }
                                    return revs;
                                }));
            }
            Set<Long> written = new HashSet<>();
            for (Future<List<Long>> f : results) {
                written.addAll(f.get());
            }

            List<WatchEvent> events = watcher.awaitEvents(threads * writes);
            assertThat(events).hasSize(threads * writes);
            assertThat(events)
                    .extracting(WatchEvent::revision)
                    .isSortedAccordingTo(Long::compare)
                    .doesNotHaveDuplicates();
            assertThat(events)
                    .extracting(WatchEvent::revision)
                    .containsExactlyInAnyOrderElementsOf(written);
            Map<String, Integer> lastSeen = new HashMap<>();
            for (WatchEvent e : events) {
                int value = Integer.parseInt(text(e.kv().value()));
                assertThat(value).isEqualTo(lastSeen.getOrDefault(e.kv().key(), -1) + 1);
                lastSeen.put(e.kv().key(), value);
            }
            assertThat(watcher.violations()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    /** The switch from replayed history to live events happens while writes keep committing. */
    @Test
    void watch_fromPastRevisionWhileWritersRun_switchesToLiveWithoutGapOrDuplicate()
            throws Exception {
        int threads = 4;
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Long> written = java.util.Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; writing.get() || i < 50; i++) {
                                        written.add(
                                                store.create(
                                                        "/registry/pods/race/t" + thread + "-" + i,
                                                        bytes("v")));
                                    }
                                    return null;
                                }));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> written.size() >= 100);
            long from = java.util.Collections.min(List.copyOf(written)) + 20;
            RecordingListener watcher = new RecordingListener();
            store.watch("/registry/pods/", from, watcher);
            await().atMost(Duration.ofSeconds(30)).until(() -> watcher.size() >= 100);
            writing.set(false);
            for (Future<?> w : writers) {
                w.get();
            }

            List<Long> expected = written.stream().filter(r -> r > from).sorted().toList();
            List<WatchEvent> events = watcher.awaitEvents(expected.size());
            await().during(Duration.ofMillis(200))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> watcher.size() == expected.size());
            assertThat(events).extracting(WatchEvent::revision).containsExactlyElementsOf(expected);
            assertThat(watcher.violations()).isZero();
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
    }

    @Test
    void watch_slowListener_isEndedWithOverflowWhileWritersGoOn() throws Exception {
        store = reopen(store, 100);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        RecordingListener recorder = new RecordingListener();
        store.watch(
                "/registry/",
                store.currentRevision(),
                new WatchListener() {
                    @Override
                    public void onEvents(List<WatchEvent> events) {
                        calls.incrementAndGet();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        recorder.onEvents(events);
                    }

                    @Override
                    public void onError(StoreException error) {
                        recorder.onError(error);
                    }
                });

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                writers.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < 10; i++) {
                                        List<TxnOp> ops = new ArrayList<>();
                                        for (int j = 0; j < 25; j++) {
                                            ops.add(
                                                    new TxnOp.Create(
                                                            "/registry/events/ns/t"
                                                                    + thread
                                                                    + "-"
                                                                    + i
                                                                    + "-"
                                                                    + j,
                                                            bytes("e")));
                                        }
                                        store.txn(ops);
                                    }
                                    return null;
                                }));
            }
            // 1,000 events against a buffer of 100, while the listener is stuck in its first call.
            for (Future<?> w : writers) {
                w.get(60, TimeUnit.SECONDS);
            }
            assertThat(calls.get()).isLessThanOrEqualTo(1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }

        assertThat(recorder.awaitError()).isInstanceOf(WatchOverflowException.class);
        assertThat(recorder.violations()).isZero();
        assertThat(store.count("/registry/events/")).isEqualTo(1_000);
    }

    @Test
    void watch_closed_receivesNothingMore() {
        RecordingListener watcher = new RecordingListener();
        Watch watch = store.watch("/registry/", store.currentRevision(), watcher);
        store.create("/registry/a", bytes("1"));
        watcher.awaitEvents(1);

        watch.close();
        store.create("/registry/b", bytes("2"));
        RecordingListener after = new RecordingListener();
        store.watch("/registry/", store.currentRevision() - 1, after);
        after.awaitEvents(1);

        assertThat(watcher.events()).hasSize(1);
        assertThat(watcher.error()).isNull();
    }

    // ---- compaction ----

    @Test
    void compact_makesOlderRevisionsUnavailableToGetRangeAndWatch() {
        long r1 = store.create("/registry/cm/ns/a", bytes("1"));
        long r2 = store.update("/registry/cm/ns/a", bytes("2"), r1);
        long gone = store.create("/registry/cm/ns/gone", bytes("x"));
        store.delete("/registry/cm/ns/gone", gone);
        long r5 = store.update("/registry/cm/ns/a", bytes("3"), r2);
        long r6 = store.create("/registry/cm/ns/b", bytes("b"));

        store.compact(r5);

        assertThat(store.compactedRevision()).isGreaterThanOrEqualTo(r5);
        assertThat(catchThrowable(() -> store.get("/registry/cm/ns/a", r2)))
                .isInstanceOf(CompactedException.class);
        assertThat(catchThrowable(() -> store.range("/registry/cm/", 0, null, r1)))
                .isInstanceOf(CompactedException.class);
        CompactedException fromWatch = watchError("/registry/cm/", r1);
        assertThat(fromWatch.compactedRevision()).isGreaterThanOrEqualTo(r5);

        assertThat(text(store.get("/registry/cm/ns/a", r5).orElseThrow().value())).isEqualTo("3");
        assertThat(store.get("/registry/cm/ns/gone", r5)).isEmpty();
        assertThat(keys(store.range("/registry/cm/", 0, null, r5)))
                .containsExactly("/registry/cm/ns/a");
        assertThat(text(store.get("/registry/cm/ns/a").orElseThrow().value())).isEqualTo("3");
        RecordingListener resumed = new RecordingListener();
        store.watch("/registry/cm/", r5, resumed);
        assertThat(resumed.awaitEvents(1)).extracting(WatchEvent::revision).containsExactly(r6);

        store.compact(r5); // again: nothing to do
        assertThatThrownBy(() -> store.compact(store.currentRevision() + 10))
                .isInstanceOf(FutureRevisionException.class);
    }

    /** A watch below the compacted revision fails at once or right after through onError. */
    private CompactedException watchError(String prefix, long afterRevision) {
        RecordingListener listener = new RecordingListener();
        try {
            store.watch(prefix, afterRevision, listener);
        } catch (CompactedException e) {
            return e;
        }
        StoreException error = listener.awaitError();
        assertThat(error).isInstanceOf(CompactedException.class);
        assertThat(listener.events()).isEmpty();
        return (CompactedException) error;
    }

    // ---- lifecycle ----

    @Test
    void reopen_keepsEverythingAndRevisionsKeepGrowingAfterCompaction() {
        long a = store.create("/registry/pods/default/a", bytes("a"));
        long tmp = store.create("/registry/pods/default/tmp", bytes("t"));
        long last = store.delete("/registry/pods/default/tmp", tmp);
        // The newest history row is a deletion that compaction removes; the revision must survive.
        store.compact(last);

        store = reopen(store, DEFAULT_WATCH_BUFFER);

        assertThat(store.currentRevision()).isGreaterThanOrEqualTo(last);
        KeyValue kv = store.get("/registry/pods/default/a").orElseThrow();
        assertThat(kv.modRevision()).isEqualTo(a);
        assertThat(store.get("/registry/pods/default/tmp")).isEmpty();
        long next = store.create("/registry/pods/default/b", bytes("b"));
        assertThat(next).isGreaterThan(last);
        assertThat(keys(store.range("/registry/pods/", 0, null, 0)))
                .containsExactly("/registry/pods/default/a", "/registry/pods/default/b");
    }

    @Test
    void close_endsWatchesWithStoreClosedAndRefusesCalls() {
        RecordingListener watcher = new RecordingListener();
        store.watch("/registry/", store.currentRevision(), watcher);

        store.close();

        assertThat(watcher.awaitError()).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> store.create("/registry/a", bytes("1")))
                .isInstanceOf(StoreClosedException.class);
        store = null;
    }

    // ---- size ----

    @Test
    void values_of1MiB_roundTripThroughGetRangeAndWatch() {
        Random random = new Random(42);
        byte[] v1 = new byte[1024 * 1024];
        byte[] v2 = new byte[1024 * 1024];
        random.nextBytes(v1);
        random.nextBytes(v2);
        RecordingListener watcher = new RecordingListener();
        store.watch("/registry/secrets/", store.currentRevision(), watcher);

        long r1 = store.create("/registry/secrets/default/big", v1);
        long r2 = store.update("/registry/secrets/default/big", v2, r1);

        assertThat(store.get("/registry/secrets/default/big").orElseThrow().value()).isEqualTo(v2);
        assertThat(store.get("/registry/secrets/default/big", r1).orElseThrow().value())
                .isEqualTo(v1);
        assertThat(store.range("/registry/secrets/", 0, null, 0).kvs().get(0).value())
                .isEqualTo(v2);
        List<WatchEvent> events = watcher.awaitEvents(2);
        assertThat(events.get(0).kv().value()).isEqualTo(v1);
        assertThat(events.get(1).kv().value()).isEqualTo(v2);
        assertThat(events.get(1).prevKv().value()).isEqualTo(v1);
        assertThat(events.get(1).revision()).isEqualTo(r2);
    }

    @Test
    void range_100kKeysPagedAtOneRevision_isAConsistentSnapshotWhileWritesContinue()
            throws Exception {
        int keys = 100_000;
        int perTxn = 100;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> loads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                loads.add(
                        pool.submit(
                                () -> {
                                    for (int base = thread * perTxn;
                                            base < keys;
                                            base += 4 * perTxn) {
                                        List<TxnOp> ops = new ArrayList<>(perTxn);
                                        for (int i = base; i < base + perTxn; i++) {
                                            ops.add(new TxnOp.Create(bulkKey(i), bytes("v" + i)));
                                        }
                                        store.txn(ops);
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : loads) {
                f.get();
            }

            RangeResult page = store.range("/registry/bulk/", 1000, null, 0);
            long snapshot = page.revision();
            AtomicBoolean paging = new AtomicBoolean(true);
            Future<Integer> churn =
                    pool.submit(
                            () -> {
                                Random random = new Random(7);
                                int writes = 0;
                                while (paging.get()) {
                                    int i = random.nextInt(keys);
                                    KeyValue kv = store.get(bulkKey(i)).orElse(null);
                                    if (kv == null) {
                                        continue;
                                    }
                                    switch (writes % 3) {
                                        case 0 ->
                                                store.update(
                                                        kv.key(),
                                                        bytes("changed"),
                                                        kv.modRevision());
                                        case 1 -> store.delete(kv.key(), kv.modRevision());
                                        default ->
                                                store.create(
                                                        bulkKey(i) + "-new" + writes, bytes("new"));
                                    }
                                    writes++;
                                }
                                return writes;
                            });

            List<KeyValue> seen = new ArrayList<>(page.kvs());
            while (page.more()) {
                String last = page.kvs().get(page.kvs().size() - 1).key();
                page = store.range("/registry/bulk/", 1000, last, snapshot);
                assertThat(page.revision()).isEqualTo(snapshot);
                seen.addAll(page.kvs());
            }
            paging.set(false);
            int churned = churn.get();

            assertThat(churned).isPositive();
            assertThat(store.currentRevision()).isGreaterThan(snapshot);
            assertThat(seen).hasSize(keys);
            for (int i = 0; i < keys; i++) {
                KeyValue kv = seen.get(i);
                assertThat(kv.key()).isEqualTo(bulkKey(i));
                assertThat(text(kv.value())).isEqualTo("v" + i);
                assertThat(kv.modRevision()).isLessThanOrEqualTo(snapshot);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String bulkKey(int i) {
        return String.format("/registry/bulk/ns/k%06d", i);
    }

    protected static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    protected static String text(byte[] b) {
        return new String(b, UTF_8);
    }

    protected static List<String> keys(RangeResult r) {
        return r.kvs().stream().map(KeyValue::key).toList();
    }
}
