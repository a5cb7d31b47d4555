package io.j8s.store.sqlite;

import io.j8s.store.CompactedException;
import io.j8s.store.FutureRevisionException;
import io.j8s.store.KeyValue;
import io.j8s.store.RangeResult;
import io.j8s.store.StoreException;
import io.j8s.store.WatchEvent;
import io.j8s.store.support.BufferedWatch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The read queries, on one read-only connection. Not thread safe: {@link ReadPool} hands each
 * reader to one thread at a time.
 *
 * <p>Reads that combine several statements run in one SQLite read transaction, which in WAL mode is
 * a snapshot: the revision read from {@code meta} and the rows belong to the same commit.
 */
final class Reader implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];

    static final String SNAPSHOT =
            "SELECT (SELECT value FROM meta WHERE name = 'revision'),"
                    + " (SELECT value FROM meta WHERE name = 'compacted')";
    static final String GET_LATEST =
            "SELECT c.create_rev, c.mod_rev, l.value"
                    + " FROM kv c CROSS JOIN kv_log l ON l.id = c.log_id WHERE c.key = ?";
    static final String GET_AT =
            "SELECT rev, create_rev, deleted, value FROM kv_log"
                    + " WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1";
    // CROSS JOIN makes SQLite walk kv in key order and fetch each value by rowid.
    static final String RANGE_LATEST =
            "SELECT c.key, c.create_rev, c.mod_rev, l.value"
                    + " FROM kv c CROSS JOIN kv_log l ON l.id = c.log_id"
                    + " WHERE c.key >= ? AND c.key < ? ORDER BY c.key LIMIT ?";
    static final String RANGE_UNCHANGED_SINCE =
            "SELECT c.key, c.create_rev, c.mod_rev, l.value"
                    + " FROM kv c CROSS JOIN kv_log l ON l.id = c.log_id"
                    + " WHERE c.key >= ? AND c.key < ? AND c.mod_rev <= ? ORDER BY c.key LIMIT ?";
    static final String KEYS_CHANGED_AFTER =
            "SELECT DISTINCT key FROM kv_log" + " WHERE rev > ? AND key >= ? AND key < ?";
    static final String COUNT = "SELECT count(*) FROM kv WHERE key >= ? AND key < ?";
    // INDEXED BY: walking the rev index yields rows in (rev, id) order, so the result streams
    // without a sort however long the replay is.
    static final String REPLAY =
            "SELECT l.rev, l.key, l.create_rev, l.deleted, l.value, p.rev, p.create_rev, p.value"
                    + " FROM kv_log l INDEXED BY kv_log_rev LEFT JOIN kv_log p ON p.id = l.prev_id"
                    + " WHERE l.rev > ? AND l.rev <= ? AND l.key >= ? AND l.key < ? ORDER BY l.rev, l.id";

    /** Events per listener call during a replay (a revision is never split across calls). */
    private static final int REPLAY_CHUNK = 500;

    private final Connection conn;
    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement rollback;
    private final PreparedStatement snapshot;
    private final PreparedStatement getLatest;
    private final PreparedStatement getAt;
    private final PreparedStatement rangeLatest;
    private final PreparedStatement rangeUnchangedSince;
    private final PreparedStatement keysChangedAfter;
    private final PreparedStatement count;

    Reader(Connection conn) throws SQLException {
        this.conn = conn;
        this.begin = conn.prepareStatement("BEGIN");
        this.commit = conn.prepareStatement("COMMIT");
        this.rollback = conn.prepareStatement("ROLLBACK");
        this.snapshot = conn.prepareStatement(SNAPSHOT);
        this.getLatest = conn.prepareStatement(GET_LATEST);
        this.getAt = conn.prepareStatement(GET_AT);
        this.rangeLatest = conn.prepareStatement(RANGE_LATEST);
        this.rangeUnchangedSince = conn.prepareStatement(RANGE_UNCHANGED_SINCE);
        this.keysChangedAfter = conn.prepareStatement(KEYS_CHANGED_AFTER);
        this.count = conn.prepareStatement(COUNT);
    }

    Optional<KeyValue> get(String key, long revision) throws SQLException {
        byte[] k = KeyBytes.bytes(key);
        if (revision == 0) {
            return getLatest(key, k);
        }
        begin.execute();
        try {
            long current = checkRevision(revision);
            Optional<KeyValue> kv =
                    revision == current ? getLatest(key, k) : getAt(key, k, revision);
            commit.execute();
            return kv;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            throw e;
        }
    }

    RangeResult range(String prefix, int limit, String continueAfter, long revision)
            throws SQLException {
        byte[] p = KeyBytes.bytes(prefix);
        byte[] from =
                continueAfter == null
                        ? p
                        : KeyBytes.max(p, KeyBytes.successor(KeyBytes.bytes(continueAfter)));
        byte[] to = KeyBytes.prefixEnd(p);
        begin.execute();
        try {
            long current = checkRevision(revision);
            RangeResult result =
                    revision == 0 || revision == current
                            ? rangeLatest(from, to, limit, current)
                            : rangeAt(from, to, limit, revision);
            commit.execute();
            return result;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            throw e;
        }
    }

    long count(String prefix) throws SQLException {
        byte[] p = KeyBytes.bytes(prefix);
        count.setBytes(1, p);
        count.setBytes(2, KeyBytes.prefixEnd(p));
        try (ResultSet rs = count.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Streams the history (afterRevision, upToRevision] under {@code prefix} into {@code sink}, all
     * from one snapshot, so compaction running meanwhile cannot take rows away from under it.
     *
     * @throws CompactedException when history after {@code afterRevision} is no longer complete
     */
    void replay(String prefix, long afterRevision, long upToRevision, BufferedWatch.ReplaySink sink)
            throws SQLException {
        byte[] p = KeyBytes.bytes(prefix);
        begin.execute();
        try (PreparedStatement st = conn.prepareStatement(REPLAY)) {
            long[] meta = readSnapshot();
            if (afterRevision < meta[1]) {
                throw new CompactedException(afterRevision, meta[1]);
            }
            st.setLong(1, afterRevision);
            st.setLong(2, upToRevision);
            st.setBytes(3, p);
            st.setBytes(4, KeyBytes.prefixEnd(p));
            try (ResultSet rs = st.executeQuery()) {
                List<WatchEvent> chunk = new ArrayList<>();
                boolean open = true;
                while (open && rs.next()) {
                    WatchEvent e = eventOf(rs);
                    if (chunk.size() >= REPLAY_CHUNK
                            && e.revision() != chunk.get(chunk.size() - 1).revision()) {
                        open = sink.deliver(chunk);
                        chunk = new ArrayList<>();
                    }
                    chunk.add(e);
                }
                if (open && !chunk.isEmpty()) {
                    sink.deliver(chunk);
                }
            }
            commit.execute();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            throw new StoreException("closing a sqlite read connection failed", e);
        }
    }

    private Optional<KeyValue> getLatest(String key, byte[] k) throws SQLException {
        getLatest.setBytes(1, k);
        try (ResultSet rs = getLatest.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new KeyValue(key, rs.getBytes(3), rs.getLong(1), rs.getLong(2)));
        }
    }

    private Optional<KeyValue> getAt(String key, byte[] k, long revision) throws SQLException {
        getAt.setBytes(1, k);
        getAt.setLong(2, revision);
        try (ResultSet rs = getAt.executeQuery()) {
            if (!rs.next() || rs.getInt(3) != 0) {
                return Optional.empty();
            }
            return Optional.of(new KeyValue(key, rs.getBytes(4), rs.getLong(2), rs.getLong(1)));
        }
    }

    private RangeResult rangeLatest(byte[] from, byte[] to, int limit, long current)
            throws SQLException {
        rangeLatest.setBytes(1, from);
        rangeLatest.setBytes(2, to);
        rangeLatest.setLong(3, limit == 0 ? -1 : limit + 1L);
        List<KeyValue> kvs = new ArrayList<>();
        try (ResultSet rs = rangeLatest.executeQuery()) {
            while (rs.next()) {
                kvs.add(
                        new KeyValue(
                                KeyBytes.string(rs.getBytes(1)),
                                rs.getBytes(4),
                                rs.getLong(2),
                                rs.getLong(3)));
            }
        }
        return page(kvs, limit, current);
    }

    /**
     * A page as of an older revision: keys not written since come from {@code kv} (the bulk, in key
     * order); the few keys written since (changed, deleted or re-created) are looked up in the
     * history at that revision. The two sets are disjoint; merged they are the state at revision.
     */
    private RangeResult rangeAt(byte[] from, byte[] to, int limit, long revision)
            throws SQLException {
        List<KeyValue> kvs = new ArrayList<>();
        rangeUnchangedSince.setBytes(1, from);
        rangeUnchangedSince.setBytes(2, to);
        rangeUnchangedSince.setLong(3, revision);
        rangeUnchangedSince.setLong(4, limit == 0 ? -1 : limit + 1L);
        try (ResultSet rs = rangeUnchangedSince.executeQuery()) {
            while (rs.next()) {
                kvs.add(
                        new KeyValue(
                                KeyBytes.string(rs.getBytes(1)),
                                rs.getBytes(4),
                                rs.getLong(2),
                                rs.getLong(3)));
            }
        }
        // A full page bounds the keys that can still make it into this page.
        byte[] changedTo = to;
        if (limit > 0 && kvs.size() > limit) {
            changedTo = KeyBytes.successor(KeyBytes.bytes(kvs.get(kvs.size() - 1).key()));
        }
        List<byte[]> changed = new ArrayList<>();
        keysChangedAfter.setLong(1, revision);
        keysChangedAfter.setBytes(2, from);
        keysChangedAfter.setBytes(3, changedTo);
        try (ResultSet rs = keysChangedAfter.executeQuery()) {
            while (rs.next()) {
                changed.add(rs.getBytes(1));
            }
        }
        for (byte[] k : changed) {
            getAt(KeyBytes.string(k), k, revision).ifPresent(kvs::add);
        }
        if (!changed.isEmpty()) {
            kvs.sort(Comparator.comparing(kv -> KeyBytes.bytes(kv.key()), KeyBytes::compare));
        }
        return page(kvs, limit, revision);
    }

    private static RangeResult page(List<KeyValue> kvs, int limit, long revision) {
        if (limit > 0 && kvs.size() > limit) {
            return new RangeResult(kvs.subList(0, limit), revision, true);
        }
        return new RangeResult(kvs, revision, false);
    }

    /** Returns the snapshot's current revision after checking {@code revision} against it. */
    private long checkRevision(long revision) throws SQLException {
        long[] meta = readSnapshot();
        long current = meta[0];
        long compacted = meta[1];
        if (revision != 0 && revision < compacted) {
            throw new CompactedException(revision, compacted);
        }
        if (revision > current) {
            throw new FutureRevisionException(
                    "revision " + revision + " is above the current revision " + current);
        }
        return current;
    }

    private long[] readSnapshot() throws SQLException {
        try (ResultSet rs = snapshot.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private void rollbackQuietly(Exception cause) {
        try {
            rollback.execute();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    static WatchEvent eventOf(ResultSet rs) throws SQLException {
        long rev = rs.getLong(1);
        String key = KeyBytes.string(rs.getBytes(2));
        boolean deleted = rs.getInt(4) != 0;
        KeyValue prev = null;
        long prevRev = rs.getLong(6);
        if (!rs.wasNull()) {
            prev = new KeyValue(key, rs.getBytes(8), rs.getLong(7), prevRev);
        }
        if (deleted) {
            if (prev == null) {
                throw new StoreException(
                        "history row for "
                                + key
                                + " at revision "
                                + rev
                                + " is a deletion without a previous version");
            }
            return new WatchEvent(WatchEvent.Type.DELETE, new KeyValue(key, EMPTY, 0, rev), prev);
        }
        return new WatchEvent(
                WatchEvent.Type.PUT, new KeyValue(key, rs.getBytes(5), rs.getLong(3), rev), prev);
    }
}
