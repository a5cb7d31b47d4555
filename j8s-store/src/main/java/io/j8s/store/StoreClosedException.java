package io.j8s.store;

/** The store was closed. */
public class StoreClosedException extends StoreException {
    public StoreClosedException(String message) {
        super(message);
    }

    public StoreClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
