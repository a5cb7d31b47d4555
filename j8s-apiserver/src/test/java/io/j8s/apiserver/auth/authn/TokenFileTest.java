package io.j8s.apiserver.auth.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.apiserver.auth.UserInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenFileTest {

    @Test
    void parse_readsUsersUidsAndQuotedGroups() {
        TokenFile file =
                TokenFile.parse(
                        """
                t1,alice,1001
                t2,bob,1002,"devs,qa"

                "t,3",carol,1003,ops
                """,
                        "tokens.csv");
        assertThat(file.size()).isEqualTo(3);
        assertThat(file.authenticate("t1"))
                .contains(new UserInfo("alice", List.of(UserInfo.AUTHENTICATED), "1001"));
        assertThat(file.authenticate("t2").orElseThrow().groups())
                .containsExactly("devs", "qa", UserInfo.AUTHENTICATED);
        assertThat(file.authenticate("t,3").orElseThrow().name()).isEqualTo("carol");
        assertThat(file.authenticate("t4")).isEmpty();
    }

    @Test
    void parse_crlfAndDoubledQuotes() {
        TokenFile file = TokenFile.parse("a,\"say \"\"hi\"\"\",1\r\nb,bob,2\r\n", "f");
        assertThat(file.authenticate("a").orElseThrow().name()).isEqualTo("say \"hi\"");
        assertThat(file.authenticate("b").orElseThrow().uid()).isEqualTo("2");
    }

    @Test
    void parse_emptyTokenIsSkipped_duplicateReplaces() {
        TokenFile file = TokenFile.parse(",nobody,0\nt,first,1\nt,second,2\n", "f");
        assertThat(file.size()).isEqualTo(1);
        assertThat(file.authenticate("t").orElseThrow().name()).isEqualTo("second");
    }

    @Test
    void parse_tooFewColumns_namesTheFile() {
        assertThatThrownBy(() -> TokenFile.parse("t,alice\n", "/etc/tokens.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "token file '/etc/tokens.csv' must have at least 3 columns (token, user name, user uid),"
                                + " found 2");
        assertThatThrownBy(() -> TokenFile.parse("\"t,alice,1\n", "f"))
                .hasMessageContaining("quoted-field");
    }
}
