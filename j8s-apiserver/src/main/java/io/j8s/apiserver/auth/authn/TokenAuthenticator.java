package io.j8s.apiserver.auth.authn;

import io.j8s.apiserver.auth.UserInfo;
import java.util.Optional;

/** Authenticates a bearer token. Thread safe; answers from memory. */
public interface TokenAuthenticator {
    /**
     * The token's user; empty when the token is not of this authenticator's kind (another may know
     * it).
     *
     * @throws InvalidCredentialsException when it is of this kind but not valid
     */
    Optional<UserInfo> authenticate(String token);
}
