package io.j8s.node.volume;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caches service account tokens per (namespace, service account, audiences, expiration, Pod UID),
 * as the kubelet's token manager: a token is requested again once 80% of its lifetime has passed,
 * or when it is older than 24 hours. Thread-safe.
 */
public final class TokenManager {

    static final Duration MAX_TTL = Duration.ofHours(24);

    private record Key(
            String namespace, String sa, List<String> audiences, long seconds, String podUid) {}

    private record Entry(TokenSource.Token token, Instant issuedAt) {}

    private final TokenSource source;
    private final Clock clock;
    private final Map<Key, Entry> cache = new ConcurrentHashMap<>();

    public TokenManager(TokenSource source, Clock clock) {
        this.source = source;
        this.clock = clock;
    }

    /** A valid token, from the cache or a new TokenRequest. */
    public String token(
            String namespace,
            String sa,
            List<String> audiences,
            long expirationSeconds,
            String podName,
            String podUid)
            throws IOException {
        Key key = new Key(namespace, sa, List.copyOf(audiences), expirationSeconds, podUid);
        Entry e = cache.get(key);
        Instant now = clock.instant();
        if (e != null && !requiresRefresh(e, now)) {
            return e.token().token();
        }
        TokenSource.Token t =
                source.request(namespace, sa, audiences, expirationSeconds, podName, podUid);
        cache.put(key, new Entry(t, now));
        return t.token();
    }

    /** Drops the tokens of a Pod that is gone. */
    public void forget(String podUid) {
        cache.keySet().removeIf(k -> k.podUid().equals(podUid));
    }

    static boolean requiresRefresh(Entry e, Instant now) {
        Instant exp = e.token().expiration();
        if (exp == null || !now.isBefore(exp)) {
            return true;
        }
        Duration ttl = Duration.between(e.issuedAt(), exp);
        Instant refreshAt = e.issuedAt().plusMillis(ttl.toMillis() * 8 / 10);
        return !now.isBefore(refreshAt) || !now.isBefore(e.issuedAt().plus(MAX_TTL));
    }

    /**
     * For tests: whether a token issued at {@code issuedAt} expiring at {@code exp} is refreshed at
     * {@code now}.
     */
    static boolean requiresRefresh(Instant issuedAt, Instant exp, Instant now) {
        return requiresRefresh(new Entry(new TokenSource.Token("", exp), issuedAt), now);
    }
}
