package io.j8s.store.sqlite;

import io.j8s.store.CompactedException;
import io.j8s.store.FutureRevisionException;
import io.j8s.store.KeyValue;
import io.j8s.store.RangeResult;
import io.j8s.store.Store;
import io.j8s.store.StoreClosedException;
import io.j8s.store.StoreException;
import io.j8s.store.TxnOp;
import io.j8s.store.Watch;
import io.j8s.store.WatchListener;
import io.j8s.store.support.AbstractStore;
import io.j8s.store.support.TxnOps;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded {@link Store}: one SQLite file, {@code <dataDir>/state.db}, in WAL mode.
 *
 * <p>Durability: a write returns after its SQLite transaction committed (and, with {@link
 * SqliteStoreOptions#fsync()}, was fsynced), so an acknowledged write survives {@code kill -9}.
 * Concurrent writes are committed together by one writer thread (group commit); each still gets its
 * own revision and its own precondition check, in arrival order.
 *
 * <p>Reads run on a pool of read-only connections and see the latest commit; they never wait for
 * the writer. Reads at an older revision, and watches, are served from the history table until
 * compaction removes it: automatically (see {@link SqliteStoreOptions}) or via {@link #compact}.
 *
 * <p>Watches are fed in process right after each commit. A watch from a past revision first replays
 * the history, then continues with live changes, with no gap or duplicate. A multi-op {@link #txn}
 * emits one event per op, all with the txn's revision, in op order.
 *
 * <p>KeyBytes: any non-empty string; ranges and prefixes compare UTF-8 bytes, as etcd does.
 *
 * <p>Thread safe. Blocking as described on {@link Store}. Open with {@link #open(Path)} or {@link
 * #open(SqliteStoreOptions)}; one process at a time may open a data dir.
 */
public final class SqliteStore extends AbstractStore {
    private static final Logger log = LoggerFactory.getLogger(SqliteStore.class);

    private final SqliteStoreOptions options;
    private final ReadPool reads;
    private final GroupCommitWriter writer;
    private final Checkpointer checkpointer;
    private final WatchHub hub;
    private final ExecutorService watchThreads;
    private final ScheduledExecutorService compactor;
    private final CompactionPolicy policy;
    private final DataDirLock lock;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SqliteStore(
            SqliteStoreOptions options,
            DataDirLock lock,
            ReadPool reads,
            GroupCommitWriter writer,
            Checkpointer checkpointer,
            WatchHub hub,
            ExecutorService watchThreads) {
        this.options = options;
        this.lock = lock;
        this.reads = reads;
        this.writer = writer;
        this.checkpointer = checkpointer;
        this.hub = hub;
        this.watchThreads = watchThreads;
        this.policy =
                new CompactionPolicy(
                        options.retainRevisions(), options.retainDuration(), options.clock());
        if (options.compactionInterval().isZero()) {
            this.compactor = null;
        } else {
            this.compactor =
                    Executors.newSingleThreadScheduledExecutor(
                            daemonThreads("j8s-sqlite-compactor"));
            long millis = Math.max(1, options.compactionInterval().toMillis());
            this.compactor.scheduleWithFixedDelay(
                    this::autoCompactQuietly, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** Opens (or creates) the store in {@code dataDir} with {@link SqliteStoreOptions#defaults}. */
    public static SqliteStore open(Path dataDir) {
        return open(SqliteStoreOptions.defaults(dataDir));
    }

    /**
     * Opens (or creates) the store described by {@code options}; finishes a compaction that a crash
     * cut short.
     *
     * @throws StoreException when the database cannot be opened or has another schema version
     */
    public static SqliteStore open(SqliteStoreOptions options) {
        Objects.requireNonNull(options, "options");
        Database db = new Database(options);
        DataDirLock lock = DataDirLock.acquire(options.dataDir());
        Connection conn = null;
        ReadPool reads = null;
        Checkpointer checkpointer = null;
        ExecutorService watchThreads = null;
        try {
            conn = db.openWriter();
            long revision = meta(conn, "revision");
            long compacted = meta(conn, "compacted");
            long progress = meta(conn, "compact_progress");
            long nextId;
            try (Statement st = conn.createStatement();
                    ResultSet rs = st.executeQuery("SELECT max(id) FROM kv_log")) {
                rs.next();
                nextId = rs.getLong(1) + 1;
            }
            reads = new ReadPool(db, options.readConnections());
            watchThreads =
                    Executors.newFixedThreadPool(
                            options.watchThreads(), daemonThreads("j8s-sqlite-watch"));
            ReadPool history = reads;
            WatchHub hub =
                    new WatchHub(
                            watchThreads,
                            options.watchBufferEvents(),
                            (prefix, after, upTo) ->
                                    sink ->
                                            history.readAlone(
                                                    r -> {
                                                        r.replay(prefix, after, upTo, sink);
                                                        return null;
                                                    }),
                            revision);
            checkpointer = new Checkpointer(db.openCheckpointer());
            GroupCommitWriter writer =
                    new GroupCommitWriter(
                            conn,
                            hub,
                            checkpointer,
                            options.maxBatchOps(),
                            revision,
                            compacted,
                            progress,
                            nextId);
            log.atInfo()
                    .addKeyValue("file", options.databaseFile())
                    .addKeyValue("revision", revision)
                    .addKeyValue("compactedRevision", compacted)
                    .addKeyValue("fsync", options.fsync())
                    .log("opened sqlite store");
            return new SqliteStore(options, lock, reads, writer, checkpointer, hub, watchThreads);
        } catch (SQLException | RuntimeException e) {
            if (watchThreads != null) {
                watchThreads.shutdownNow();
            }
            if (reads != null) {
                reads.close();
            }
            if (checkpointer != null) {
                checkpointer.close();
            }
            if (conn != null) {
                try {
                    conn.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            lock.release();
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException(
                    "cannot open sqlite store " + options.databaseFile() + ": " + e.getMessage(),
                    e);
        }
    }

    public SqliteStoreOptions options() {
        return options;
    }

    @Override
    public Optional<KeyValue> get(String key, long revision) {
        TxnOps.checkKey(key);
        checkRevisionArgument(revision);
        checkOpen();
        return reads.read(r -> r.get(key, revision));
    }

    @Override
    public RangeResult range(String prefix, int limit, String continueAfter, long revision) {
        checkRangeArguments(prefix, limit, revision);
        checkOpen();
        return reads.read(r -> r.range(prefix, limit, continueAfter, revision));
    }

    @Override
    public long count(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        checkOpen();
        return reads.read(r -> r.count(prefix));
    }

    @Override
    public long txn(List<TxnOp> ops) {
        List<TxnOp> checked = TxnOps.checked(ops);
        checkOpen();
        return await(writer.submit(copyValues(checked)));
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code afterRevision} may be above the current revision: the watch then starts with the
     * first later revision.
     */
    @Override
    public Watch watch(String prefix, long afterRevision, WatchListener listener) {
        checkWatchArguments(prefix, afterRevision, listener);
        checkOpen();
        long compacted = writer.compactedRevision();
        if (afterRevision < compacted) {
            throw new CompactedException(afterRevision, compacted);
        }
        return hub.register(prefix, afterRevision, listener);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Blocks until the history below {@code revision} is deleted; reads below it fail from the
     * first step on. A revision at or below {@link #compactedRevision()} is a no-op.
     *
     * @throws FutureRevisionException when {@code revision} is above the current revision
     */
    @Override
    public void compact(long revision) {
        checkOpen();
        if (revision <= writer.compactedRevision()) {
            return;
        }
        long current = currentRevision();
        if (revision > current) {
            throw new FutureRevisionException(
                    "cannot compact to " + revision + ": the current revision is " + current);
        }
        await(writer.submitCompaction(revision));
        log.atInfo().addKeyValue("revision", revision).log("compacted sqlite store");
    }

    @Override
    public long currentRevision() {
        return writer.committedRevision();
    }

    @Override
    public long compactedRevision() {
        return writer.compactedRevision();
    }

    /** Registered watches (for metrics and tests). */
    public int watchCount() {
        return hub.size();
    }

    /**
     * Stops taking writes, commits the writes already queued, ends every watch with a {@link
     * StoreClosedException}, and closes the database. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (compactor != null) {
            compactor.shutdownNow();
        }
        writer.close();
        hub.endAll(new StoreClosedException("the sqlite store is closed"));
        watchThreads.shutdown();
        try {
            if (!watchThreads.awaitTermination(10, TimeUnit.SECONDS)) {
                log.atWarn()
                        .log("watch listeners did not return within 10s of close; abandoning them");
                watchThreads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            watchThreads.shutdownNow();
        }
        reads.close();
        checkpointer.close();
        writer.closeConnection();
        lock.release();
        log.atInfo()
                .addKeyValue("file", options.databaseFile())
                .addKeyValue("revision", currentRevision())
                .log("closed sqlite store");
    }

    @Override
    public String toString() {
        return "SqliteStore[" + options.databaseFile() + "]";
    }

    /** One run of automatic compaction; the scheduler calls it every compaction interval. */
    void autoCompact() {
        long target = policy.target(currentRevision());
        if (target > compactedRevision()) {
            compact(target);
        }
    }

    private void autoCompactQuietly() {
        try {
            autoCompact();
        } catch (StoreClosedException e) {
            // Closing: the next open finishes whatever was started.
        } catch (RuntimeException e) {
            log.atError()
                    .setCause(e)
                    .log("automatic compaction failed; retrying at the next interval");
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new StoreClosedException("the sqlite store is closed");
        }
    }

    /** Callers keep their arrays; the store and its watchers keep copies nobody else can change. */
    private static List<TxnOp> copyValues(List<TxnOp> ops) {
        List<TxnOp> out = new ArrayList<>(ops.size());
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Create c) {
                out.add(new TxnOp.Create(c.key(), c.value().clone()));
            } else if (op instanceof TxnOp.Update u) {
                out.add(new TxnOp.Update(u.key(), u.value().clone(), u.expectedModRevision()));
            } else {
                out.add(op);
            }
        }
        return out;
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("sqlite write failed", e.getCause());
        }
    }

    private static long meta(Connection conn, String name) throws SQLException {
        try (Statement st = conn.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT value FROM meta WHERE name = '" + name + "'")) {
            if (!rs.next()) {
                throw new StoreException("state.db has no meta row " + name);
            }
            return rs.getLong(1);
        }
    }
}
