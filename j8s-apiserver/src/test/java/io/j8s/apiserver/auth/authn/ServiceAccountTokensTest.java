package io.j8s.apiserver.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.apiserver.auth.UserInfo;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceAccountTokensTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String ISSUER = ServiceAccountTokens.DEFAULT_ISSUER;
    private static final KeyPair KEYS = rsa();

    private final Map<String, String> accounts = new HashMap<>(Map.of("team/robot", "uid-1"));
    private Instant now = T0;
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final ServiceAccountTokens tokens = new ServiceAccountTokens(KEYS, ISSUER, List.of(ISSUER), clock,
            (ns, name) -> Optional.ofNullable(accounts.get(ns + "/" + name)));

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String issue(List<String> audiences) {
        return tokens.issue("team", "robot", "uid-1", audiences, Duration.ofHours(1)).token();
    }

    @Test
    void issued_authenticatesAsTheServiceAccount() {
        ServiceAccountTokens.Issued issued = tokens.issue("team", "robot", "uid-1", List.of(ISSUER), Duration.ofHours(1));
        assertThat(issued.expiration()).isEqualTo(T0.plus(Duration.ofHours(1)));
        assertThat(issued.toString()).doesNotContain(issued.token());
        UserInfo user = tokens.authenticate(issued.token()).orElseThrow();
        assertThat(user.name()).isEqualTo("system:serviceaccount:team:robot");
        assertThat(user.uid()).isEqualTo("uid-1");
        assertThat(user.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:team",
                UserInfo.AUTHENTICATED);
        String claims = new String(Base64.getUrlDecoder().decode(issued.token().split("\\.")[1]),
                StandardCharsets.UTF_8);
        assertThat(claims).contains("\"sub\":\"system:serviceaccount:team:robot\"", "\"iss\":\"" + ISSUER + "\"",
                "\"kubernetes.io\":{\"namespace\":\"team\",\"serviceaccount\":{\"name\":\"robot\",\"uid\":\"uid-1\"}}");
    }

    @Test
    void expired_isRejectedAfterTheLeeway() {
        String token = issue(List.of(ISSUER));
        now = T0.plus(Duration.ofMinutes(60)).plusSeconds(30);
        assertThat(tokens.authenticate(token)).isPresent();
        now = T0.plus(Duration.ofMinutes(62));
        assertThatThrownBy(() -> tokens.authenticate(token)).isInstanceOf(InvalidCredentialsException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void tampered_isRejected() {
        String[] parts = issue(List.of(ISSUER)).split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(
                Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("robot", "admin")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> tokens.authenticate(parts[0] + "." + forged + "." + parts[2]))
                .hasMessageContaining("signature does not verify");
    }

    @Test
    void otherKey_otherAudience_deletedOrRecreatedAccount_areRejected() {
        ServiceAccountTokens foreign = new ServiceAccountTokens(rsa(), ISSUER, List.of(ISSUER), clock,
                (ns, name) -> Optional.of("uid-1"));
        String fromElsewhere = foreign.issue("team", "robot", "uid-1", List.of(ISSUER), Duration.ofHours(1)).token();
        assertThatThrownBy(() -> tokens.authenticate(fromElsewhere)).hasMessageContaining("signature");
        assertThatThrownBy(() -> tokens.authenticate(issue(List.of("vault")))).hasMessageContaining("audiences");
        String token = issue(List.of(ISSUER));
        accounts.put("team/robot", "uid-2");
        assertThatThrownBy(() -> tokens.authenticate(token)).hasMessageContaining("recreated");
        accounts.remove("team/robot");
        assertThatThrownBy(() -> tokens.authenticate(token)).hasMessageContaining("deleted");
    }

    @Test
    void notAJwtOfThisIssuer_isLeftToOthers() {
        assertThat(tokens.authenticate("plain-token")).isEmpty();
        String other = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"RS256\"}".getBytes()) + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString("{\"iss\":\"https://dex\"}".getBytes()) + ".x";
        assertThat(tokens.authenticate(other)).isEmpty();
    }
}
