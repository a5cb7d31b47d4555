package io.j8s.node.volume;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a volume's files the way the kubelet's {@code AtomicWriter} does, so a reader never sees a
 * half-updated set:
 *
 * <pre>
 * target/
 *   ..2026_12_04_21_30_00.123456789/   the payload of one version (files with their modes)
 *   ..data -&gt; ..2026_12_04_21_30_00.123456789
 *   key    -&gt; ..data/key               one symlink per top-level path of the payload
 * </pre>
 *
 * An update writes a new timestamped directory, points {@code ..data_tmp} at it and renames that
 * over {@code ..data} (one atomic rename), then adds the symlinks of new top-level paths, removes
 * those of paths gone from the payload and the old directory. Writing the payload it already holds
 * changes nothing. Not thread-safe for one target (a Pod's volumes are written by its worker only).
 */
public final class AtomicWriter {

    static final String DATA = "..data";
    private static final String DATA_TMP = "..data_tmp";
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss.").withZone(ZoneOffset.UTC);

    /** One file of the payload: content and permission bits (e.g. 0644). */
    public record FileProjection(byte[] data, int mode) {}

    private final Path target;
    private final Clock clock;

    public AtomicWriter(Path target, Clock clock) {
        this.target = target;
        this.clock = clock;
    }

    /**
     * Makes the target hold exactly {@code payload} (relative paths, no {@code ..} elements).
     *
     * @return whether anything changed
     */
    public boolean write(Map<String, FileProjection> payload) throws IOException {
        Map<String, FileProjection> files = new TreeMap<>();
        for (Map.Entry<String, FileProjection> e : payload.entrySet()) {
            files.put(validate(e.getKey()), e.getValue());
        }
        Files.createDirectories(target);
        Path data = target.resolve(DATA);
        Path oldDir = null;
        if (Files.isSymbolicLink(data)) {
            oldDir = target.resolve(Files.readSymbolicLink(data));
            if (Files.isDirectory(oldDir) && sameContent(oldDir, files)) {
                return false;
            }
        }
        String tsName =
                ".."
                        + TS.format(clock.instant())
                        + String.format("%09d", ThreadLocalRandom.current().nextInt(1_000_000_000));
        Path tsDir = target.resolve(tsName);
        Files.createDirectory(tsDir);
        Files.setPosixFilePermissions(tsDir, perms(0755));
        for (Map.Entry<String, FileProjection> e : files.entrySet()) {
            Path f = tsDir.resolve(e.getKey());
            Files.createDirectories(f.getParent());
            Files.write(f, e.getValue().data());
            Files.setPosixFilePermissions(f, perms(e.getValue().mode()));
        }
        Path tmp = target.resolve(DATA_TMP);
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of(tsName));
        Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Set<String> top = new HashSet<>();
        for (String p : files.keySet()) {
            String first = p.contains("/") ? p.substring(0, p.indexOf('/')) : p;
            top.add(first);
            Path link = target.resolve(first);
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of(DATA, first));
            }
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(target)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.startsWith("..") && !top.contains(n) && Files.isSymbolicLink(p)) {
                    Files.delete(p);
                }
            }
        }
        if (oldDir != null && !oldDir.equals(tsDir)) {
            deleteTree(oldDir);
        }
        return true;
    }

    private static String validate(String path) throws IOException {
        if (path.isEmpty() || path.startsWith("/") || path.length() > 4096) {
            throw new IOException("invalid path " + path + ": must be relative and not empty");
        }
        for (String part : path.split("/")) {
            if (part.equals("..") || part.startsWith("..")) {
                throw new IOException("invalid path " + path + ": must not contain '..'");
            }
        }
        return path;
    }

    private static boolean sameContent(Path dir, Map<String, FileProjection> files)
            throws IOException {
        int count = 0;
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    count++;
                    FileProjection want = files.get(dir.relativize(p).toString());
                    if (want == null
                            || !Arrays.equals(Files.readAllBytes(p), want.data())
                            || !Files.getPosixFilePermissions(p).equals(perms(want.mode()))) {
                        return false;
                    }
                }
            }
        }
        return count == files.size();
    }

    static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = new HashSet<>();
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                    PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                    PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_READ
        };
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    /** Deletes a directory tree without following symlinks. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            var paths = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        }
    }
}
