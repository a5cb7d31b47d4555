package io.j8s.server.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * Writing files atomically (a temporary sibling, then a rename) with the permissions set before any
 * content is written: {@code 0600} for anything secret, {@code 0644} for certificates.
 */
public final class PrivateFiles {
    private PrivateFiles() {}

    /** Writes a secret: readable and writable by the owner only. */
    public static Path writeSecret(Path file, String content) {
        return write(file, content, "rw-------");
    }

    /** Writes public material (certificates). */
    public static Path writePublic(Path file, String content) {
        return write(file, content, "rw-r--r--");
    }

    private static Path write(Path file, String content, String mode) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp =
                    file.resolveSibling(
                            "." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
            try {
                Files.createFile(
                        tmp,
                        PosixFilePermissions.asFileAttribute(
                                PosixFilePermissions.fromString(mode)));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp); // not a POSIX file system: its default permissions apply
            }
            try {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                Files.move(
                        tmp,
                        file,
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The private key of the PEM {@code text} read from {@code file}, after rewriting the file when
     * it holds the key in another form than {@link Pem#encode(java.security.PrivateKey)} writes: EC
     * keys j8s wrote before lacked the public key, which the Java Kubernetes client needs, so old
     * data dirs are fixed at start.
     */
    public static java.security.PrivateKey privateKey(Path file, String text) {
        java.security.PrivateKey key = Pem.privateKey(text);
        if (!Pem.isCanonicalEcKey(text)) {
            String canonical = Pem.encode(key);
            if (!canonical.equals(text)) {
                writeSecret(file, canonical);
            }
        }
        return key;
    }

    /** The file's text, or null when it does not exist. */
    public static String readIfExists(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
