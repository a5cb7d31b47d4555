package io.j8s.server.join;

/** Joining a cluster failed; the message says why and what to check. */
public final class JoinException extends Exception {
    public JoinException(String message) {
        super(message);
    }

    public JoinException(String message, Throwable cause) {
        super(message, cause);
    }
}
