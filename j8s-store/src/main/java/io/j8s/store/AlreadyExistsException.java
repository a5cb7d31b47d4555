package io.j8s.store;

/** A create found the key already present. */
public class AlreadyExistsException extends StoreException {
    public AlreadyExistsException(String message) {
        super(message);
    }

    public AlreadyExistsException(String message, Throwable cause) {
        super(message, cause);
    }
}
