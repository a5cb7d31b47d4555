package io.j8s.store;

/**
 * A write larger than the store takes: its keys and values exceed {@link #limit()} bytes (etcd's
 * {@code etcdserver: request is too large}, which both backends raise alike). Nothing was written.
 */
public class ValueTooLargeException extends StoreException {
    private final long size;
    private final long limit;

    public ValueTooLargeException(String message, long size, long limit, Throwable cause) {
        super(message, cause);
        this.size = size;
        this.limit = limit;
    }

    /**
     * The size of the refused write in bytes, as the store estimated it (0 when etcd refused it).
     */
    public long size() {
        return size;
    }

    /** The most bytes one write may have. */
    public long limit() {
        return limit;
    }
}
