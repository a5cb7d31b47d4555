package io.j8s.server.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import io.j8s.testkit.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterPkiTest {
    private static final List<String> HOSTS = List.of("127.0.0.1", "localhost", "127.96.0.1");

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private static List<String> sans(X509Certificate cert) throws Exception {
        List<String> out = new ArrayList<>();
        for (List<?> san : cert.getSubjectAlternativeNames()) {
            out.add(String.valueOf(san.get(1)));
        }
        return out;
    }

    @Test
    void firstStart_createsEverything_withSecretsOwnerOnly() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dataDir, HOSTS, clock);
        Path tls = dataDir.resolve("tls");
        for (String secret : List.of("ca.key", "serving.key", "admin.key", "service-account.key")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(secret))))
                    .as(secret).isEqualTo("rw-------");
        }
        X509Certificate serving = pki.serving().certificate();
        serving.verify(pki.ca().certificate().getPublicKey());
        assertThat(sans(serving)).containsExactlyInAnyOrder("127.0.0.1", "localhost", "127.96.0.1");
        assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(pki.admin().certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=system:admin,O=system:masters");
        assertThat(pki.ca().certificate().getNotAfter().toInstant()).isAfter(
                clock.instant().plus(Duration.ofDays(3649)));
        assertThat(pki.tls().get()).isNotNull();
    }

    @Test
    void restart_reusesTheSameCertificates() {
        ClusterPki first = ClusterPki.loadOrCreate(dataDir, HOSTS, clock);
        clock.advance(Duration.ofDays(100));
        ClusterPki second = ClusterPki.loadOrCreate(dataDir, HOSTS, clock);
        assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
        assertThat(second.serving().certificate()).isEqualTo(first.serving().certificate());
        assertThat(second.admin().certificate()).isEqualTo(first.admin().certificate());
        assertThat(second.serviceAccountKeys().getPublic()).isEqualTo(first.serviceAccountKeys().getPublic());
        assertThat(second.caPem()).isEqualTo(first.caPem());
    }

    @Test
    void renewIfNeeded_reissuesLeavesNinetyDaysBeforeTheyExpire() {
        ClusterPki pki = ClusterPki.loadOrCreate(dataDir, HOSTS, clock);
        X509Certificate serving = pki.serving().certificate();
        var context = pki.tls().get();
        clock.advance(Duration.ofDays(200));
        assertThat(pki.renewIfNeeded()).isFalse();
        assertThat(pki.serving().certificate()).isEqualTo(serving);
        clock.advance(Duration.ofDays(80));
        assertThat(pki.renewIfNeeded()).as("the admin certificate was renewed").isTrue();
        assertThat(pki.serving().certificate()).isNotEqualTo(serving);
        assertThat(pki.serving().certificate().getNotAfter().toInstant()).isEqualTo(
                clock.instant().plus(Duration.ofDays(365)));
        assertThat(pki.tls().get()).as("new connections get the new certificate").isNotSameAs(context);
        assertThat(ClusterPki.loadOrCreate(dataDir, HOSTS, clock).serving().certificate())
                .isEqualTo(pki.serving().certificate());
    }

    @Test
    void changedSans_reissueTheServingCertificate() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dataDir, HOSTS, clock);
        List<String> more = new ArrayList<>(HOSTS);
        more.add("j8s.example.test");
        ClusterPki again = ClusterPki.loadOrCreate(dataDir, more, clock);
        assertThat(again.ca().certificate()).isEqualTo(pki.ca().certificate());
        assertThat(sans(again.serving().certificate())).contains("j8s.example.test");
    }

    @Test
    void halfACa_isAnError() throws Exception {
        ClusterPki.loadOrCreate(dataDir, HOSTS, clock);
        Files.delete(dataDir.resolve("tls/ca.key"));
        assertThatThrownBy(() -> ClusterPki.loadOrCreate(dataDir, HOSTS, clock))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("only one of");
    }
}
