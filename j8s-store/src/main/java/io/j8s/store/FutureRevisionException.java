package io.j8s.store;

/** The requested revision is above the current revision. */
public class FutureRevisionException extends StoreException {
    public FutureRevisionException(String message) {
        super(message);
    }

    public FutureRevisionException(String message, Throwable cause) {
        super(message, cause);
    }
}
