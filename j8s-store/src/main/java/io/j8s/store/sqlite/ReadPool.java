package io.j8s.store.sqlite;

import io.j8s.store.StoreClosedException;
import io.j8s.store.StoreException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of read-only connections. A read borrows one for its duration and blocks while all
 * are busy. Thread safe.
 */
final class ReadPool implements AutoCloseable {
    /** One read on a borrowed {@link Reader}. */
    @FunctionalInterface
    interface Read<T> {
        T run(Reader reader) throws SQLException;
    }

    private final Database db;
    private final BlockingQueue<Reader> idle;
    private final List<Reader> all = new ArrayList<>();
    private volatile boolean closed;

    ReadPool(Database db, int size) throws SQLException {
        this.db = db;
        this.idle = new ArrayBlockingQueue<>(size);
        try {
            for (int i = 0; i < size; i++) {
                Reader r = new Reader(db.openReader());
                all.add(r);
                idle.add(r);
            }
        } catch (SQLException | RuntimeException e) {
            all.forEach(Reader::close);
            throw e;
        }
    }

    /**
     * Runs {@code read} on an idle connection.
     *
     * @throws StoreClosedException when the pool is closed
     * @throws StoreException wrapping a SQLite failure
     */
    <T> T read(Read<T> read) {
        Reader reader = borrow();
        try {
            return read.run(reader);
        } catch (SQLException e) {
            throw new StoreException("sqlite read failed: " + e.getMessage(), e);
        } finally {
            idle.add(reader);
        }
    }

    /**
     * Runs {@code read} on a new connection of its own (for long replays that must not starve
     * reads).
     */
    <T> T readAlone(Read<T> read) {
        if (closed) {
            throw new StoreClosedException("the sqlite store is closed");
        }
        try (Reader reader = new Reader(db.openReader())) {
            return read.run(reader);
        } catch (SQLException e) {
            throw new StoreException("sqlite read failed: " + e.getMessage(), e);
        }
    }

    /** Closes the connections; waits for reads in progress to hand theirs back. */
    @Override
    public void close() {
        closed = true;
        for (int i = 0; i < all.size(); i++) {
            try {
                idle.take().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Reader borrow() {
        try {
            while (true) {
                if (closed) {
                    throw new StoreClosedException("the sqlite store is closed");
                }
                // Poll rather than take: close() may have taken every connection meanwhile.
                Reader r = idle.poll(100, TimeUnit.MILLISECONDS);
                if (r != null) {
                    if (closed) {
                        idle.add(r);
                        throw new StoreClosedException("the sqlite store is closed");
                    }
                    return r;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for a sqlite read connection", e);
        }
    }
}
