package io.j8s.store;

import java.util.Objects;

/** One write of a {@link Store#txn}, with its precondition. */
public sealed interface TxnOp {
    String key();

    /** Create; fails with {@link AlreadyExistsException} when the key exists. */
    record Create(String key, byte[] value) implements TxnOp {
        public Create {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Update if the mod revision matches; {@link ConflictException} / {@link NotFoundException}.
     */
    record Update(String key, byte[] value, long expectedModRevision) implements TxnOp {
        public Update {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Delete if the mod revision matches ({@link Store#ANY_REVISION}: always). */
    record Delete(String key, long expectedModRevision) implements TxnOp {
        public Delete {
            Objects.requireNonNull(key, "key");
        }
    }
}
