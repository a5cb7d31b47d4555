package io.j8s.store.support;

import io.j8s.store.Store;
import io.j8s.store.TxnOp;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Argument checks shared by the backends' write paths. Not part of the {@code Store} API. */
public final class TxnOps {
    /** etcd's default {@code --max-txn-ops}; both backends enforce it so they accept the same txns. */
    public static final int MAX_OPS = 128;

    private TxnOps() {
    }

    /**
     * Checks a transaction before it is sent: non-empty, at most {@link #MAX_OPS} ops, each key
     * non-empty and touched once (etcd rejects a txn that writes a key twice), expected revisions
     * positive (or {@link Store#ANY_REVISION} for a delete).
     *
     * @return an immutable copy of {@code ops}
     * @throws IllegalArgumentException naming the offending op
     */
    public static List<TxnOp> checked(List<TxnOp> ops) {
        Objects.requireNonNull(ops, "ops");
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("a txn needs at least one op");
        }
        if (ops.size() > MAX_OPS) {
            throw new IllegalArgumentException("a txn may have at most " + MAX_OPS + " ops but had " + ops.size());
        }
        Set<String> keys = new HashSet<>();
        for (TxnOp op : ops) {
            Objects.requireNonNull(op, "op");
            checkKey(op.key());
            if (!keys.add(op.key())) {
                throw new IllegalArgumentException("a txn may touch a key once but touched " + op.key() + " twice");
            }
            if (op instanceof TxnOp.Update u) {
                checkExpected(u.key(), u.expectedModRevision(), false);
            } else if (op instanceof TxnOp.Delete d) {
                checkExpected(d.key(), d.expectedModRevision(), true);
            }
        }
        return List.copyOf(ops);
    }

    /** @throws IllegalArgumentException when {@code key} is empty */
    public static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("a key must not be empty");
        }
    }

    private static void checkExpected(String key, long expected, boolean anyAllowed) {
        if (expected > 0 || (anyAllowed && expected == Store.ANY_REVISION)) {
            return;
        }
        throw new IllegalArgumentException("expected mod revision for " + key + " must be positive"
                + (anyAllowed ? " or ANY_REVISION" : "") + " but was " + expected);
    }
}
