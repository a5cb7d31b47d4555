package io.j8s.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the WAL back into {@code state.db} on a thread of its own.
 *
 * <p>Why: SQLite's automatic checkpoint runs inside the commit that crosses the WAL size limit, so
 * one write in a few hundred waits for the copy and its fsync; with one writer thread that stalls
 * every writer. This thread runs PASSIVE checkpoints, which never block the writer or readers,
 * shortly after new commits, so the copying happens beside the writes.
 *
 * <p>Under continuous writes a PASSIVE checkpoint never quite catches up, and SQLite only restarts
 * the WAL from its beginning once everything is copied. So the writer connection keeps a high
 * automatic checkpoint threshold ({@link Database#WRITER_CHECKPOINT_FRAMES}): when it is crossed
 * the writer copies just the short tail this thread has not yet copied, and the WAL restarts.
 *
 * <p>Thread safety: {@link #committed()} may be called from any thread (the writer calls it after
 * each commit); {@link #close()} once.
 */
final class Checkpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

    /** How long the thread sleeps when nothing was committed since its last checkpoint. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** The least time between two checkpoints: each one fsyncs, beside the writer's own fsyncs. */
    private static final long MIN_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Connection conn;
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean running = true;

    Checkpointer(Connection conn) {
        this.conn = conn;
        this.thread = new Thread(this::run, "j8s-sqlite-checkpoint");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Notes that the writer committed; cheap. */
    void committed() {
        commits.incrementAndGet();
    }

    /** Stops the thread, checkpoints what is left and truncates the WAL, closes the connection. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Statement st = conn.createStatement()) {
            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } catch (SQLException e) {
            log.atWarn()
                    .setCause(e)
                    .log("final WAL checkpoint failed; the next open replays the WAL");
        }
        try {
            conn.close();
        } catch (SQLException e) {
            log.atWarn().setCause(e).log("closing the checkpoint connection failed");
        }
    }

    private void run() {
        long seen = 0;
        while (running) {
            long now = commits.get();
            if (now == seen) {
                LockSupport.parkNanos(IDLE_NANOS);
                continue;
            }
            seen = now;
            LockSupport.parkNanos(MIN_GAP_NANOS);
            try (Statement st = conn.createStatement();
                    ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                if (rs.next() && rs.getInt(1) != 0) {
                    log.atDebug().log("WAL checkpoint was busy; retrying after the next commit");
                }
            } catch (SQLException e) {
                log.atWarn()
                        .setCause(e)
                        .log("WAL checkpoint failed; retrying after the next commit");
                LockSupport.parkNanos(IDLE_NANOS);
            }
        }
    }
}
