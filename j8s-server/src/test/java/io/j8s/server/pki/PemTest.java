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
}
