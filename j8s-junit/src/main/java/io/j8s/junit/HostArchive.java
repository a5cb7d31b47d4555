package io.j8s.junit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster host's AppCDS archive (docs/architecture.md, "Start-up"): class data of the j8s jar
 * as the host loaded it, which makes the next host start about twice as fast. JDK 17 cannot create
 * one on demand, so the first host of a (jar, JDK) pair writes one when it exits ({@code
 * -XX:ArchiveClassesAtExit}, into a temporary name of its own), and the test JVM renames it to its
 * final name only after that host exited normally: a truncated archive crashes the JVM that maps
 * it, so a half-written one must never get the final name. Later hosts map it ({@code
 * -XX:SharedArchiveFile}); one the JVM does not accept (another jar, another JDK) is ignored by the
 * JVM, and a host that dies before its first line with the archive is started again without it (and
 * the archive deleted). CDS logging is always off: unified logging writes to stdout, the host's
 * protocol stream.
 *
 * <p>Where: beside the extracted jar ({@code ~/.cache/j8s/<sha256>/j8s-<key>.jsa}), or under {@code
 * <cache>/cds/} for a jar given with {@code -Dj8s.jar}; {@code <key>} hashes the jar's path, {@code
 * java.home} and the JVM's version. An archive older than its jar is written again. {@code
 * -Dj8s.host.cds=false} turns all of this off.
 */
final class HostArchive {
    static final String PROPERTY = "j8s.host.cds";

    /** The flags that keep CDS messages off stdout. */
    static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

    private final Path archive;
    private final Path temp;

    private HostArchive(Path archive, Path temp) {
        this.archive = archive;
        this.temp = temp;
    }

    /** Whether the user left archives on ({@code -Dj8s.host.cds=false} turns them off). */
    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").strip());
    }

    /** The archive for {@code jar} run by this JVM's {@code java}. */
    static HostArchive forJar(Path jar, boolean embedded) {
        Path dir =
                embedded
                        ? jar.toAbsolutePath().getParent()
                        : EmbeddedJar.cacheRoot().resolve("cds");
        String key =
                key(
                        jar.toAbsolutePath()
                                + "\n"
                                + System.getProperty("java.home")
                                + "\n"
                                + System.getProperty("java.vm.version"));
        Path archive = dir.resolve("j8s-" + key + ".jsa");
        Path temp =
                dir.resolve(
                        archive.getFileName()
                                + "."
                                + ProcessHandle.current().pid()
                                + "."
                                + Long.toHexString(System.nanoTime())
                                + ".tmp");
        return new HostArchive(archive, temp);
    }

    Path archive() {
        return archive;
    }

    /** Whether a usable archive is in place: present and not older than {@code jar}. */
    boolean present(Path jar) {
        try {
            return Files.isRegularFile(archive)
                    && Files.size(archive) > 0
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar))
                            >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * JVM flags for the next host: map the archive when present, else write one at exit. Deletes
     * temporary archives left by test JVMs that are gone.
     */
    List<String> flags(Path jar) {
        List<String> flags = new ArrayList<>();
        if (present(jar)) {
            flags.add("-XX:SharedArchiveFile=" + archive);
        } else {
            try {
                Files.createDirectories(archive.getParent());
                deleteOrphans();
                flags.add("-XX:ArchiveClassesAtExit=" + temp);
            } catch (IOException e) {
                // no archive this time: the host starts as fast as without
            }
        }
        flags.addAll(QUIET);
        return flags;
    }

    /** Whether {@link #flags} asked the host to write an archive. */
    static boolean writes(List<String> flags) {
        return flags.stream().anyMatch(f -> f.startsWith("-XX:ArchiveClassesAtExit="));
    }

    /**
     * After the host that wrote the temporary archive exited with {@code exitCode}: gives it the
     * final name when the exit was normal, deletes it otherwise.
     */
    void adopt(int exitCode) {
        try {
            if (exitCode == 0 && Files.isRegularFile(temp) && Files.size(temp) > 0) {
                try {
                    Files.move(temp, archive, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException e) {
                    // another test JVM's host was first: keep its archive
                } catch (IOException e) {
                    // rename(2) replaces an existing target atomically; some systems refuse
                }
            }
        } catch (IOException e) {
            // no archive this time
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // a leftover is deleted by the next host's start
            }
        }
    }

    /** After a host mapping the archive died before its first line: the archive goes. */
    void discard() {
        try {
            Files.deleteIfExists(archive);
        } catch (IOException e) {
            // the next start tries it again
        }
    }

    /** Deletes temporary archives whose test JVM (the pid in their name) is gone. */
    private void deleteOrphans() throws IOException {
        String prefix = archive.getFileName() + ".";
        try (DirectoryStream<Path> files =
                Files.newDirectoryStream(archive.getParent(), prefix + "*.tmp")) {
            for (Path file : files) {
                String rest = file.getFileName().toString().substring(prefix.length());
                int dot = rest.indexOf('.');
                long pid;
                try {
                    pid = Long.parseLong(rest.substring(0, Math.max(dot, 0)));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * 16 hex digits naming the archive of {@code text} (jar path, {@code java.home}, JVM version):
     * 64-bit FNV-1a, not a cryptographic digest, whose provider set-up would cost a test JVM's
     * first {@code start()} some 30 ms. A collision only means a JVM finds an archive not written
     * for it, which it checks and ignores (docs/architecture.md, "Start-up").
     */
    static String key(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        String hex = Long.toHexString(hash);
        return "0".repeat(16 - hex.length()) + hex;
    }
}
