package io.j8s.node.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TokenManagerTest {

    private final Instant t0 = Instant.parse("2026-12-04T00:00:00Z");

    @Test
    void requiresRefresh_after80PercentOfTheTtlOr24Hours() {
        Instant exp = t0.plus(Duration.ofHours(1));
        assertThat(TokenManager.requiresRefresh(t0, exp, t0.plus(Duration.ofMinutes(47))))
                .isFalse();
        assertThat(TokenManager.requiresRefresh(t0, exp, t0.plus(Duration.ofMinutes(48)))).isTrue();
        Instant longExp = t0.plus(Duration.ofDays(10));
        assertThat(TokenManager.requiresRefresh(t0, longExp, t0.plus(Duration.ofHours(23))))
                .isFalse();
        assertThat(TokenManager.requiresRefresh(t0, longExp, t0.plus(Duration.ofHours(24))))
                .isTrue();
    }

    @Test
    void token_requestsABoundTokenOnceAndAgainWhenDue() throws Exception {
        AtomicReference<Instant> now = new AtomicReference<>(t0);
        Clock clock =
                new Clock() {
                    @Override
                    public ZoneOffset getZone() {
                        return ZoneOffset.UTC;
                    }

                    @Override
                    public Clock withZone(java.time.ZoneId z) {
                        return this;
                    }

                    @Override
                    public Instant instant() {
                        return now.get();
                    }
                };
        List<String> requests = new ArrayList<>();
        TokenSource source =
                (ns, sa, aud, secs, podName, podUid) -> {
                    requests.add(
                            ns + "/" + sa + " " + aud + " " + secs + " Pod " + podName + " "
                                    + podUid);
                    return new TokenSource.Token(
                            "t" + requests.size(), now.get().plusSeconds(secs));
                };
        TokenManager m = new TokenManager(source, clock);
        assertThat(m.token("shop", "default", List.of("api"), 3600, "web-1", "uid-1"))
                .isEqualTo("t1");
        now.set(t0.plus(Duration.ofMinutes(30)));
        assertThat(m.token("shop", "default", List.of("api"), 3600, "web-1", "uid-1"))
                .isEqualTo("t1");
        now.set(t0.plus(Duration.ofMinutes(49)));
        assertThat(m.token("shop", "default", List.of("api"), 3600, "web-1", "uid-1"))
                .isEqualTo("t2");
        assertThat(requests)
                .containsExactly(
                        "shop/default [api] 3600 Pod web-1 uid-1",
                        "shop/default [api] 3600 Pod web-1 uid-1");
    }
}
