package io.j8s.node.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Crash-safe replacement of the agent's small state files. */
public final class AtomicFiles {
    private AtomicFiles() {}

    /**
     * Writes {@code content} to a temp file beside {@code target}, fsyncs it and renames it over
     * {@code target}: a reader sees the old or the new content, never a torn write.
     *
     * @throws UncheckedIOException when the directory is not writable
     */
    public static void write(Path target, byte[] content) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            // A temp name of its own per write, so concurrent writers never rename each other's
            // file.
            Path tmp =
                    Files.createTempFile(
                            target.toAbsolutePath().getParent(),
                            target.getFileName() + ".",
                            ".tmp");
            try (FileChannel ch =
                    FileChannel.open(
                            tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(
                    tmp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + target, e);
        }
    }
}
