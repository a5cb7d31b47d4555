package io.j8s.api.selector;

/**
 * A label or field selector that cannot be parsed or used, with the message the real apiserver
 * gives (the API server answers it as 400 BadRequest).
 */
public final class SelectorException extends IllegalArgumentException {
    public SelectorException(String message) {
        super(message);
    }
}
