package io.j8s.server.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * For throw-away test clusters only: one cluster CA and service account key per host (per cache
 * directory), created once and then copied into every test cluster's data dir ({@link
 * ClusterPki#adopt}), so that a cluster's start generates no CA and no RSA key
 * (docs/architecture.md, "Start-up"). Each cluster still issues its own serving and client
 * certificates. The price: every cluster adopting the same cache trusts the others' client
 * certificates and service account tokens, which a test host can afford and a real server must not
 * ({@code j8s server} never uses this).
 *
 * <p>Safe against concurrent first uses (test JVMs starting at once): the material is written to a
 * private temporary directory and moved into place atomically; the loser uses the winner's.
 */
public final class TestPkiCache {
    private static final String CA_CERT = "ca.crt";
    private static final String CA_KEY = "ca.key";
    private static final String SA_KEY = "service-account.key";

    private TestPkiCache() {}

    /**
     * Copies the cached CA and service account key into {@code dataDir/tls} (creating them in
     * {@code cacheDir} first when missing). Call before {@code J8sServer.start} on a new data dir.
     */
    public static void adoptInto(Path cacheDir, Path dataDir, Clock clock) {
        Path dir = cacheDir.resolve("pki");
        if (!Files.isRegularFile(dir.resolve(SA_KEY))) {
            create(cacheDir, dir, clock);
        }
        String cert = PrivateFiles.readIfExists(dir.resolve(CA_CERT));
        String key = PrivateFiles.readIfExists(dir.resolve(CA_KEY));
        String sa = PrivateFiles.readIfExists(dir.resolve(SA_KEY));
        if (cert == null || key == null || sa == null) {
            throw new IllegalStateException(
                    "the test PKI cache " + dir + " is incomplete; delete it to recreate it");
        }
        ClusterPki.adopt(dataDir, cert, key, sa);
    }

    private static void create(Path cacheDir, Path target, Clock clock) {
        Path staging = null;
        try {
            Files.createDirectories(cacheDir);
            staging = Files.createTempDirectory(cacheDir, "pki-");
            CertificateAuthority ca =
                    CertificateAuthority.create(
                            "j8s-test-ca@" + clock.instant().getEpochSecond(),
                            ClusterPki.CA_VALIDITY,
                            clock);
            PrivateFiles.writeSecret(staging.resolve(CA_KEY), Pem.encode(ca.key()));
            PrivateFiles.writePublic(staging.resolve(CA_CERT), Pem.encode(ca.certificate()));
            PrivateFiles.writeSecret(
                    staging.resolve(SA_KEY), Pem.encode(KeyPairs.rsa().getPrivate()));
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                staging = null;
            } catch (IOException e) {
                if (!Files.isRegularFile(target.resolve(SA_KEY))) {
                    throw e;
                }
                // another process was first: use its material
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create the test PKI cache in " + cacheDir + ": " + e.getMessage(), e);
        } finally {
            if (staging != null) {
                deleteQuietly(staging);
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover temporary directory in a cache is harmless
        }
    }
}
