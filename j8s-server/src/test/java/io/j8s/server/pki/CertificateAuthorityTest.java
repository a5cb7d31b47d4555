package io.j8s.server.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
    private final CertificateAuthority ca =
            CertificateAuthority.create("test-ca", Duration.ofDays(30), Clock.systemUTC());

    @Test
    void issueClient_carriesUserAndGroups_forClientAuthOnly() throws Exception {
        KeyPair keys = KeyPairs.ecdsa();
        X509Certificate cert =
                ca.issueClient(
                        "alice", List.of("devs", "qa"), keys.getPublic(), Duration.ofDays(1));
        cert.verify(ca.certificate().getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=alice,O=qa,O=devs");
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    }

    @Test
    void issue_neverOutlastsTheCa() {
        X509Certificate cert =
                ca.issueClient(
                        "alice", List.of(), KeyPairs.ecdsa().getPublic(), Duration.ofDays(365));
        assertThat(cert.getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
    }

    @Test
    void issueClientForRequest_usesTheRequestsKey_andOurSubject() throws Exception {
        KeyPair keys = KeyPairs.ecdsa();
        PKCS10CertificationRequest request =
                new JcaPKCS10CertificationRequestBuilder(
                                new X500Name("CN=system:admin," + "O=system:masters"),
                                keys.getPublic())
                        .build(
                                new JcaContentSignerBuilder("SHA256withECDSA")
                                        .build(keys.getPrivate()));
        Identity node = Identity.node("n1");
        X509Certificate cert =
                ca.issueClientForRequest(node.user(), node.groups(), request, Duration.ofDays(1));
        assertThat(cert.getPublicKey()).isEqualTo(keys.getPublic());
        assertThat(cert.getSubjectX500Principal().getName())
                .isEqualTo("CN=system:node:n1,O=system:nodes");
    }

    @Test
    void issueClientForRequest_refusesARequestSignedWithAnotherKey() throws Exception {
        KeyPair keys = KeyPairs.ecdsa();
        PKCS10CertificationRequest request =
                new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keys.getPublic())
                        .build(
                                new JcaContentSignerBuilder("SHA256withECDSA")
                                        .build(KeyPairs.ecdsa().getPrivate()));
        assertThatThrownBy(
                        () -> ca.issueClientForRequest("x", List.of(), request, Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not verify");
    }

    @Test
    void pem_roundTripsCertificatesAndKeys() {
        KeyPair keys = KeyPairs.ecdsa();
        X509Certificate cert =
                ca.issueClient("alice", List.of(), keys.getPublic(), Duration.ofDays(1));
        assertThat(Pem.certificate(Pem.encode(cert))).isEqualTo(cert);
        assertThat(Pem.encode(keys.getPrivate())).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(
                        ((java.security.interfaces.ECPrivateKey)
                                        Pem.privateKey(Pem.encode(keys.getPrivate())))
                                .getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS());
        KeyPair rsa = KeyPairs.rsa();
        assertThat(Pem.privateKey(Pem.encode(rsa.getPrivate())).getEncoded())
                .isEqualTo(rsa.getPrivate().getEncoded());
    }
}
