package io.j8s.proxy.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Ipv4Test {

    @Test
    void isLiteral_acceptsDottedQuadsOnly() {
        assertThat(Ipv4.isLiteral("127.96.0.10")).isTrue();
        assertThat(Ipv4.isLiteral("0.0.0.0")).isTrue();
        assertThat(Ipv4.isLiteral("255.255.255.255")).isTrue();
        assertThat(Ipv4.isLiteral("256.1.1.1")).isFalse();
        assertThat(Ipv4.isLiteral("1.2.3")).isFalse();
        assertThat(Ipv4.isLiteral("1.2.3.4.")).isFalse();
        assertThat(Ipv4.isLiteral("::1")).isFalse();
        assertThat(Ipv4.isLiteral("localhost")).isFalse();
        assertThat(Ipv4.isLiteral("")).isFalse();
        assertThat(Ipv4.isLiteral(null)).isFalse();
    }

    @Test
    void toAddress_convertsWithoutLookup() {
        assertThat(Ipv4.toAddress("127.244.1.200").getHostAddress()).isEqualTo("127.244.1.200");
    }
}
