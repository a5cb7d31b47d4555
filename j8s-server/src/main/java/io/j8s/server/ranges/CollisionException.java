package io.j8s.server.ranges;

/**
 * A range or port this server was given (or kept from an earlier start) is held by another server
 * or process on this host: the server does not start, and says which and by whom.
 */
public final class CollisionException extends RuntimeException {
    public CollisionException(String message) {
        super(message);
    }
}
