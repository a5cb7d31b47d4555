package io.j8s.proxy.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class BindFailuresTest {

    @Test
    void describe_privilegedPortDenied_explainsTheFix() {
        String message =
                BindFailures.describe(
                        new InetSocketAddress("127.96.0.10", 80),
                        new SocketException("bind(..) failed: Permission denied"));

        assertThat(message)
                .isEqualTo(
                        "binding 127.96.0.10:80 needs root or CAP_NET_BIND_SERVICE;"
                                + " run as root, grant the capability, or use a port ≥ 1024");
    }

    @Test
    void describe_addressInUse_saysSo() {
        String message =
                BindFailures.describe(
                        new InetSocketAddress("127.96.0.10", 8080),
                        new BindException("Address already in use"));

        assertThat(message).contains("127.96.0.10:8080").contains("already in use");
    }

    @Test
    void describe_nonLocalAddress_saysSo() {
        String message =
                BindFailures.describe(
                        new InetSocketAddress("127.96.0.10", 8080),
                        new RuntimeException(
                                "wrapped", new BindException("Cannot assign requested address")));

        assertThat(message).contains("is not an address of this host");
    }

    @Test
    void describe_otherErrors_keepTheCause() {
        String message =
                BindFailures.describe(
                        new InetSocketAddress("127.96.0.10", 8080),
                        new IllegalStateException("weird"));

        assertThat(message).startsWith("binding 127.96.0.10:8080 failed:").contains("weird");
    }
}
