package io.j8s.apiserver.http;

/**
 * The body of an error the HTTP layer answers by itself, before any {@link HttpHandler} runs (a
 * malformed request, a body too large, a request too slow): the API server encodes it as a
 * Kubernetes {@code Status}.
 */
@FunctionalInterface
public interface ErrorBody {
    /** The JSON body of the error {@code code} with {@code reason} and {@code message}. */
    byte[] encode(int code, String reason, String message);
}
