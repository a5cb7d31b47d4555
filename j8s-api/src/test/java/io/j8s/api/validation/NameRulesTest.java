package io.j8s.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameRulesTest {

    @Test
    void dns1123Label() {
        assertThat(NameRules.dns1123Label("my-name")).isEmpty();
        assertThat(NameRules.dns1123Label("My_Name"))
                .containsExactly(
                        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
        assertThat(NameRules.dns1123Label("a".repeat(64)))
                .containsExactly("must be no more than 63 characters");
    }

    @Test
    void dns1123SubdomainAndDns1035() {
        assertThat(NameRules.dns1123Subdomain("my-nginx-2hx6f74kb9-4b4ps")).isEmpty();
        assertThat(NameRules.dns1123Subdomain("a.b.c")).isEmpty();
        assertThat(NameRules.dns1123Subdomain("-x"))
                .containsExactly(
                        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        assertThat(NameRules.dns1035Label("1abc"))
                .containsExactly(
                        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
    }

    @Test
    void qualifiedNamesAndLabelValues() {
        assertThat(NameRules.qualifiedName("app")).isEmpty();
        assertThat(NameRules.qualifiedName("kubernetes.io/service-name")).isEmpty();
        assertThat(NameRules.qualifiedName("/x")).containsExactly("prefix part must be non-empty");
        assertThat(NameRules.qualifiedName("a/b/c"))
                .hasSize(1)
                .first()
                .asString()
                .startsWith("a qualified name must consist of");
        assertThat(NameRules.labelValue("")).isEmpty();
        assertThat(NameRules.labelValue("-bad"))
                .containsExactly(
                        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    }

    @Test
    void ianaServiceNames() {
        assertThat(NameRules.ianaSvcName("http")).isEmpty();
        assertThat(NameRules.ianaSvcName("80"))
                .containsExactly("must contain at least one letter (a-z)");
        assertThat(NameRules.ianaSvcName("a--b"))
                .containsExactly("must not contain consecutive hyphens");
    }
}
