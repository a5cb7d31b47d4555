package io.j8s.server.pki;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Trusts exactly one server certificate, named by the SHA-256 of its DER encoding: how the API
 * server checks the log endpoint of a node agent running in its own process, which publishes that
 * fingerprint on its Node (only the node itself and admins may write it). Host names are still
 * verified by the HTTP client against the certificate's addresses.
 */
public final class PinnedTrust extends ChainOnlyTrustManager {
    private final String sha256;

    /**
     * @param sha256 lower-case hex SHA-256 of the trusted certificate
     */
    public PinnedTrust(String sha256) {
        this.sha256 = sha256.toLowerCase(Locale.ROOT);
    }

    /** The lower-case hex SHA-256 of {@code certificate}'s DER encoding. */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(
                    "cannot fingerprint a certificate: " + e.getMessage(), e);
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the node endpoint presented no certificate");
        }
        String actual = fingerprint(chain[0]);
        if (!actual.equals(sha256)) {
            throw new CertificateException(
                    "the node endpoint's certificate (sha256 "
                            + actual
                            + ") is not the one its Node publishes ("
                            + sha256
                            + ")");
        }
        chain[0].checkValidity();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
            throws CertificateException {
        throw new CertificateException("a pinned trust manager only checks servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
