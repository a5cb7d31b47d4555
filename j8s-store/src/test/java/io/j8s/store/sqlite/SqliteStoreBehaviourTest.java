package io.j8s.store.sqlite;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.j8s.store.RecordingListener;
import io.j8s.store.StoreException;
import io.j8s.store.WatchEvent;
import io.j8s.testkit.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the SQLite backend promises beyond the shared contract. */
class SqliteStoreBehaviourTest {
    @TempDir Path dataDir;

    @Test
    void autoCompact_keepsTheRevisionAndTimeWindow() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (SqliteStore store =
                SqliteStore.open(
                        SqliteStoreOptions.defaults(dataDir)
                                .withRetention(10, Duration.ofMinutes(5))
                                .withCompactionInterval(Duration.ZERO)
                                .withClock(clock))) {
            writeRevisions(store, 50);
            store.autoCompact();
            assertThat(store.compactedRevision()).as("nothing is 5 minutes old yet").isZero();

            clock.advance(Duration.ofMinutes(5));
            writeRevisions(store, 50);
            store.autoCompact();

            assertThat(store.compactedRevision()).isEqualTo(50);
            clock.advance(Duration.ofMinutes(5));
            store.autoCompact();
            assertThat(store.compactedRevision()).as("keeps the last 10 revisions").isEqualTo(90);
        }
    }

    @Test
    void automaticCompaction_runsByItself() {
        try (SqliteStore store =
                SqliteStore.open(
                        SqliteStoreOptions.defaults(dataDir)
                                .withRetention(5, Duration.ZERO)
                                .withCompactionInterval(Duration.ofMillis(20)))) {
            writeRevisions(store, 40);

            await().atMost(Duration.ofSeconds(10)).until(() -> store.compactedRevision() == 35);
        }
    }

    @Test
    void compact_deletesSupersededHistoryAndKeepsWhatLaterRevisionsNeed() throws Exception {
        try (SqliteStore store =
                SqliteStore.open(
                        SqliteStoreOptions.defaults(dataDir)
                                .withCompactionInterval(Duration.ZERO))) {
            long rev = store.create("/registry/a", bytes("0"));
            for (int i = 1; i <= 20; i++) {
                rev = store.update("/registry/a", bytes(Integer.toString(i)), rev);
            }
            long gone = store.create("/registry/gone", bytes("x"));
            store.delete("/registry/gone", gone);
            long keep = store.create("/registry/b", bytes("b"));
            long compactTo = store.currentRevision();
            long later = store.update("/registry/a", bytes("21"), rev);
            assertThat(historyRows()).isEqualTo(25);

            store.compact(compactTo);

            // a's version at compactTo, a's later update (pointing back at it), and b.
            assertThat(historyRows()).isEqualTo(3);
            assertThat(text(store.get("/registry/a", compactTo).orElseThrow().value()))
                    .isEqualTo("20");
            assertThat(store.get("/registry/b", compactTo).orElseThrow().modRevision())
                    .isEqualTo(keep);
            RecordingListener watcher = new RecordingListener();
            store.watch("/registry/", compactTo, watcher);
            WatchEvent update = watcher.awaitEvents(1).get(0);
            assertThat(update.revision()).isEqualTo(later);
            assertThat(text(update.prevKv().value())).isEqualTo("20");
        }
    }

    @Test
    void watch_fromFarBack_replaysALongHistoryInOrder() {
        try (SqliteStore store =
                SqliteStore.open(
                        SqliteStoreOptions.defaults(dataDir)
                                .withCompactionInterval(Duration.ZERO))) {
            writeRevisions(store, 1_200);
            RecordingListener watcher = new RecordingListener();

            store.watch("/registry/", 0, watcher);
            writeRevisions(store, 10);

            List<WatchEvent> events = watcher.awaitEvents(1_210);
            List<Long> expected = new ArrayList<>();
            for (long r = 1; r <= 1_210; r++) {
                expected.add(r);
            }
            assertThat(events).extracting(WatchEvent::revision).containsExactlyElementsOf(expected);
            assertThat(watcher.violations()).isZero();
        }
    }

    /**
     * Under continuous writes a background PASSIVE checkpoint never catches up on its own; the WAL
     * must still restart instead of growing with the data.
     */
    @Test
    void sustainedWrites_keepTheWalBounded() throws Exception {
        try (SqliteStore store =
                SqliteStore.open(
                        SqliteStoreOptions.defaults(dataDir)
                                .withCompactionInterval(Duration.ZERO))) {
            int writers = 16;
            int writesEach = 1_500;
            byte[] value = new byte[4096];
            java.util.concurrent.ExecutorService pool =
                    java.util.concurrent.Executors.newFixedThreadPool(writers);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    done.add(
                            pool.submit(
                                    () -> {
                                        for (int i = 0; i < writesEach; i++) {
                                            store.create(
                                                    "/registry/wal/" + writer + "/" + i, value);
                                        }
                                        return null;
                                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            long dataBytes = (long) writers * writesEach * value.length;
            long walBytes = java.nio.file.Files.size(dataDir.resolve("state.db-wal"));
            assertThat(dataBytes).isGreaterThan(90L << 20);
            assertThat(walBytes)
                    .as("WAL size after writing %d MiB", dataBytes >> 20)
                    .isLessThan(80L << 20);
        }
    }

    @Test
    void open_aDataDirThatIsAlreadyOpen_fails() {
        try (SqliteStore store = SqliteStore.open(dataDir)) {
            assertThatThrownBy(() -> SqliteStore.open(dataDir))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("already open");
            assertThat(store.get("/registry/x")).isEmpty();
        }
    }

    /** Every statement on a hot path walks an index: no full scan, no sort into a temp b-tree. */
    @Test
    void queries_useIndexesOnly() throws Exception {
        SqliteStore.open(dataDir).close();
        List<String> statements =
                List.of(
                        Reader.SNAPSHOT,
                        Reader.GET_LATEST,
                        Reader.GET_AT,
                        Reader.RANGE_LATEST,
                        Reader.RANGE_UNCHANGED_SINCE,
                        Reader.KEYS_CHANGED_AFTER,
                        Reader.COUNT,
                        Reader.REPLAY,
                        GroupCommitWriter.LOOKUP,
                        GroupCommitWriter.DELETE_SUPERSEDED,
                        GroupCommitWriter.DELETE_TOMBSTONES);
        try (Connection conn =
                DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("state.db"))) {
            for (String sql : statements) {
                List<String> plan = new ArrayList<>();
                try (ResultSet rs =
                        conn.createStatement()
                                .executeQuery("EXPLAIN QUERY PLAN " + sql.replace("?", "1"))) {
                    while (rs.next()) {
                        plan.add(rs.getString(4));
                    }
                }
                assertThat(plan)
                        .as(sql)
                        .noneMatch(
                                step ->
                                        (step.startsWith("SCAN")
                                                        && !step.equals("SCAN CONSTANT ROW"))
                                                || step.contains("TEMP B-TREE"));
            }
        }
    }

    private long historyRows() throws SQLException {
        try (Connection conn =
                        DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("state.db"));
                ResultSet rs = conn.createStatement().executeQuery("SELECT count(*) FROM kv_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void writeRevisions(SqliteStore store, int n) {
        for (int i = 0; i < n; i++) {
            store.create("/registry/filler/" + store.currentRevision() + "-" + i, bytes("f"));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, UTF_8);
    }
}
