package io.j8s.apiserver.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class JoinTokenTest {
    private static final byte[] CA =
            "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n"
                    .getBytes(StandardCharsets.UTF_8);

    @Test
    void generate_encodeParse_roundTrips() {
        JoinToken token = JoinToken.generate(JoinToken.caHash(CA), new SecureRandom());
        String text = token.encode();
        assertThat(text).matches("K10[0-9a-f]{64}::[a-z0-9]{6}:[a-z0-9]{32}");
        assertThat(JoinToken.parse(text + "\n")).isEqualTo(token);
        assertThat(token.toString()).doesNotContain(token.secret());
        assertThat(token.user()).isEqualTo("system:bootstrap:" + token.id());
    }

    @Test
    void matchesCa_comparesTheHashOfTheBundle() {
        JoinToken token = JoinToken.generate(JoinToken.caHash(CA), new SecureRandom());
        assertThat(token.matchesCa(CA)).isTrue();
        assertThat(token.matchesCa("other".getBytes(StandardCharsets.UTF_8))).isFalse();
    }

    @Test
    void parse_rejectsOtherShapes_withoutEchoingThem() {
        assertThatThrownBy(() -> JoinToken.parse("K10abc::node:secretsecretsecret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secretsecret");
    }

    @Test
    void authenticator_acceptsOnlyTheClustersToken() {
        JoinToken token = JoinToken.generate(JoinToken.caHash(CA), new SecureRandom());
        JoinTokenAuthenticator authenticator = new JoinTokenAuthenticator(token);
        assertThat(authenticator.authenticate(token.encode()).orElseThrow().groups())
                .containsExactly("system:bootstrappers", "system:authenticated");
        assertThat(authenticator.authenticate("not-a-join-token")).isEmpty();
        JoinToken other = new JoinToken(token.caHash(), token.id(), "x".repeat(32));
        assertThatThrownBy(() -> authenticator.authenticate(other.encode()))
                .isInstanceOf(InvalidCredentialsException.class);
    }

    @Test
    void bearerToken_readsTheAuthorizationHeaderAsKubernetes() {
        assertThat(RequestAuthenticator.bearerToken("Bearer abc")).contains("abc");
        assertThat(RequestAuthenticator.bearerToken("  bearer abc  ")).contains("abc");
        assertThat(RequestAuthenticator.bearerToken("Basic abc")).isEmpty();
        assertThat(RequestAuthenticator.bearerToken("Bearer ")).isEmpty();
        assertThat(RequestAuthenticator.bearerToken(null)).isEmpty();
    }
}
