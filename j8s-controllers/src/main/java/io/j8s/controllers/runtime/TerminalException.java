package io.j8s.controllers.runtime;

/**
 * An error that retrying cannot fix (an object the API rejects as invalid, a spec the controller
 * cannot act on). The reconcile loop logs it and drops the key until the next change.
 */
public class TerminalException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TerminalException(String message) {
        super(message);
    }

    public TerminalException(String message, Throwable cause) {
        super(message, cause);
    }
}
