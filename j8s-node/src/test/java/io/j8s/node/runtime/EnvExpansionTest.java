package io.j8s.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvExpansionTest {

    private static final Map<String, String> VARS =
            Map.of(
                    "VAR_A",
                    "A",
                    "VAR_B",
                    "B",
                    "VAR_C",
                    "C",
                    "VAR_REF",
                    "$(VAR_A)",
                    "VAR_EMPTY",
                    "");

    // Cases from the Kubernetes expansion tests' table, expressed as input -> expected.
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "$(VAR_A)|A",
                "___$(VAR_B)___|___B___",
                "___$(VAR_C)|___C",
                "$(VAR_A)-$(VAR_A)|A-A",
                "$(VAR_A)-1|A-1",
                "$(VAR_A)_$(VAR_B)_$(VAR_C)|A_B_C",
                "$$(VAR_B)_$(VAR_A)|$(VAR_B)_A",
                "$$(VAR_A)$$(VAR_A)|$(VAR_A)$(VAR_A)",
                "f000-$$VAR_A|f000-$VAR_A",
                "foo\\$(VAR_C)bar|foo\\Cbar",
                "foo\\\\$(VAR_C)bar|foo\\\\Cbar",
                "$(VAR_REF)|$(VAR_A)",
                "foo$(VAR_EMPTY)bar|foobar",
                "$(VAR_DNE)|$(VAR_DNE)",
                "$(VAR_A)$(VAR_DNE)|A$(VAR_DNE)",
                "$(VAR_A|$(VAR_A",
                "$VAR_A|$VAR_A",
                "$|$",
                "foo$|foo$",
                "$(|$(",
                "$()|$()",
                "$$$$|$$",
                "$$$(VAR_A)|$A",
                "$(VAR_A)$$|A$",
                "--$(VAR_A)=$(VAR_B)|--A=B",
            })
    void expand_matchesKubernetes(String input, String expected) {
        assertThat(EnvExpansion.expand(input, VARS)).isEqualTo(expected);
    }

    @Test
    void expand_leavesStringsWithoutDollarAlone() {
        String s = "plain text";
        assertThat(EnvExpansion.expand(s, VARS)).isSameAs(s);
        assertThat(EnvExpansion.expand("", VARS)).isEmpty();
    }
}
