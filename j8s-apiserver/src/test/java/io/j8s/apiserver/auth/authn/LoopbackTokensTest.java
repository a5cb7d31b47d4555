package io.j8s.apiserver.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.apiserver.auth.UserInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackTokensTest {
    @Test
    void aTokenActsAsItsIdentity() {
        LoopbackTokens tokens = new LoopbackTokens();
        String node = tokens.issue("system:node:n1", List.of("system:nodes"));
        String proxy = tokens.issue("system:kube-proxy", List.of());

        assertThat(tokens.authenticate(node))
                .contains(
                        new UserInfo(
                                "system:node:n1", List.of("system:nodes", UserInfo.AUTHENTICATED)));
        assertThat(tokens.authenticate(proxy).orElseThrow().name()).isEqualTo("system:kube-proxy");
    }

    @Test
    void tokensAreRandomAndLong() {
        LoopbackTokens tokens = new LoopbackTokens();
        String a = tokens.issue("u", List.of());
        String b = tokens.issue("u", List.of());
        assertThat(a).isNotEqualTo(b).startsWith(LoopbackTokens.PREFIX);
        // 256 random bits, base64url without padding
        assertThat(a.length() - LoopbackTokens.PREFIX.length()).isEqualTo(43);
    }

    @Test
    void anotherServersOrAForgedTokenIsRefused_otherTokensAreNotItsBusiness() {
        LoopbackTokens mine = new LoopbackTokens();
        String theirs = new LoopbackTokens().issue("system:admin", List.of("system:masters"));
        mine.issue("u", List.of());

        assertThatThrownBy(() -> mine.authenticate(theirs))
                .isInstanceOf(InvalidCredentialsException.class);
        assertThat(mine.authenticate("some-other-token")).isEmpty();
    }
}
