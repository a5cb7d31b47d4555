package io.j8s.apiserver.auth.authn;

import io.j8s.apiserver.auth.UserInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens of the server's own in-process clients (controllers, scheduler, node agents, proxy,
 * cluster DNS), as kube-apiserver gives its loopback client a random token: one per identity, 256
 * random bits from {@link SecureRandom}, made in memory when the component's client is made, never
 * written, logged or sent anywhere but to this server over its in-process listener. {@link
 * RequestAuthenticator} asks this authenticator only about requests that came over that listener
 * ({@code HttpExchange#inProcess()}); over TCP a loopback token is an unknown bearer token (401).
 * Each token authenticates as its component's own user and groups, so RBAC, the Node authorizer,
 * NodeRestriction and audit see the same identity as with a client certificate
 * (docs/architecture.md, "Security"). Tokens live as long as this object (the server). Thread safe.
 */
public final class LoopbackTokens implements TokenAuthenticator {
    /** Every loopback token starts with this, so other authenticators are not asked about it. */
    static final String PREFIX = "j8s-loopback.";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** SHA-256 of the token (Base64) to the user: no token kept in memory in the clear here. */
    private final Map<String, UserInfo> users = new ConcurrentHashMap<>();

    /** A new token acting as {@code user} in {@code groups}. */
    public String issue(String user, List<String> groups) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        users.put(digest(token), UserInfo.authenticated(user, groups, ""));
        return token;
    }

    @Override
    public Optional<UserInfo> authenticate(String token) {
        if (!token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        UserInfo user = users.get(digest(token));
        if (user == null) {
            throw new InvalidCredentialsException("unknown loopback token");
        }
        return Optional.of(user);
    }

    /** How many tokens were issued (for tests). */
    public int size() {
        return users.size();
    }

    private static String digest(String token) {
        try {
            return Base64.getEncoder()
                    .encodeToString(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
