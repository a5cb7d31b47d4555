package io.j8s.server.pki;

import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates and keys of one cluster, kept in {@code <data-dir>/tls/} (k3s' model: created on
 * first start, reused after): the CA ({@code ca.crt}, {@code ca.key}, ten years), the API server's
 * serving certificate ({@code serving.*}, one year, for every host clients may dial), the admin's
 * client certificate ({@code admin.*}, one year, {@code system:admin} in {@code system:masters})
 * and the service account signing key ({@code service-account.key}). Keys are written {@code 0600}
 * and never logged.
 *
 * <p>A leaf certificate is issued again when it expires within {@link #RENEW_BEFORE}, is not signed
 * by the CA, or (serving) names other hosts than asked; {@link #renewIfNeeded()} does that while
 * running, and the {@link #tls()} supplier hands new connections the new certificate. The CA itself
 * is not renewed. Thread safe.
 */
public final class ClusterPki {
    private static final Logger log = LoggerFactory.getLogger(ClusterPki.class);
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration LEAF_VALIDITY = Duration.ofDays(365);
    public static final Duration RENEW_BEFORE = Duration.ofDays(90);

    private final Path dir;
    private final Clock clock;
    private final CertificateAuthority ca;
    private final byte[] caBundle;
    private final List<String> servingHosts;
    private final KeyPair serviceAccountKeys;
    private volatile Leaf serving;
    private volatile Leaf admin;
    private volatile SslContext sslContext;

    private ClusterPki(
            Path dir,
            Clock clock,
            CertificateAuthority ca,
            byte[] caBundle,
            List<String> servingHosts,
            KeyPair serviceAccountKeys) {
        this.dir = dir;
        this.clock = clock;
        this.ca = ca;
        this.caBundle = caBundle;
        this.servingHosts = List.copyOf(servingHosts);
        this.serviceAccountKeys = serviceAccountKeys;
    }

    /**
     * Loads the cluster's PKI from {@code dataDir/tls}, creating what is missing and renewing what
     * is due.
     *
     * @param servingHosts the DNS names and IP addresses the serving certificate must name
     */
    public static ClusterPki loadOrCreate(
            Path dataDir, Collection<String> servingHosts, Clock clock) {
        Path dir = dataDir.resolve("tls");
        createPrivateDir(dir);
        // A new RSA key takes longer than everything else here: generated beside the CA and leaves
        // (docs/architecture.md, "Start-up").
        java.util.concurrent.FutureTask<KeyPair> saKeyTask =
                new java.util.concurrent.FutureTask<>(() -> loadOrCreateServiceAccountKey(dir));
        Thread saKeyThread = new Thread(saKeyTask, "j8s-service-account-key");
        saKeyThread.setDaemon(true);
        saKeyThread.start();
        CertificateAuthority ca;
        try {
            ca = loadOrCreateCa(dir, clock);
        } catch (RuntimeException e) {
            awaitQuietly(saKeyTask);
            throw e;
        }
        byte[] bundle =
                PrivateFiles.readIfExists(dir.resolve("ca.crt")).getBytes(StandardCharsets.UTF_8);
        KeyPair saKeys = await(saKeyTask);
        ClusterPki pki =
                new ClusterPki(
                        dir,
                        clock,
                        ca,
                        bundle,
                        new ArrayList<>(new LinkedHashSet<>(servingHosts)),
                        saKeys);
        pki.serving = pki.loadLeaf("serving", pki::servingUsable);
        pki.admin = pki.loadLeaf("admin", leaf -> true);
        pki.renewIfNeeded();
        return pki;
    }

    /**
     * Puts a cluster's shared material into {@code dataDir/tls} (the CA certificate exactly as
     * given, since join tokens hash its text; the CA key; the service account key), replacing what
     * differs, so that {@link #loadOrCreate} loads them and issues this server's own leaves with
     * that CA. Used by a server joining a cluster through the store ({@code
     * io.j8s.server.join.ClusterBootstrap}).
     */
    public static void adopt(
            Path dataDir, String caCertPem, String caKeyPem, String serviceAccountKeyPem) {
        Path dir = dataDir.resolve("tls");
        createPrivateDir(dir);
        if (!caCertPem.equals(PrivateFiles.readIfExists(dir.resolve("ca.crt")))) {
            PrivateFiles.writeSecret(dir.resolve("ca.key"), caKeyPem);
            PrivateFiles.writePublic(dir.resolve("ca.crt"), caCertPem);
            log.atInfo().addKeyValue("dir", dir).log("installed the cluster CA from the store");
        }
        if (!serviceAccountKeyPem.equals(
                PrivateFiles.readIfExists(dir.resolve("service-account.key")))) {
            PrivateFiles.writeSecret(dir.resolve("service-account.key"), serviceAccountKeyPem);
        }
    }

    private static void createPrivateDir(Path dir) {
        if (java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try {
            java.nio.file.Files.createDirectories(
                    dir,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            try {
                java.nio.file.Files.createDirectories(dir);
            } catch (java.io.IOException io) {
                throw new java.io.UncheckedIOException(io);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static CertificateAuthority loadOrCreateCa(Path dir, Clock clock) {
        String cert = PrivateFiles.readIfExists(dir.resolve("ca.crt"));
        String key = PrivateFiles.readIfExists(dir.resolve("ca.key"));
        if (cert != null && key != null) {
            return CertificateAuthority.of(
                    Pem.certificate(cert),
                    PrivateFiles.privateKey(dir.resolve("ca.key"), key),
                    clock);
        }
        if (cert != null || key != null) {
            throw new IllegalStateException(
                    "the data dir holds only one of "
                            + dir.resolve("ca.crt")
                            + " and "
                            + dir.resolve("ca.key")
                            + "; restore the other or remove both to create a new cluster CA");
        }
        CertificateAuthority ca =
                CertificateAuthority.create(
                        "j8s-ca@" + clock.instant().getEpochSecond(), CA_VALIDITY, clock);
        PrivateFiles.writeSecret(dir.resolve("ca.key"), Pem.encode(ca.key()));
        PrivateFiles.writePublic(dir.resolve("ca.crt"), Pem.encode(ca.certificate()));
        log.atInfo()
                .addKeyValue("dir", dir)
                .addKeyValue("until", ca.certificate().getNotAfter().toInstant())
                .log("created the cluster CA");
        return ca;
    }

    private static KeyPair await(java.util.concurrent.FutureTask<KeyPair> task) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the key is needed: wait on, interrupt afterwards
                } catch (java.util.concurrent.ExecutionException e) {
                    throw io.j8s.apiserver.bootstrap.StartTask.unchecked(e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitQuietly(java.util.concurrent.FutureTask<KeyPair> task) {
        try {
            await(task);
        } catch (RuntimeException | Error ignored) {
            // the first failure is the one reported
        }
    }

    private static KeyPair loadOrCreateServiceAccountKey(Path dir) {
        Path file = dir.resolve("service-account.key");
        String pem = PrivateFiles.readIfExists(file);
        if (pem != null) {
            PrivateKey key = Pem.privateKey(pem);
            try {
                var rsa = (java.security.interfaces.RSAPrivateCrtKey) key;
                var spec =
                        new java.security.spec.RSAPublicKeySpec(
                                rsa.getModulus(), rsa.getPublicExponent());
                return new KeyPair(
                        java.security.KeyFactory.getInstance("RSA").generatePublic(spec), key);
            } catch (GeneralSecurityException | ClassCastException e) {
                throw new IllegalStateException(file + " is not an RSA private key", e);
            }
        }
        KeyPair keys = KeyPairs.rsa();
        PrivateFiles.writeSecret(file, Pem.encode(keys.getPrivate()));
        return keys;
    }

    private Leaf loadLeaf(String name, java.util.function.Predicate<Leaf> usable) {
        String cert = PrivateFiles.readIfExists(dir.resolve(name + ".crt"));
        String key = PrivateFiles.readIfExists(dir.resolve(name + ".key"));
        if (cert == null || key == null) {
            return null;
        }
        Leaf leaf =
                new Leaf(
                        Pem.certificate(cert),
                        PrivateFiles.privateKey(dir.resolve(name + ".key"), key));
        return signedByCa(leaf) && usable.test(leaf) ? leaf : null;
    }

    private boolean signedByCa(Leaf leaf) {
        try {
            leaf.certificate().verify(ca.certificate().getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private boolean servingUsable(Leaf leaf) {
        try {
            Set<String> names = new java.util.HashSet<>();
            var sans = leaf.certificate().getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    names.add(String.valueOf(san.get(1)));
                }
            }
            Set<String> wanted = new java.util.HashSet<>();
            for (String host : servingHosts) {
                wanted.add(
                        CertificateAuthority.isIpAddress(host)
                                ? java.net.InetAddress.getByName(host).getHostAddress()
                                : host);
            }
            Set<String> normalized = new java.util.HashSet<>();
            for (String n : names) {
                normalized.add(
                        CertificateAuthority.isIpAddress(n)
                                ? java.net.InetAddress.getByName(n).getHostAddress()
                                : n);
            }
            return normalized.equals(wanted);
        } catch (java.security.cert.CertificateParsingException | java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Issues the serving and admin certificates again when missing or due, writing them and
     * swapping the TLS context new connections get.
     *
     * @return whether the admin certificate changed (the admin kubeconfig must be written again)
     */
    public synchronized boolean renewIfNeeded() {
        var now = clock.instant();
        Leaf s = serving;
        if (s == null || s.expiresWithin(RENEW_BEFORE, now)) {
            KeyPair keys = KeyPairs.ecdsa();
            s =
                    new Leaf(
                            ca.issueServing(
                                    "kube-apiserver",
                                    servingHosts,
                                    keys.getPublic(),
                                    LEAF_VALIDITY),
                            keys.getPrivate());
            PrivateFiles.writeSecret(dir.resolve("serving.key"), s.keyPem());
            PrivateFiles.writePublic(dir.resolve("serving.crt"), s.certificatePem());
            serving = s;
            sslContext = null;
            log.atInfo()
                    .addKeyValue("hosts", servingHosts)
                    .addKeyValue("until", s.certificate().getNotAfter().toInstant())
                    .log("issued the API server's serving certificate");
        }
        if (sslContext == null) {
            sslContext = ServingTls.context(s, List.of(ca.certificate()));
        }
        Leaf a = admin;
        if (a == null || a.expiresWithin(RENEW_BEFORE, now)) {
            Identity identity = Identity.admin();
            KeyPair keys = KeyPairs.ecdsa();
            a =
                    new Leaf(
                            ca.issueClient(
                                    identity.user(),
                                    identity.groups(),
                                    keys.getPublic(),
                                    LEAF_VALIDITY),
                            keys.getPrivate());
            PrivateFiles.writeSecret(dir.resolve("admin.key"), a.keyPem());
            PrivateFiles.writePublic(dir.resolve("admin.crt"), a.certificatePem());
            admin = a;
            log.atInfo()
                    .addKeyValue("user", identity.user())
                    .addKeyValue("until", a.certificate().getNotAfter().toInstant())
                    .log("issued the admin client certificate");
            return true;
        }
        return false;
    }

    public CertificateAuthority ca() {
        return ca;
    }

    /** The CA bundle exactly as {@code ca.crt} holds it (what join tokens hash). */
    public byte[] caBundle() {
        return caBundle.clone();
    }

    public String caPem() {
        return new String(caBundle, StandardCharsets.UTF_8);
    }

    /** The current TLS context of the API server, asked per connection. */
    public Supplier<SslContext> tls() {
        return () -> sslContext;
    }

    public Leaf serving() {
        return serving;
    }

    public Leaf admin() {
        return admin;
    }

    public KeyPair serviceAccountKeys() {
        return serviceAccountKeys;
    }

    public Path dir() {
        return dir;
    }
}
