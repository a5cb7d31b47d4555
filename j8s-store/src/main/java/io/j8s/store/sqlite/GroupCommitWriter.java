package io.j8s.store.sqlite;

import io.j8s.store.AlreadyExistsException;
import io.j8s.store.ConflictException;
import io.j8s.store.FutureRevisionException;
import io.j8s.store.KeyValue;
import io.j8s.store.NotFoundException;
import io.j8s.store.Store;
import io.j8s.store.StoreClosedException;
import io.j8s.store.StoreException;
import io.j8s.store.TxnOp;
import io.j8s.store.WatchEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes to {@code state.db}, with group commit.
 *
 * <p>Callers queue transactions; the writer takes whatever is queued (up to {@code maxBatchOps}
 * ops), checks and applies each transaction's preconditions in queue order inside one SQLite
 * transaction, commits once (one fsync for the whole batch), and only then completes the callers'
 * futures and hands the changes to the {@link WatchHub}. A transaction whose precondition fails
 * writes nothing and takes no revision; the others in its batch are unaffected. A SQLite failure
 * rolls the whole batch back and fails every transaction in it.
 *
 * <p>Compaction runs on this thread too, in steps between batches, so it never races a write.
 *
 * <p>Thread safety: {@link #submit}, {@link #submitCompaction} and the accessors may be called from
 * any thread; everything else belongs to the writer thread.
 */
final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);
    private static final byte[] EMPTY = new byte[0];

    /** A batch stops growing past this many value bytes, bounding one transaction's size. */
    private static final long MAX_BATCH_BYTES = 32L * 1024 * 1024;

    /** Compaction deletes the history of this many revisions per SQLite transaction. */
    static final long COMPACTION_STEP_REVISIONS = 5_000;

    static final String LOOKUP = "SELECT create_rev, mod_rev, log_id FROM kv WHERE key = ?";
    static final String DELETE_SUPERSEDED =
            "DELETE FROM kv_log WHERE id IN"
                    + " (SELECT prev_id FROM kv_log WHERE rev > ? AND rev <= ? AND prev_id <> 0)";
    static final String DELETE_TOMBSTONES =
            "DELETE FROM kv_log WHERE rev > ? AND rev <= ? AND deleted = 1";

    private sealed interface Task permits Write, Compact, Stop {}

    private record Write(List<TxnOp> ops, long bytes, CompletableFuture<Long> done)
            implements Task {}

    private record Compact(long target, CompletableFuture<Void> done) implements Task {}

    private record Stop() implements Task {}

    /** A key's row in {@code kv}. */
    private record Current(long createRevision, long modRevision, long logId) {}

    /** One applied op, kept until the commit is published to watchers. */
    private record Change(
            long revision,
            String key,
            boolean deleted,
            long createRevision,
            byte[] value,
            long prevId,
            long prevCreateRevision,
            long prevModRevision) {}

    private final Connection conn;
    private final WatchHub hub;
    private final Checkpointer checkpointer;
    private final int maxBatchOps;
    private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Object submitLock = new Object();
    private boolean accepting = true; // guarded by submitLock

    private final AtomicLong committedRevision = new AtomicLong();
    private volatile long compactedRevision;

    // Writer-thread state.
    private long revision;
    private long nextId;
    private long compacted;
    private long compactProgress;

    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement rollback;
    private final PreparedStatement lookup;
    private final PreparedStatement insertLog;
    private final PreparedStatement insertKv;
    private final PreparedStatement updateKv;
    private final PreparedStatement deleteKv;
    private final PreparedStatement setMeta;
    private final PreparedStatement prevValue;
    private final PreparedStatement deleteSuperseded;
    private final PreparedStatement deleteTombstones;

    GroupCommitWriter(
            Connection conn,
            WatchHub hub,
            Checkpointer checkpointer,
            int maxBatchOps,
            long revision,
            long compacted,
            long compactProgress,
            long nextId)
            throws SQLException {
        this.conn = conn;
        this.hub = hub;
        this.checkpointer = checkpointer;
        this.maxBatchOps = maxBatchOps;
        this.revision = revision;
        this.compacted = compacted;
        this.compactProgress = compactProgress;
        this.nextId = nextId;
        this.committedRevision.set(revision);
        this.compactedRevision = compacted;

        this.begin = conn.prepareStatement("BEGIN IMMEDIATE");
        this.commit = conn.prepareStatement("COMMIT");
        this.rollback = conn.prepareStatement("ROLLBACK");
        this.lookup = conn.prepareStatement(LOOKUP);
        this.insertLog =
                conn.prepareStatement(
                        "INSERT INTO kv_log (id, rev, key, create_rev, prev_id, deleted, value)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?)");
        this.insertKv =
                conn.prepareStatement(
                        "INSERT INTO kv (key, create_rev, mod_rev, log_id) VALUES (?, ?, ?, ?)");
        this.updateKv =
                conn.prepareStatement("UPDATE kv SET mod_rev = ?, log_id = ? WHERE key = ?");
        this.deleteKv = conn.prepareStatement("DELETE FROM kv WHERE key = ?");
        this.setMeta = conn.prepareStatement("UPDATE meta SET value = ? WHERE name = ?");
        this.prevValue = conn.prepareStatement("SELECT value FROM kv_log WHERE id = ?");
        // A row superseded by a newer row at or below the compaction revision is never read again:
        // reads at or above that revision find the newer row. Those newer rows point at it.
        this.deleteSuperseded = conn.prepareStatement(DELETE_SUPERSEDED);
        // A deletion at or below the compaction revision leaves nothing to read there.
        this.deleteTombstones = conn.prepareStatement(DELETE_TOMBSTONES);

        this.thread = new Thread(this::run, "j8s-sqlite-writer");
        this.thread.setDaemon(true);
        this.thread.start();
        if (compactProgress < compacted) {
            // A compaction was cut short by a crash or close: finish it.
            queue.add(new Compact(compacted, new CompletableFuture<>()));
        }
    }

    /** The revision of the latest commit (readers may see it as soon as this returns it). */
    long committedRevision() {
        return committedRevision.get();
    }

    long compactedRevision() {
        return compactedRevision;
    }

    /**
     * Queues a checked transaction. The future completes with its revision after the commit, or
     * exceptionally with a precondition's exception, a {@link StoreClosedException}, or a {@link
     * StoreException} for a SQLite failure.
     */
    CompletableFuture<Long> submit(List<TxnOp> ops) {
        long bytes = 0;
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Create c) {
                bytes += c.value().length;
            } else if (op instanceof TxnOp.Update u) {
                bytes += u.value().length;
            }
        }
        Write w = new Write(ops, bytes, new CompletableFuture<>());
        enqueue(w, w.done());
        return w.done();
    }

    /** Queues a compaction to {@code target}; completes once the history below it is deleted. */
    CompletableFuture<Void> submitCompaction(long target) {
        Compact c = new Compact(target, new CompletableFuture<>());
        enqueue(c, c.done());
        return c.done();
    }

    /**
     * Stops taking work, finishes what is queued, and stops the thread. Does not close the
     * connection.
     */
    @Override
    public void close() {
        synchronized (submitLock) {
            if (!accepting) {
                return;
            }
            accepting = false;
            queue.add(new Stop());
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void enqueue(Task task, CompletableFuture<?> done) {
        synchronized (submitLock) {
            if (!accepting) {
                done.completeExceptionally(new StoreClosedException("the sqlite store is closed"));
                return;
            }
            queue.add(task);
        }
    }

    private void run() {
        Task carried = null;
        try {
            while (true) {
                Task task = carried != null ? carried : queue.take();
                carried = null;
                if (task instanceof Stop) {
                    break;
                }
                if (task instanceof Compact c) {
                    compactStep(c);
                    continue;
                }
                List<Write> batch = new ArrayList<>();
                Write first = (Write) task;
                batch.add(first);
                int ops = first.ops().size();
                long bytes = first.bytes();
                while (ops < maxBatchOps && bytes < MAX_BATCH_BYTES) {
                    Task next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    if (!(next instanceof Write w)) {
                        carried = next;
                        break;
                    }
                    batch.add(w);
                    ops += w.ops().size();
                    bytes += w.bytes();
                }
                commitBatch(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.atError().setCause(e).log("sqlite writer thread died");
            throw e;
        } finally {
            StoreClosedException closed = new StoreClosedException("the sqlite store is closed");
            if (carried != null) {
                failTask(carried, closed);
            }
            synchronized (submitLock) {
                accepting = false;
            }
            for (Task t; (t = queue.poll()) != null; ) {
                failTask(t, closed);
            }
        }
    }

    private static void failTask(Task task, StoreException error) {
        if (task instanceof Write w) {
            w.done().completeExceptionally(error);
        } else if (task instanceof Compact c) {
            c.done().completeExceptionally(error);
        }
    }

    private void commitBatch(List<Write> batch) {
        long startRevision = revision;
        long startId = nextId;
        List<Change> changes = new ArrayList<>();
        Object[] outcomes = new Object[batch.size()];
        try {
            begin.execute();
            for (int i = 0; i < batch.size(); i++) {
                try {
                    outcomes[i] = apply(batch.get(i).ops(), changes);
                } catch (AlreadyExistsException | ConflictException | NotFoundException e) {
                    outcomes[i] = e;
                }
            }
            if (revision != startRevision) {
                setMeta("revision", revision);
            }
            commit.execute();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            revision = startRevision;
            nextId = startId;
            log.atError()
                    .addKeyValue("transactions", batch.size())
                    .setCause(e)
                    .log("sqlite write batch failed");
            StoreException failure =
                    new StoreException("sqlite write failed: " + e.getMessage(), e);
            batch.forEach(w -> w.done().completeExceptionally(failure));
            return;
        }
        committedRevision.set(revision);
        checkpointer.committed();
        for (int i = 0; i < batch.size(); i++) {
            if (outcomes[i] instanceof Long rev) {
                batch.get(i).done().complete(rev);
            } else {
                batch.get(i).done().completeExceptionally((StoreException) outcomes[i]);
            }
        }
        if (revision != startRevision) {
            hub.publish(revision, () -> events(changes));
        }
    }

    /** Checks every op's precondition, then writes them all at the next revision. */
    private long apply(List<TxnOp> ops, List<Change> changes) throws SQLException {
        Current[] current = new Current[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            TxnOp op = ops.get(i);
            Current c = lookup(op.key());
            current[i] = c;
            if (op instanceof TxnOp.Create) {
                if (c != null) {
                    throw new AlreadyExistsException(
                            op.key() + " already exists (mod revision " + c.modRevision() + ")");
                }
            } else {
                long expected =
                        op instanceof TxnOp.Update u
                                ? u.expectedModRevision()
                                : ((TxnOp.Delete) op).expectedModRevision();
                if (c == null) {
                    throw new NotFoundException(op.key() + " not found");
                }
                if (expected != Store.ANY_REVISION && expected != c.modRevision()) {
                    throw new ConflictException(
                            op.key()
                                    + " has mod revision "
                                    + c.modRevision()
                                    + ", not the expected "
                                    + expected);
                }
            }
        }
        long rev = revision + 1;
        for (int i = 0; i < ops.size(); i++) {
            TxnOp op = ops.get(i);
            Current c = current[i];
            byte[] key = KeyBytes.bytes(op.key());
            long id = nextId++;
            if (op instanceof TxnOp.Create create) {
                insertLog(id, rev, key, rev, 0, false, create.value());
                insertKv.setBytes(1, key);
                insertKv.setLong(2, rev);
                insertKv.setLong(3, rev);
                insertKv.setLong(4, id);
                insertKv.executeUpdate();
                changes.add(new Change(rev, op.key(), false, rev, create.value(), 0, 0, 0));
            } else if (op instanceof TxnOp.Update update) {
                insertLog(id, rev, key, c.createRevision(), c.logId(), false, update.value());
                updateKv.setLong(1, rev);
                updateKv.setLong(2, id);
                updateKv.setBytes(3, key);
                updateKv.executeUpdate();
                changes.add(
                        new Change(
                                rev,
                                op.key(),
                                false,
                                c.createRevision(),
                                update.value(),
                                c.logId(),
                                c.createRevision(),
                                c.modRevision()));
            } else {
                insertLog(id, rev, key, 0, c.logId(), true, EMPTY);
                deleteKv.setBytes(1, key);
                deleteKv.executeUpdate();
                changes.add(
                        new Change(
                                rev,
                                op.key(),
                                true,
                                0,
                                EMPTY,
                                c.logId(),
                                c.createRevision(),
                                c.modRevision()));
            }
        }
        revision = rev;
        return rev;
    }

    private Current lookup(String key) throws SQLException {
        lookup.setBytes(1, KeyBytes.bytes(key));
        try (ResultSet rs = lookup.executeQuery()) {
            return rs.next() ? new Current(rs.getLong(1), rs.getLong(2), rs.getLong(3)) : null;
        }
    }

    private void insertLog(
            long id,
            long rev,
            byte[] key,
            long createRev,
            long prevId,
            boolean deleted,
            byte[] value)
            throws SQLException {
        insertLog.setLong(1, id);
        insertLog.setLong(2, rev);
        insertLog.setBytes(3, key);
        insertLog.setLong(4, createRev);
        insertLog.setLong(5, prevId);
        insertLog.setInt(6, deleted ? 1 : 0);
        insertLog.setBytes(7, value);
        insertLog.executeUpdate();
    }

    private void setMeta(String name, long value) throws SQLException {
        setMeta.setLong(1, value);
        setMeta.setString(2, name);
        setMeta.executeUpdate();
    }

    /**
     * Builds the watch events of a commit, reading previous values back (only when someone
     * watches).
     */
    private List<WatchEvent> events(List<Change> changes) {
        List<WatchEvent> events = new ArrayList<>(changes.size());
        try {
            for (Change c : changes) {
                KeyValue prev = null;
                if (c.prevId() != 0) {
                    prevValue.setLong(1, c.prevId());
                    try (ResultSet rs = prevValue.executeQuery()) {
                        if (!rs.next()) {
                            throw new StoreException(
                                    "previous version of "
                                            + c.key()
                                            + " (row "
                                            + c.prevId()
                                            + ") is missing");
                        }
                        prev =
                                new KeyValue(
                                        c.key(),
                                        rs.getBytes(1),
                                        c.prevCreateRevision(),
                                        c.prevModRevision());
                    }
                }
                events.add(
                        c.deleted()
                                ? new WatchEvent(
                                        WatchEvent.Type.DELETE,
                                        new KeyValue(c.key(), EMPTY, 0, c.revision()),
                                        prev)
                                : new WatchEvent(
                                        WatchEvent.Type.PUT,
                                        new KeyValue(
                                                c.key(),
                                                c.value(),
                                                c.createRevision(),
                                                c.revision()),
                                        prev));
            }
        } catch (SQLException e) {
            throw new StoreException("reading previous values for watchers failed", e);
        }
        return events;
    }

    private void compactStep(Compact task) {
        long target = task.target();
        if (target > revision) {
            task.done()
                    .completeExceptionally(
                            new FutureRevisionException(
                                    "cannot compact to "
                                            + target
                                            + ": the current revision is "
                                            + revision));
            return;
        }
        long startCompacted = compacted;
        long to;
        long deleted;
        try {
            begin.execute();
            if (target > compacted) {
                setMeta("compacted", target);
                compacted = target;
            }
            to = Math.min(compacted, compactProgress + COMPACTION_STEP_REVISIONS);
            deleted = 0;
            if (to > compactProgress) {
                deleteSuperseded.setLong(1, compactProgress);
                deleteSuperseded.setLong(2, to);
                deleted += deleteSuperseded.executeUpdate();
                deleteTombstones.setLong(1, compactProgress);
                deleteTombstones.setLong(2, to);
                deleted += deleteTombstones.executeUpdate();
                setMeta("compact_progress", to);
            }
            commit.execute();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(e);
            compacted = startCompacted;
            log.atError()
                    .addKeyValue("target", target)
                    .setCause(e)
                    .log("sqlite compaction step failed");
            task.done()
                    .completeExceptionally(
                            new StoreException("sqlite compaction failed: " + e.getMessage(), e));
            return;
        }
        compactedRevision = compacted;
        checkpointer.committed();
        if (to > compactProgress) {
            log.atDebug()
                    .addKeyValue("from", compactProgress)
                    .addKeyValue("to", to)
                    .addKeyValue("rowsDeleted", deleted)
                    .log("compacted history");
        }
        compactProgress = Math.max(compactProgress, to);
        if (compactProgress >= target) {
            task.done().complete(null);
        } else {
            // Let queued writes through before the next step.
            enqueue(task, task.done());
        }
    }

    private void rollbackQuietly(Exception cause) {
        try {
            rollback.execute();
        } catch (SQLException e) {
            // Nothing to roll back (e.g. BEGIN itself failed) or the connection is broken.
            cause.addSuppressed(e);
        }
    }

    /** Closes the statements and the connection; call after {@link #close()}. */
    void closeConnection() {
        try {
            conn.close();
        } catch (SQLException e) {
            throw new StoreException("closing the sqlite writer connection failed", e);
        }
    }
}
