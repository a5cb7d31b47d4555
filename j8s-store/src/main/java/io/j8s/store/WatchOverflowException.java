package io.j8s.store;

/** A watcher fell too far behind and was ended; re-list and watch again. */
public class WatchOverflowException extends StoreException {
    public WatchOverflowException(String message) {
        super(message);
    }

    public WatchOverflowException(String message, Throwable cause) {
        super(message, cause);
    }
}
