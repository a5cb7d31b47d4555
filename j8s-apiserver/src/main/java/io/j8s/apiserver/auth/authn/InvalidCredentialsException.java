package io.j8s.apiserver.auth.authn;

/**
 * A request carried credentials of a known kind that are not valid (bad signature, expired, unknown
 * token). The client only ever sees {@code 401 Unauthorized}; the message is for the server's debug
 * log and never holds the credential itself.
 */
public final class InvalidCredentialsException extends RuntimeException {
    public InvalidCredentialsException(String message) {
        super(message, null, false, false);
    }
}
