package io.j8s.store.sqlite;

import io.j8s.store.StoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OS file lock on {@code <dataDir>/store.lock}: the writer keeps the revision counter in memory,
 * so two stores (in two processes, or twice in one) must never write the same file. The OS drops
 * the lock when the process dies, also on {@code kill -9}.
 */
final class DataDirLock {
    static final String FILE = "store.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirLock acquire(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(dataDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StoreException(
                        dataDir + " is in use by another process (" + file + " is locked)");
            }
            return new DataDirLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw new StoreException(dataDir + " is already open in this process", e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new StoreException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    void release() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            throw new StoreException("cannot release the data dir lock", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already failing; the original error matters more.
            }
        }
    }
}
