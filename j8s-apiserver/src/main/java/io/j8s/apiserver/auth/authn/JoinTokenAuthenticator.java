package io.j8s.apiserver.auth.authn;

import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.auth.rbac.BootstrapPolicy;
import java.util.List;
import java.util.Optional;

/**
 * Accepts the cluster's join token as a bearer token: its holder is {@code system:bootstrap:<id>}
 * in {@code system:bootstrappers}, which may only fetch a node credential. Thread safe.
 */
public final class JoinTokenAuthenticator implements TokenAuthenticator {
    private final JoinToken token;

    public JoinTokenAuthenticator(JoinToken token) {
        this.token = token;
    }

    @Override
    public Optional<UserInfo> authenticate(String bearer) {
        if (!bearer.startsWith(JoinToken.PREFIX)) {
            return Optional.empty();
        }
        JoinToken offered;
        try {
            offered = JoinToken.parse(bearer);
        } catch (IllegalArgumentException e) {
            throw new InvalidCredentialsException("malformed join token");
        }
        if (!token.sameAs(offered)) {
            throw new InvalidCredentialsException("unknown join token " + offered.id());
        }
        return Optional.of(
                UserInfo.authenticated(
                        token.user(), List.of(BootstrapPolicy.BOOTSTRAPPERS_GROUP), ""));
    }
}
