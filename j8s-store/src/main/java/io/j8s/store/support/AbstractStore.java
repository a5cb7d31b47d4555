package io.j8s.store.support;

import io.j8s.store.KeyValue;
import io.j8s.store.Store;
import io.j8s.store.TxnOp;
import io.j8s.store.WatchListener;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the backends do alike: a single-key write is a {@link #txn} of one op, {@code get(key)}
 * reads the latest revision, and read and watch arguments are checked with the same words. Not part
 * of the {@code Store} API.
 */
public abstract class AbstractStore implements Store {

    @Override
    public final Optional<KeyValue> get(String key) {
        return get(key, 0);
    }

    @Override
    public final long create(String key, byte[] value) {
        return txn(List.of(new TxnOp.Create(key, value)));
    }

    @Override
    public final long update(String key, byte[] value, long expectedModRevision) {
        return txn(List.of(new TxnOp.Update(key, value, expectedModRevision)));
    }

    @Override
    public final long delete(String key, long expectedModRevision) {
        return txn(List.of(new TxnOp.Delete(key, expectedModRevision)));
    }

    /**
     * @throws IllegalArgumentException when {@code revision} is negative
     */
    protected static void checkRevisionArgument(long revision) {
        if (revision < 0) {
            throw new IllegalArgumentException("revision must not be negative but was " + revision);
        }
    }

    /** The checks of {@link #range}'s arguments. */
    protected static void checkRangeArguments(String prefix, int limit, long revision) {
        Objects.requireNonNull(prefix, "prefix");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative but was " + limit);
        }
        checkRevisionArgument(revision);
    }

    /** The checks of {@link #watch}'s arguments. */
    protected static void checkWatchArguments(
            String prefix, long afterRevision, WatchListener listener) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        if (afterRevision < 0) {
            throw new IllegalArgumentException(
                    "afterRevision must not be negative but was " + afterRevision);
        }
    }

    /** Daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, ... */
    protected static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
