package io.j8s.apiserver.apiextensions.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RE2 syntax as Go's regexp/syntax reads it. */
class GoRegexTest {

    static boolean m(String re, String s) throws Exception {
        return GoRegex.matches(GoRegex.compile(re), s);
    }

    @Test
    void goSemantics() throws Exception {
        assertThat(m("^a$", "a\n")).isFalse(); // Go: $ is end of text
        assertThat(m("(?m)^a$", "a\nb")).isTrue();
        assertThat(m("[[:alpha:]]+", "abc")).isTrue();
        assertThat(m("^[a&&b]$", "&")).isTrue(); // && is literal in Go
        assertThat(m("^\\s$", "\u000b")).isFalse(); // Go \s excludes \v
        assertThat(m("(?P<x>a)", "a")).isTrue();
        assertThat(m("^\\101$", "A")).isTrue(); // octal
        assertThat(m("^a{2}$", "aa")).isTrue();
        assertThat(m("^(a{1,2}?)a$", "aa")).isTrue(); // a lazy repeat
        assertThat(m("^x{,2}$", "x{,2}")).isTrue(); // not a repeat in Go
        assertThat(m("b", "abc")).isTrue(); // unanchored search
        assertThat(m("\\bé", "aé")).isTrue(); // Go's \b: é is not a word character
        assertThat(m("a\\b", "a b")).isTrue();
        assertThat(m("a\\B", "ab")).isTrue();
    }

    @Test
    void rejectsWhatGoRejects() {
        for (String re :
                new String[] {
                    "(?=a)", "(?!a)", "(?<=a)", "a*+", "a{2}*", "\\1", "a{1001}", "\\Z", "(?U)a",
                    "[a"
                }) {
            assertThatThrownBy(() -> GoRegex.compile(re))
                    .as(re)
                    .isInstanceOf(GoRegex.SyntaxException.class);
        }
    }

    @Test
    void commonCrdPatterns() throws Exception {
        // patterns as operators' CRDs write them (resource quantities, DNS names, durations)
        String quantity =
                "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?"
                        + "(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";
        assertThat(m(quantity, "500Mi")).isTrue();
        assertThat(m(quantity, "5 Mi")).isFalse();
        String dns = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
        assertThat(m(dns, "my.example-1.com")).isTrue();
        assertThat(m(dns, "-x")).isFalse();
        assertThat(m("^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$", "1h30m")).isTrue();
        assertThat(m("^[A-Za-z0-9+/]*={0,2}$", "aGk=")).isTrue();
        assertThat(m("^[-_a-zA-Z0-9]+$", "a_b-c")).isTrue();
        assertThat(m("^(?i:abc)$", "ABC")).isTrue();
        assertThat(m("^[^/]+$", "a/b")).isFalse();
    }
}
