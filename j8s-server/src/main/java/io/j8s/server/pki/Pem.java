package io.j8s.server.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PEM encoding and decoding of certificates, keys and certificate requests (BouncyCastle). */
public final class Pem {
    private Pem() {}

    /** One certificate as PEM. */
    public static String encode(X509Certificate certificate) {
        return write(certificate);
    }

    /**
     * A private key in the traditional OpenSSL form ({@code BEGIN EC PRIVATE KEY}, {@code BEGIN RSA
     * PRIVATE KEY}), as kubeadm and k3s write them, which kubectl, fabric8, the Java and Python
     * Kubernetes clients, curl and openssl all read from a kubeconfig or a file.
     */
    public static String encode(PrivateKey key) {
        return encode(key, null);
    }

    /**
     * {@link #encode(PrivateKey)}, given the key's public half (an EC key's public point is then
     * copied from it rather than computed from the private key, curve arithmetic that costs a few
     * milliseconds in a fresh JVM), or null.
     */
    public static String encode(PrivateKey key, PublicKey publicKey) {
        if (!(key instanceof java.security.interfaces.ECPrivateKey ec)) {
            return write(key);
        }
        // SEC1 with the named curve inside, as Go's x509.ParseECPrivateKey needs it (the generic
        // conversion leaves the curve in the PKCS#8 wrapper only), and with the optional public
        // key,
        // as `openssl ecparam -genkey` writes it: the Java client (io.kubernetes:client-java) reads
        // an EC key as a key pair and fails on a SEC1 key without it.
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
            ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
            X9ECParameters parameters =
                    ECNamedCurveTable.getByOID(ASN1ObjectIdentifier.getInstance(curve));
            if (parameters == null) {
                throw new IllegalArgumentException("not a named curve: " + curve);
            }
            byte[] point;
            if (publicKey instanceof java.security.interfaces.ECPublicKey) {
                // the uncompressed point, as the X.509 encoding of the JDK's EC keys holds it
                point =
                        SubjectPublicKeyInfo.getInstance(publicKey.getEncoded())
                                .getPublicKeyData()
                                .getBytes();
            } else {
                ECPoint q =
                        new FixedPointCombMultiplier()
                                .multiply(parameters.getG(), ec.getS())
                                .normalize();
                point = q.getEncoded(false);
            }
            var sec1 =
                    new org.bouncycastle.asn1.sec.ECPrivateKey(
                            ec.getParams().getOrder().bitLength(),
                            ec.getS(),
                            new DERBitString(point),
                            curve);
            return write(
                    new org.bouncycastle.util.io.pem.PemObject(
                            "EC PRIVATE KEY", sec1.getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether {@code pem} is one EC private key as {@link #encode(PrivateKey)} writes it (SEC1 with
     * the named curve and the public key inside, one PEM block): telling it without decoding the
     * key or computing anything on the curve.
     */
    public static boolean isCanonicalEcKey(String pem) {
        try (org.bouncycastle.util.io.pem.PemReader reader =
                new org.bouncycastle.util.io.pem.PemReader(new StringReader(pem))) {
            org.bouncycastle.util.io.pem.PemObject object = reader.readPemObject();
            if (object == null
                    || !object.getType().equals("EC PRIVATE KEY")
                    || reader.readPemObject() != null) {
                return false;
            }
            var sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(object.getContent());
            return sec1.getParametersObject() != null
                    && sec1.getPublicKey() != null
                    && write(object).equals(pem);
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    public static String encode(PublicKey key) {
        return write(key);
    }

    public static String encode(PKCS10CertificationRequest request) {
        return write(request);
    }

    private static String write(Object object) {
        try {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                writer.writeObject(object);
            }
            return out.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every certificate of a PEM bundle, in order. @throws IllegalArgumentException when there is
     * none
     */
    public static List<X509Certificate> certificates(String pem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (Object o : objects(pem)) {
                if (o instanceof org.bouncycastle.cert.X509CertificateHolder holder) {
                    out.add(
                            (X509Certificate)
                                    factory.generateCertificate(
                                            new java.io.ByteArrayInputStream(holder.getEncoded())));
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no certificate in the PEM data");
            }
            return out;
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException("unreadable certificate: " + e.getMessage(), e);
        }
    }

    public static X509Certificate certificate(String pem) {
        return certificates(pem).get(0);
    }

    /**
     * The private key of a PEM file (PKCS#8, or the traditional RSA/EC forms), as a key of the
     * JDK's own providers. BouncyCastle's converter asks for an "ECDSA" key factory, which a JVM
     * with the BouncyCastle provider registered (fabric8 registers it when it reads an EC client
     * key) answers with a key whose algorithm is "ECDSA"; the JDK's TLS then finds no signature
     * scheme for it and fails every handshake ({@link InMemoryKeyManager} hands the key to TLS as
     * it is).
     */
    public static PrivateKey privateKey(String pem) {
        try {
            for (Object o : objects(pem)) {
                if (o instanceof PrivateKeyInfo info) {
                    return jdkPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return jdkPrivateKey(pair.getPrivateKeyInfo());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no private key in the PEM data");
    }

    private static PrivateKey jdkPrivateKey(PrivateKeyInfo info) throws IOException {
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        String algorithm =
                switch (oid) {
                    case "1.2.840.10045.2.1" -> "EC";
                    case "1.2.840.113549.1.1.1" -> "RSA";
                    default -> null;
                };
        if (algorithm == null) {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        }
        try {
            return java.security.KeyFactory.getInstance(algorithm)
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(info.getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public static PublicKey publicKey(String pem) {
        try {
            for (Object o : objects(pem)) {
                if (o instanceof SubjectPublicKeyInfo info) {
                    return new JcaPEMKeyConverter().getPublicKey(info);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable public key: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no public key in the PEM data");
    }

    /** A PKCS#10 request. @throws IllegalArgumentException when there is none */
    public static PKCS10CertificationRequest certificationRequest(String pem) {
        for (Object o : objects(pem)) {
            if (o instanceof PKCS10CertificationRequest request) {
                return request;
            }
        }
        throw new IllegalArgumentException("no certificate request in the PEM data");
    }

    private static List<Object> objects(String pem) {
        List<Object> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem == null ? "" : pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                out.add(o);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable PEM data: " + e.getMessage(), e);
        }
    }
}
