package io.j8s.junit;

/**
 * A j8s cluster could not do what a test asked: the message says what and why (the host's own
 * message).
 */
public class J8sException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public J8sException(String message) {
        super(message);
    }

    public J8sException(String message, Throwable cause) {
        super(message, cause);
    }
}
