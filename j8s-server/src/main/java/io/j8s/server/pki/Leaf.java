package io.j8s.server.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * A certificate issued by the cluster CA and its private key. Immutable; {@link #toString()} hides
 * the key.
 */
public record Leaf(X509Certificate certificate, PrivateKey key) {

    public String certificatePem() {
        return Pem.encode(certificate);
    }

    public String keyPem() {
        return Pem.encode(key, certificate.getPublicKey());
    }

    /** Whether the certificate expires within {@code margin} of {@code now} (or already has). */
    public boolean expiresWithin(Duration margin, Instant now) {
        return certificate.getNotAfter().toInstant().minus(margin).isBefore(now);
    }

    @Override
    public String toString() {
        return "Leaf["
                + certificate.getSubjectX500Principal()
                + ", until "
                + certificate.getNotAfter().toInstant()
                + "]";
    }
}
