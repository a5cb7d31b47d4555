package io.j8s.server.testhost;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sqlite driver's native library, extracted once per driver version into the machine's j8s
 * cache and loaded from there ({@code org.sqlite.lib.path}). Left to itself, sqlite-jdbc writes the
 * library (about 1 MB) to a new file in {@code java.io.tmpdir} at every JVM start and reads it back
 * to compare, after listing that directory for stale copies: about 45 ms of a cluster host's first
 * cluster (docs/architecture.md, "Start-up"). The file is written under a temporary name and
 * renamed, so a concurrent host never loads a half-written one. Anything unexpected leaves the
 * driver's own behaviour in place.
 */
final class SqliteNative {
    private static final Logger log = LoggerFactory.getLogger(SqliteNative.class);

    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";

    /** Where the driver extracts, and looks for stale extracted copies to delete at every start. */
    static final String TMPDIR_PROPERTY = "org.sqlite.tmpdir";

    private SqliteNative() {}

    /**
     * Points the driver at the cached library under {@code cache}, extracting it first when it is
     * missing; does nothing when the user set {@value #PATH_PROPERTY}.
     */
    static void useCached(Path cache) {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        try {
            String name = System.mapLibraryName("sqlitejdbc");
            // keyed by the platform as the JVM names it: the driver's own platform detection
            // (musl, Android) runs only when the library is extracted
            Path dir =
                    cache.resolve("native")
                            .resolve(
                                    "sqlite-jdbc-"
                                            + org.sqlite.SQLiteJDBCLoader.getVersion()
                                            + "-"
                                            + System.getProperty("os.name").replace(' ', '_')
                                            + "-"
                                            + System.getProperty("os.arch"));
            Path library = dir.resolve(name);
            if (!Files.isRegularFile(library)) {
                URL url =
                        SqliteNative.class.getResource(
                                "/org/sqlite/native/"
                                        + org.sqlite.util.OSInfo
                                                .getNativeLibFolderPathForCurrentOS()
                                        + "/"
                                        + name);
                if (url == null) {
                    return; // no bundled library for this platform: the driver says so itself
                }
                Files.createDirectories(dir);
                Path temp = Files.createTempFile(dir, name, ".tmp");
                try (InputStream in = url.openStream()) {
                    Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
                    // complete before it has its name: a file there is never half-written
                    Files.move(
                            temp,
                            library,
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            System.setProperty(PATH_PROPERTY, dir.toString());
            System.setProperty(NAME_PROPERTY, name);
            if (System.getProperty(TMPDIR_PROPERTY) == null) {
                // a directory of one file to scan, rather than the machine's temporary directory
                System.setProperty(TMPDIR_PROPERTY, dir.toString());
            }
        } catch (IOException | RuntimeException e) {
            log.atWarn()
                    .addKeyValue("cache", cache)
                    .log("cannot cache the sqlite native library, the driver extracts it: " + e);
        }
    }
}
