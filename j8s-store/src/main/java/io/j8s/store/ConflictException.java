package io.j8s.store;

/** A conditional write found another mod revision than expected. */
public class ConflictException extends StoreException {
    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
