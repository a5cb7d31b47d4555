package io.j8s.api.patch;

/**
 * A patch that cannot be applied. {@link #status()} is the HTTP status the real apiserver answers
 * with: 400 for a malformed patch, 422 for one that does not apply to the object, 413 for one with
 * too many operations.
 */
public final class PatchException extends RuntimeException {

    private final int status;

    public PatchException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** A malformed patch (400 BadRequest). */
    static PatchException badRequest(String message) {
        return new PatchException(400, message);
    }

    /** A well-formed patch that does not apply (422 Unprocessable Entity). */
    static PatchException unprocessable(String message) {
        return new PatchException(422, message);
    }

    public int status() {
        return status;
    }
}
