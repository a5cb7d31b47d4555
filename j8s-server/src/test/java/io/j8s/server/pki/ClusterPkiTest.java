package io.j8s.server.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterPkiTest {
    private static final List<String> HOSTS = List.of("127.0.0.1", "localhost", "127.96.0.1");

    @TempDir Path dataDir;

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
            assertThat(
                            PosixFilePermissions.toString(
                                    Files.getPosixFilePermissions(tls.resolve(secret))))
                    .as(secret)
                    .isEqualTo("rw-------");
        }
        X509Certificate serving = pki.serving().certificate();
        serving.verify(pki.ca().certificate().getPublicKey());
        assertThat(sans(serving)).containsExactlyInAnyOrder("127.0.0.1", "localhost", "127.96.0.1");
        assertThat(serving.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(pki.admin().certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=system:admin,O=system:masters");
        assertThat(pki.ca().certificate().getNotAfter().toInstant())
                .isAfter(clock.instant().plus(Duration.ofDays(3649)));
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
        assertThat(second.serviceAccountKeys().getPublic())
                .isEqualTo(first.serviceAccountKeys().getPublic());
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
        assertThat(pki.serving().certificate().getNotAfter().toInstant())
                .isEqualTo(clock.instant().plus(Duration.ofDays(365)));
        assertThat(pki.tls().get())
                .as("new connections get the new certificate")
                .isNotSameAs(context);
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
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only one of");
    }

    @Test
    void everyEcKey_isSec1WithItsPublicKey_asOpensslWritesIt() throws Exception {
        ClusterPki pki = ClusterPki.loadOrCreate(dataDir, HOSTS, clock);
        for (String name : List.of("ca", "serving", "admin")) {
            String pem = Files.readString(dataDir.resolve("tls/" + name + ".key"));
            assertThat(pem).as(name).startsWith("-----BEGIN EC PRIVATE KEY-----");
            X509Certificate cert =
                    Pem.certificate(Files.readString(dataDir.resolve("tls/" + name + ".crt")));
            assertThat(publicKeyOf(pem))
                    .as(name + ": the key pair's public key")
                    .isEqualTo(cert.getPublicKey());
        }
        assertThat(publicKeyOf(pki.admin().keyPem()))
                .isEqualTo(pki.admin().certificate().getPublicKey());
    }

    @Test
    void keysWrittenWithoutTheirPublicKey_areRewrittenAtStart() throws Exception {
        ClusterPki first = ClusterPki.loadOrCreate(dataDir, HOSTS, clock);
        for (String name : List.of("ca", "serving", "admin")) {
            java.security.PrivateKey key =
                    Pem.privateKey(Files.readString(dataDir.resolve("tls/" + name + ".key")));
            Files.writeString(dataDir.resolve("tls/" + name + ".key"), sec1WithoutPublicKey(key));
            assertThatThrownBy(
                            () ->
                                    publicKeyOf(
                                            Files.readString(
                                                    dataDir.resolve("tls/" + name + ".key"))))
                    .as("the old form, as j8s wrote it before")
                    .hasMessageContaining("getPublicKeyInfo()\" is null");
        }
        ClusterPki second = ClusterPki.loadOrCreate(dataDir, HOSTS, clock);
        assertThat(second.admin().certificate()).isEqualTo(first.admin().certificate());
        assertThat(second.ca().certificate()).isEqualTo(first.ca().certificate());
        for (String name : List.of("ca", "serving", "admin")) {
            String pem = Files.readString(dataDir.resolve("tls/" + name + ".key"));
            X509Certificate cert =
                    Pem.certificate(Files.readString(dataDir.resolve("tls/" + name + ".crt")));
            assertThat(publicKeyOf(pem)).as(name).isEqualTo(cert.getPublicKey());
            assertThat(
                            PosixFilePermissions.toString(
                                    Files.getPosixFilePermissions(
                                            dataDir.resolve("tls/" + name + ".key"))))
                    .isEqualTo("rw-------");
        }
    }

    /**
     * The public key of a PEM private key read as client-java reads an EC key: BouncyCastle's key
     * pair.
     */
    private static java.security.PublicKey publicKeyOf(String pem) throws Exception {
        try (var parser = new org.bouncycastle.openssl.PEMParser(new java.io.StringReader(pem))) {
            var pair = (org.bouncycastle.openssl.PEMKeyPair) parser.readObject();
            assertThat(pair.getPrivateKeyInfo()).isNotNull();
            return new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
                    .getKeyPair(pair)
                    .getPublic();
        }
    }

    /**
     * An EC key as j8s wrote it before: SEC1 with the curve but without the optional public key.
     */
    private static String sec1WithoutPublicKey(java.security.PrivateKey key) throws Exception {
        var ec = (java.security.interfaces.ECPrivateKey) key;
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        var sec1 =
                new org.bouncycastle.asn1.sec.ECPrivateKey(
                        ec.getParams().getOrder().bitLength(),
                        ec.getS(),
                        info.getPrivateKeyAlgorithm().getParameters());
        var out = new java.io.StringWriter();
        try (var writer = new org.bouncycastle.util.io.pem.PemWriter(out)) {
            writer.writeObject(
                    new org.bouncycastle.util.io.pem.PemObject(
                            "EC PRIVATE KEY", sec1.getEncoded()));
        }
        return out.toString();
    }
}
