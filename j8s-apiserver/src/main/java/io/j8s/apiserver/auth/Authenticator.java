package io.j8s.apiserver.auth;

import io.j8s.apiserver.http.HttpExchange;
import java.util.Optional;

/** Establishes who sent a request (client certificate, bearer token, ...). Thread safe. */
public interface Authenticator {
    /**
     * The request's user; empty when it carries no credentials this authenticator understands.
     *
     * @throws io.j8s.apiserver.errors.ApiException 401 when it carries credentials that are invalid
     */
    Optional<UserInfo> authenticate(HttpExchange exchange);
}
