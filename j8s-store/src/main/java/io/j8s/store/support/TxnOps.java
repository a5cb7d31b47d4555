package io.j8s.store.support;

import io.j8s.store.Store;
import io.j8s.store.TxnOp;
import io.j8s.store.ValueTooLargeException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Argument checks shared by the backends' write paths. Not part of the {@code Store} API. */
public final class TxnOps {
    /**
     * etcd's default {@code --max-txn-ops}; both backends enforce it so they accept the same txns.
     */
    public static final int MAX_OPS = 128;

    /**
     * etcd's default {@code --max-request-bytes} (1.5 MiB): both backends refuse a txn whose {@link
     * #requestBytes estimated request} is larger, so an object too large for etcd is too large for
     * sqlite as well.
     */
    public static final long MAX_REQUEST_BYTES = 1_572_864;

    /**
     * What etcd's request adds to the keys and values: the raft header, and per op a compare and a
     * read of the key.
     */
    private static final long REQUEST_OVERHEAD = 1_024;

    private static final long OP_OVERHEAD = 64;

    private TxnOps() {}

    /**
     * The size of the etcd request a txn becomes, estimated from above: each op's key three times
     * (the compare, the write and the read of the failure branch), its value, and framing.
     */
    public static long requestBytes(List<TxnOp> ops) {
        long bytes = REQUEST_OVERHEAD;
        for (TxnOp op : ops) {
            bytes += 3L * op.key().getBytes(StandardCharsets.UTF_8).length + OP_OVERHEAD;
            if (op instanceof TxnOp.Create c) {
                bytes += c.value().length;
            } else if (op instanceof TxnOp.Update u) {
                bytes += u.value().length;
            }
        }
        return bytes;
    }

    /**
     * Checks a transaction before it is sent: non-empty, at most {@link #MAX_OPS} ops, each key
     * non-empty and touched once (etcd rejects a txn that writes a key twice), expected revisions
     * positive (or {@link Store#ANY_REVISION} for a delete), and at most {@link #MAX_REQUEST_BYTES}
     * in all.
     *
     * @return an immutable copy of {@code ops}
     * @throws IllegalArgumentException naming the offending op
     * @throws ValueTooLargeException when the txn is larger than {@link #MAX_REQUEST_BYTES}
     */
    public static List<TxnOp> checked(List<TxnOp> ops) {
        Objects.requireNonNull(ops, "ops");
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("a txn needs at least one op");
        }
        if (ops.size() > MAX_OPS) {
            throw new IllegalArgumentException(
                    "a txn may have at most " + MAX_OPS + " ops but had " + ops.size());
        }
        Set<String> keys = new HashSet<>();
        for (TxnOp op : ops) {
            Objects.requireNonNull(op, "op");
            checkKey(op.key());
            if (!keys.add(op.key())) {
                throw new IllegalArgumentException(
                        "a txn may touch a key once but touched " + op.key() + " twice");
            }
            if (op instanceof TxnOp.Update u) {
                checkExpected(u.key(), u.expectedModRevision(), false);
            } else if (op instanceof TxnOp.Delete d) {
                checkExpected(d.key(), d.expectedModRevision(), true);
            }
        }
        long bytes = requestBytes(ops);
        if (bytes > MAX_REQUEST_BYTES) {
            throw new ValueTooLargeException(
                    "request is too large: the write of "
                            + ops.get(0).key()
                            + (ops.size() > 1 ? " and " + (ops.size() - 1) + " more keys" : "")
                            + " is "
                            + bytes
                            + " bytes, the limit is "
                            + MAX_REQUEST_BYTES,
                    bytes,
                    MAX_REQUEST_BYTES,
                    null);
        }
        return List.copyOf(ops);
    }

    /**
     * @throws IllegalArgumentException when {@code key} is empty
     */
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
        throw new IllegalArgumentException(
                "expected mod revision for "
                        + key
                        + " must be positive"
                        + (anyAllowed ? " or ANY_REVISION" : "")
                        + " but was "
                        + expected);
    }
}
