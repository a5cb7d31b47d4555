package io.j8s.store;

/** A conditional write or delete found no such key. */
public class NotFoundException extends StoreException {
    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
