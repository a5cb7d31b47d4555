package io.j8s.server.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPairGenerator;
import java.security.Security;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

class PemTest {

    @Test
    void anEcKeyReadsAsTheJdksEcKey_evenWithBouncyCastleRegistered() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        String pem = Pem.encode(generator.generateKeyPair().getPrivate());
        boolean added = Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null;
        if (added) {
            Security.addProvider(new BouncyCastleProvider());
        }
        try {
            // TLS signs only with a key whose algorithm is "EC" (a BouncyCastle "ECDSA" key fails
            // every handshake after a restart).
            assertThat(Pem.privateKey(pem).getAlgorithm()).isEqualTo("EC");
        } finally {
            if (added) {
                Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
            }
        }
    }

    @Test
    void anEcKeyWithItsPublicHalfGivenEncodesAsWhenTheHalfIsComputed() throws Exception {
        var keys = KeyPairs.ecdsa();
        String computed = Pem.encode(keys.getPrivate());
        assertThat(Pem.encode(keys.getPrivate(), keys.getPublic())).isEqualTo(computed);
        assertThat(Pem.isCanonicalEcKey(computed)).isTrue();
    }

    @Test
    void otherFormsOfAKeyAreNotCanonical() throws Exception {
        var keys = KeyPairs.ecdsa();
        String canonical = Pem.encode(keys.getPrivate());
        // PKCS#8, as the JDK encodes it
        String pkcs8 =
                "-----BEGIN PRIVATE KEY-----\n"
                        + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                                .encodeToString(keys.getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n";
        assertThat(Pem.isCanonicalEcKey(pkcs8)).isFalse();
        // SEC1 without the public key (what j8s wrote before)
        var info =
                org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(
                        keys.getPrivate().getEncoded());
        var bare =
                new org.bouncycastle.asn1.sec.ECPrivateKey(
                        256,
                        ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS(),
                        info.getPrivateKeyAlgorithm().getParameters());
        var writer = new java.io.StringWriter();
        try (var pem = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(writer)) {
            pem.writeObject(
                    new org.bouncycastle.util.io.pem.PemObject(
                            "EC PRIVATE KEY", bare.getEncoded()));
        }
        assertThat(Pem.isCanonicalEcKey(writer.toString())).isFalse();
        assertThat(Pem.isCanonicalEcKey(canonical + canonical)).isFalse();
        assertThat(Pem.isCanonicalEcKey("not PEM")).isFalse();
        // reading a non-canonical file rewrites it in the canonical form
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pem");
        java.nio.file.Path file = dir.resolve("k.key");
        java.nio.file.Files.writeString(file, pkcs8);
        PrivateFiles.privateKey(file, pkcs8);
        assertThat(java.nio.file.Files.readString(file)).isEqualTo(canonical);
        java.nio.file.Files.delete(file);
        java.nio.file.Files.delete(dir);
    }
}
