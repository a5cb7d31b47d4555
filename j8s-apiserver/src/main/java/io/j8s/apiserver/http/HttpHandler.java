package io.j8s.apiserver.http;

/**
 * Handles one request. Called on a worker thread, never on a Netty event loop, so it may block on
 * the store; it must respond exactly once (or start a stream).
 */
@FunctionalInterface
public interface HttpHandler {
    void handle(HttpExchange exchange);
}
