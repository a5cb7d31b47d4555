package io.j8s.server.ranges;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The host-wide registry of the loopback ranges and ports j8s servers use, so that servers started
 * at once on one host (test forks, a developer's server beside them) never take the same Pod IPs,
 * ClusterIPs or ports (see docs/architecture.md, "Many clusters on one host").
 *
 * <p>One lock file per claimed key ({@code block-127.244} for the /16 block 127.244.0.0/16, {@code
 * port-6443} for a TCP port) in a per-user directory ({@code $XDG_RUNTIME_DIR/j8s/ranges}, else
 * {@code /tmp/j8s-<uid>/ranges}), held with {@link FileChannel#lock} for the claim's life: the
 * operating system releases it when the process dies, so a crashed server never keeps a range. An
 * exclusive holder writes who it is (pid, data dir) into the file, which a refused claimer reads to
 * name it; the last holder deletes it. Key files are opened, locked and deleted only while holding
 * the directory's {@code registry.lock}, so no process ever locks a deleted file. Within one JVM a
 * map of the held keys does the same (a JVM cannot lock a file twice).
 *
 * <p>Servers sharing one etcd are one cluster and use the same ranges: they claim with a {@code
 * group} (shared locks, and in one JVM the same group may hold a key several times).
 */
public final class RangeRegistry {
    /** Overrides the directory (tests). */
    public static final String DIR_PROPERTY = "j8s.ranges.dir";

    /** The file locked while key files are opened, locked or deleted. */
    private static final String DIRECTORY_LOCK = "registry.lock";

    /** Held keys of this JVM, by lock file. */
    private static final Map<Path, Holder> HELD = new HashMap<>();

    private final Path dir;

    public RangeRegistry(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** The registry of this user on this host. */
    public static RangeRegistry host() {
        return new RangeRegistry(defaultDir());
    }

    static Path defaultDir() {
        String override = System.getProperty(DIR_PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null
                && !runtime.isBlank()
                && Files.isDirectory(Path.of(runtime))
                && Files.isWritable(Path.of(runtime))) {
            return Path.of(runtime, "j8s", "ranges");
        }
        // /tmp itself, not java.io.tmpdir: every JVM of the user must find the same directory
        return Path.of("/tmp", "j8s-" + uid(), "ranges");
    }

    private static String uid() {
        try {
            return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        }
    }

    public Path dir() {
        return dir;
    }

    /** The key of the /16 block {@code 127.<b>.0.0/16}. */
    public static String blockKey(int block) {
        return "block-127." + block;
    }

    /** The key of TCP port {@code port} (any local address). */
    public static String portKey(int port) {
        return "port-" + port;
    }

    /** Why a claim was refused: which key and who holds it. */
    public static final class TakenException extends RuntimeException {
        private final String key;
        private final String holder;

        TakenException(String key, String holder) {
            super(key + " is held by " + holder);
            this.key = key;
            this.holder = holder;
        }

        public String key() {
            return key;
        }

        /**
         * Who holds it, e.g. {@code "j8s server pid 4242 (data dir /home/me/.j8s)"}, or "another
         * process".
         */
        public String holder() {
            return holder;
        }
    }

    /**
     * Claims every key of {@code keys} or none.
     *
     * @param owner who claims, written into the lock files ({@code "j8s server (data dir ...)"};
     *     the pid is added)
     * @param group null to hold the keys alone; else holders of the same group share them
     * @throws TakenException when a key is held by someone else
     */
    public Claim claim(List<String> keys, String owner, String group) {
        List<Held> got = new ArrayList<>();
        try {
            for (String key : keys) {
                got.add(claimOne(key, owner, group));
            }
        } catch (RuntimeException e) {
            new Claim(got).close();
            throw e;
        }
        return new Claim(got);
    }

    /** {@link #claim} of one key, or empty when someone else holds it. */
    public Optional<Claim> tryClaim(String key, String owner, String group) {
        try {
            return Optional.of(claim(List.of(key), owner, group));
        } catch (TakenException e) {
            return Optional.empty();
        }
    }

    private record Held(Path file, String group) {}

    private static final class Holder {
        final String group;
        final String owner;
        final FileChannel channel;
        final FileLock lock;
        int count = 1;

        Holder(String group, String owner, FileChannel channel, FileLock lock) {
            this.group = group;
            this.owner = owner;
            this.channel = channel;
            this.lock = lock;
        }
    }

    private Held claimOne(String key, String owner, String group) {
        if (!key.matches("[a-z]+-[0-9.]+")) {
            throw new IllegalArgumentException("not a registry key: " + key);
        }
        Path file = dir.resolve(key + ".lock");
        synchronized (HELD) {
            Holder holder = HELD.get(file);
            if (holder != null) {
                if (group != null && group.equals(holder.group)) {
                    holder.count++;
                    return new Held(file, group);
                }
                throw new TakenException(key, holder.owner + " (in this process)");
            }
            String me = owner + ", pid " + ProcessHandle.current().pid();
            try {
                createDir();
                return underDirectoryLock(
                        dir,
                        () -> {
                            FileChannel channel =
                                    FileChannel.open(
                                            file,
                                            StandardOpenOption.CREATE,
                                            StandardOpenOption.READ,
                                            StandardOpenOption.WRITE);
                            try {
                                FileLock lock = channel.tryLock(0, Long.MAX_VALUE, group != null);
                                if (lock == null) {
                                    String text = readHolder(file);
                                    throw new TakenException(
                                            key, text.isEmpty() ? "another process" : text);
                                }
                                if (group == null) {
                                    channel.truncate(0);
                                    channel.write(
                                            ByteBuffer.wrap(
                                                    (me + "\n").getBytes(StandardCharsets.UTF_8)),
                                            0);
                                }
                                HELD.put(file, new Holder(group, me, channel, lock));
                                return new Held(file, group);
                            } catch (IOException | RuntimeException e) {
                                closeQuietly(channel);
                                throw e;
                            }
                        });
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot claim " + key + " in " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    private interface LockedBody<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code body} holding the directory's {@value #DIRECTORY_LOCK}: key files are opened,
     * locked, and deleted only under it, so that a key file is never deleted while another process
     * has it open (it would then lock a file nobody else sees). Callers hold {@code HELD}'s
     * monitor.
     */
    private static <T> T underDirectoryLock(Path dir, LockedBody<T> body) throws IOException {
        try (FileChannel channel =
                        FileChannel.open(
                                dir.resolve(DIRECTORY_LOCK),
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            return body.run();
        }
    }

    private void createDir() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                Files.setPosixFilePermissions(
                        dir.getParent(), PosixFilePermissions.fromString("rwx------"));
            } catch (IOException | UnsupportedOperationException e) {
                // a shared parent we do not own (XDG_RUNTIME_DIR is the user's already)
            }
        }
    }

    private static String readHolder(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            String text =
                    new String(bytes, 0, Math.min(bytes.length, 1024), StandardCharsets.UTF_8)
                            .trim();
            return text.isEmpty() ? "" : text;
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing releases the lock anyway
            }
        }
    }

    private static void release(Held held) {
        synchronized (HELD) {
            Holder holder = HELD.get(held.file());
            if (holder == null || !Objects.equals(holder.group, held.group())) {
                return;
            }
            if (--holder.count > 0) {
                return;
            }
            HELD.remove(held.file());
            try {
                underDirectoryLock(
                        held.file().getParent(),
                        () -> {
                            if (holder.group == null) {
                                holder.channel.truncate(0);
                            }
                            holder.lock.release();
                            // the last holder on the host deletes the file, so that files of ports
                            // do not pile up
                            FileLock alone = holder.channel.tryLock();
                            if (alone != null) {
                                Files.deleteIfExists(held.file());
                                alone.release();
                            }
                            return null;
                        });
            } catch (IOException e) {
                // closing the channel below releases the lock; the file stays, empty
            }
            closeQuietly(holder.channel);
        }
    }

    /** Keys held until {@link #close()} (idempotent). */
    public static final class Claim implements AutoCloseable {
        private final List<Held> held;
        private boolean closed;

        private Claim(List<Held> held) {
            this.held = List.copyOf(held);
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (Held h : held) {
                release(h);
            }
        }
    }
}
