package io.j8s.apiserver.request;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.http.HttpExchange;

/**
 * A subresource served by a dedicated handler rather than the generic verbs ({@code pods/log},
 * {@code pods/binding}, {@code serviceaccounts/token}, ...): it sees every verb on its path.
 */
@FunctionalInterface
public interface SubresourceHandler {
    void handle(HttpExchange exchange, RequestInfo info, ResourceType type);
}
