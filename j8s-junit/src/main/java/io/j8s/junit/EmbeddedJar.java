package io.j8s.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The j8s server jar embedded in this artifact ({@code io/j8s/junit/j8s.jar}), extracted once per
 * content to {@code ~/.cache/j8s/<sha256>/j8s.jar} (written to a temporary file, then renamed, so a
 * concurrent test JVM never runs a half-written jar).
 */
final class EmbeddedJar {
    static final String RESOURCE = "j8s.jar";
    private static Path extracted;

    private EmbeddedJar() {}

    /** Whether the user gave the jar ({@code -Dj8s.jar=PATH}) rather than the embedded one. */
    static boolean given() {
        String given = System.getProperty("j8s.jar");
        return given != null && !given.isBlank();
    }

    /** The jar to run: {@code -Dj8s.jar=PATH} when given, else the extracted embedded one. */
    static synchronized Path path() {
        String given = System.getProperty("j8s.jar");
        if (given != null && !given.isBlank()) {
            Path jar = Path.of(given);
            if (!Files.isRegularFile(jar)) {
                throw new J8sException("-Dj8s.jar=" + given + " is not a file");
            }
            return jar;
        }
        if (extracted != null && Files.isRegularFile(extracted)) {
            return extracted;
        }
        if (EmbeddedJar.class.getResource(RESOURCE) == null) {
            throw new J8sException(
                    "the j8s server jar is not embedded in j8s-junit (resource io/j8s/junit/"
                            + RESOURCE
                            + " is missing): build j8s-junit with its Maven build, which copies"
                            + " j8s-server/target/j8s.jar into it, or give -Dj8s.jar=PATH");
        }
        try {
            extracted = extract(expectedSha256());
            return extracted;
        } catch (IOException e) {
            throw new J8sException(
                    "cannot extract the j8s server jar to " + cacheRoot() + ": " + e.getMessage(),
                    e);
        }
    }

    /** The SHA-256 the build recorded beside the jar, or null when it did not. */
    private static String expectedSha256() throws IOException {
        try (InputStream in = EmbeddedJar.class.getResourceAsStream(RESOURCE + ".sha256")) {
            if (in == null) {
                return null;
            }
            String text = new String(in.readNBytes(1024), StandardCharsets.US_ASCII).strip();
            String first = text.split("\\s+")[0].toLowerCase(java.util.Locale.ROOT);
            return first.matches("[0-9a-f]{64}") ? first : null;
        }
    }

    private static Path extract(String sha256) throws IOException {
        Path root = cacheRoot();
        if (sha256 != null) {
            Path jar = root.resolve(sha256).resolve(RESOURCE);
            if (Files.isRegularFile(jar)) {
                return jar;
            }
        }
        Files.createDirectories(root);
        Path temp = Files.createTempFile(root, "j8s-", ".jar.tmp");
        try {
            String actual;
            try (InputStream in =
                            new DigestInputStream(
                                    EmbeddedJar.class.getResourceAsStream(RESOURCE), sha256());
                    OutputStream out = Files.newOutputStream(temp)) {
                in.transferTo(out);
                actual =
                        HexFormat.of()
                                .formatHex(((DigestInputStream) in).getMessageDigest().digest());
            }
            if (sha256 != null && !sha256.equals(actual)) {
                throw new IOException(
                        "the embedded jar's SHA-256 is "
                                + actual
                                + ", its build recorded "
                                + sha256);
            }
            Path dir = Files.createDirectories(root.resolve(actual));
            Path jar = dir.resolve(RESOURCE);
            Files.move(
                    temp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return jar;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code -Dj8s.cache=DIR}, else {@code $XDG_CACHE_HOME/j8s}, else {@code ~/.cache/j8s}. */
    static Path cacheRoot() {
        String given = System.getProperty("j8s.cache");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "j8s");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "j8s");
    }
}
