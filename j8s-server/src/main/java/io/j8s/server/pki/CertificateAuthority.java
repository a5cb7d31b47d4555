package io.j8s.server.pki;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * The cluster CA: a self-signed ECDSA certificate and its key, issuing serving and client
 * certificates. Validity starts a minute in the past (clock skew) and never outlasts the CA. The
 * clock is injected so tests can age certificates. Thread safe (immutable; key generation and
 * signing are stateless).
 */
public final class CertificateAuthority {
    private static final Duration SKEW = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;
    private final Clock clock;

    private CertificateAuthority(X509Certificate certificate, PrivateKey key, Clock clock) {
        this.certificate = certificate;
        this.key = key;
        this.clock = clock;
    }

    /** A new self-signed CA named {@code commonName}, valid for {@code validity}. */
    public static CertificateAuthority create(String commonName, Duration validity, Clock clock) {
        KeyPair pair = KeyPairs.ecdsa();
        Instant now = clock.instant();
        X500Name name = name(commonName, List.of());
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder =
                    new JcaX509v3CertificateBuilder(
                                    name,
                                    serial(),
                                    Date.from(now.minus(SKEW)),
                                    Date.from(now.plus(validity)),
                                    name,
                                    pair.getPublic())
                            .addExtension(
                                    Extension.basicConstraints, true, new BasicConstraints(true))
                            .addExtension(
                                    Extension.keyUsage,
                                    true,
                                    new KeyUsage(
                                            KeyUsage.keyCertSign
                                                    | KeyUsage.cRLSign
                                                    | KeyUsage.digitalSignature))
                            .addExtension(
                                    Extension.subjectKeyIdentifier,
                                    false,
                                    utils.createSubjectKeyIdentifier(pair.getPublic()));
            return new CertificateAuthority(
                    sign(builder, pair.getPrivate()), pair.getPrivate(), clock);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException(
                    "cannot create the CA certificate: " + e.getMessage(), e);
        }
    }

    /** The CA of an existing certificate and key. */
    public static CertificateAuthority of(
            X509Certificate certificate, PrivateKey key, Clock clock) {
        return new CertificateAuthority(certificate, key, clock);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * This CA issuing at {@code other}'s time (tests make certificates that are already expired).
     */
    public CertificateAuthority at(Clock other) {
        return new CertificateAuthority(certificate, key, other);
    }

    PrivateKey key() {
        return key;
    }

    /** A client certificate: CN is the user, each organization a group. */
    public X509Certificate issueClient(
            String user, List<String> groups, PublicKey subjectKey, Duration validity) {
        return issue(name(user, groups), subjectKey, validity, KeyPurposeId.id_kp_clientAuth, null);
    }

    /** A serving certificate for {@code hosts}: IP addresses become IP SANs, the rest DNS SANs. */
    public X509Certificate issueServing(
            String commonName, List<String> hosts, PublicKey subjectKey, Duration validity) {
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            names.add(
                    isIpAddress(host)
                            ? new GeneralName(GeneralName.iPAddress, host)
                            : new GeneralName(GeneralName.dNSName, host));
        }
        return issue(
                name(commonName, List.of()),
                subjectKey,
                validity,
                KeyPurposeId.id_kp_serverAuth,
                new GeneralNames(names.toArray(GeneralName[]::new)));
    }

    /**
     * A client certificate for the key of a PKCS#10 request whose signature proves possession of
     * it; the subject is {@code user}/{@code groups}, whatever the request asked for.
     *
     * @throws IllegalArgumentException when the request's signature does not verify
     */
    public X509Certificate issueClientForRequest(
            String user,
            List<String> groups,
            PKCS10CertificationRequest request,
            Duration validity) {
        try {
            JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(request);
            PublicKey subjectKey = jca.getPublicKey();
            if (!request.isSignatureValid(
                    new JcaContentVerifierProviderBuilder().build(subjectKey))) {
                throw new IllegalArgumentException("the request's signature does not verify");
            }
            return issueClient(user, groups, subjectKey, validity);
        } catch (GeneralSecurityException | OperatorCreationException | PKCSException e) {
            throw new IllegalArgumentException(
                    "unusable certificate request: " + e.getMessage(), e);
        }
    }

    private X509Certificate issue(
            X500Name subject,
            PublicKey subjectKey,
            Duration validity,
            KeyPurposeId purpose,
            GeneralNames altNames) {
        Instant now = clock.instant();
        Instant notAfter = now.plus(validity);
        Instant caEnd = certificate.getNotAfter().toInstant();
        if (notAfter.isAfter(caEnd)) {
            notAfter = caEnd;
        }
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder =
                    new JcaX509v3CertificateBuilder(
                                    certificate,
                                    serial(),
                                    Date.from(now.minus(SKEW)),
                                    Date.from(notAfter),
                                    subject,
                                    subjectKey)
                            .addExtension(
                                    Extension.basicConstraints, true, new BasicConstraints(false))
                            .addExtension(
                                    Extension.keyUsage,
                                    true,
                                    new KeyUsage(
                                            KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                            .addExtension(
                                    Extension.extendedKeyUsage,
                                    false,
                                    new ExtendedKeyUsage(purpose))
                            .addExtension(
                                    Extension.authorityKeyIdentifier,
                                    false,
                                    utils.createAuthorityKeyIdentifier(certificate));
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            return sign(builder, key);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException(
                    "cannot issue a certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signingKey)
            throws GeneralSecurityException {
        try {
            // A key read back from a PEM key pair is BouncyCastle's, whose algorithm is "ECDSA".
            boolean ec = signingKey instanceof java.security.interfaces.ECPrivateKey;
            ContentSigner signer =
                    new JcaContentSignerBuilder(ec ? "SHA256withECDSA" : "SHA256withRSA")
                            .build(signingKey);
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    static X500Name name(String commonName, List<String> organizations) {
        X500NameBuilder builder = new X500NameBuilder(BCStyle.INSTANCE);
        for (String organization : organizations) {
            builder.addRDN(BCStyle.O, organization);
        }
        builder.addRDN(BCStyle.CN, commonName);
        return builder.build();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    static boolean isIpAddress(String host) {
        if (host.contains(":")) {
            return true;
        }
        if (!host.matches("[0-9.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
