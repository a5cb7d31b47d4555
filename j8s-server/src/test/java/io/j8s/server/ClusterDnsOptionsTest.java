package io.j8s.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.dns.DnsSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code --cluster-domain}, {@code --cluster-dns}, {@code --cluster-dns-forward}. */
class ClusterDnsOptionsTest {

    @Test
    void theDnsAddressIsTheTenthOfTheServiceRange_unlessGiven() {
        ServerOptions defaults = ServerOptions.defaults(Path.of("/tmp/x"));
        assertThat(defaults.clusterDnsAddress()).isEqualTo("127.96.0.10");
        assertThat(defaults.clusterDomain()).isEqualTo("cluster.local");
        assertThat(defaults.withRanges("127.97.0.0/16", "127.245.0.0/16").clusterDnsAddress())
                .isEqualTo("127.97.0.10");
        assertThat(
                        defaults.withClusterDns(
                                        new ClusterDnsOptions(
                                                true,
                                                "Corp.Example.",
                                                "127.96.0.53",
                                                DnsSettings.ForwardMode.REFUSE))
                                .clusterDnsAddress())
                .isEqualTo("127.96.0.53");
        assertThat(
                        new ClusterDnsOptions(
                                        true, "Corp.Example.", null, DnsSettings.ForwardMode.HOST)
                                .domain())
                .isEqualTo("corp.example");
    }

    @Test
    void badValuesAreRefusedWithTheFlagsName() {
        assertThat(run("--cluster-dns-forward", "sometimes"))
                .contains("--cluster-dns-forward must be host or refuse, got sometimes");
        assertThat(run("--cluster-dns", "127.96.0"))
                .contains("--cluster-dns must be an IPv4 address, got 127.96.0");
        assertThat(run("--cluster-domain", "bad_domain"))
                .contains("the cluster domain 'bad_domain' is not a DNS name");
        assertThatThrownBy(() -> DnsSettings.normalizeDomain("."))
                .hasMessageContaining("1..253 characters");
    }

    /**
     * Runs {@code j8s server args} in process and returns what it printed on stderr; only for
     * arguments it refuses before starting (the command reports them through a CommandLine of its
     * own, which prints on System.err).
     */
    private static synchronized String run(String... args) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(
                new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            StringWriter err = new StringWriter();
            picocli.CommandLine cmd = new picocli.CommandLine(new ServerCommand());
            cmd.setErr(new PrintWriter(err));
            int code = cmd.execute(args);
            assertThat(code).isEqualTo(2);
            return err + bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            System.setErr(saved);
        }
    }
}
