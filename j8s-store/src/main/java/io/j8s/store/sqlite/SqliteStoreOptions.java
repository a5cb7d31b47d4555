package io.j8s.store.sqlite;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How to open a {@link SqliteStore}. Immutable; start from {@link #defaults(Path)} and change
 * fields with the {@code with...} methods.
 *
 * @param dataDir the directory that holds {@code state.db} (created if missing)
 * @param fsync true: every commit is fsynced (SQLite {@code synchronous=FULL}), so an acknowledged
 *     write survives a power loss; false ({@code synchronous=NORMAL}): it survives a crash or
 *     {@code kill -9} of the process but not of the machine
 * @param maxBatchOps the most ops the writer thread commits in one SQLite transaction
 * @param readConnections SQLite connections for reads (readers never wait for the writer)
 * @param watchBufferEvents events a watcher may fall behind before it is ended with a {@code
 *     WatchOverflowException}
 * @param watchThreads threads that call watch listeners, shared by all watches
 * @param retainRevisions automatic compaction keeps at least this many recent revisions
 * @param retainDuration automatic compaction keeps at least the revisions written within this time
 * @param compactionInterval how often automatic compaction runs; {@link Duration#ZERO} turns it off
 *     ({@link SqliteStore#compact} still works)
 * @param clock the time source for the retention window
 */
public record SqliteStoreOptions(
        Path dataDir,
        boolean fsync,
        int maxBatchOps,
        int readConnections,
        int watchBufferEvents,
        int watchThreads,
        long retainRevisions,
        Duration retainDuration,
        Duration compactionInterval,
        Clock clock) {

    /** The database file's name inside {@link #dataDir()}. */
    public static final String DATABASE_FILE = "state.db";

    public SqliteStoreOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(retainDuration, "retainDuration");
        Objects.requireNonNull(compactionInterval, "compactionInterval");
        Objects.requireNonNull(clock, "clock");
        positive("maxBatchOps", maxBatchOps);
        positive("readConnections", readConnections);
        positive("watchBufferEvents", watchBufferEvents);
        positive("watchThreads", watchThreads);
        if (retainRevisions < 0) {
            throw new IllegalArgumentException(
                    "retainRevisions must not be negative but was " + retainRevisions);
        }
        if (retainDuration.isNegative()) {
            throw new IllegalArgumentException(
                    "retainDuration must not be negative but was " + retainDuration);
        }
        if (compactionInterval.isNegative()) {
            throw new IllegalArgumentException(
                    "compactionInterval must not be negative but was " + compactionInterval);
        }
    }

    /**
     * fsync on every commit, batches of up to 1,000 ops, 4 read connections, 50,000 buffered events
     * per watcher, 2 watch threads, and automatic compaction every minute that keeps the last
     * 10,000 revisions and at least 5 minutes of history.
     */
    public static SqliteStoreOptions defaults(Path dataDir) {
        return new SqliteStoreOptions(
                dataDir,
                true,
                1_000,
                4,
                50_000,
                2,
                10_000,
                Duration.ofMinutes(5),
                Duration.ofMinutes(1),
                Clock.systemUTC());
    }

    public Path databaseFile() {
        return dataDir.resolve(DATABASE_FILE);
    }

    public SqliteStoreOptions withFsync(boolean value) {
        return new SqliteStoreOptions(
                dataDir,
                value,
                maxBatchOps,
                readConnections,
                watchBufferEvents,
                watchThreads,
                retainRevisions,
                retainDuration,
                compactionInterval,
                clock);
    }

    public SqliteStoreOptions withMaxBatchOps(int value) {
        return new SqliteStoreOptions(
                dataDir,
                fsync,
                value,
                readConnections,
                watchBufferEvents,
                watchThreads,
                retainRevisions,
                retainDuration,
                compactionInterval,
                clock);
    }

    public SqliteStoreOptions withReadConnections(int value) {
        return new SqliteStoreOptions(
                dataDir,
                fsync,
                maxBatchOps,
                value,
                watchBufferEvents,
                watchThreads,
                retainRevisions,
                retainDuration,
                compactionInterval,
                clock);
    }

    public SqliteStoreOptions withWatchBufferEvents(int value) {
        return new SqliteStoreOptions(
                dataDir,
                fsync,
                maxBatchOps,
                readConnections,
                value,
                watchThreads,
                retainRevisions,
                retainDuration,
                compactionInterval,
                clock);
    }

    public SqliteStoreOptions withWatchThreads(int value) {
        return new SqliteStoreOptions(
                dataDir,
                fsync,
                maxBatchOps,
                readConnections,
                watchBufferEvents,
                value,
                retainRevisions,
                retainDuration,
                compactionInterval,
                clock);
    }

    /**
     * Automatic compaction keeps at least {@code revisions} revisions and {@code duration} of
     * history.
     */
    public SqliteStoreOptions withRetention(long revisions, Duration duration) {
        return new SqliteStoreOptions(
                dataDir,
                fsync,
                maxBatchOps,
                readConnections,
                watchBufferEvents,
                watchThreads,
                revisions,
                duration,
                compactionInterval,
                clock);
    }

    public SqliteStoreOptions withCompactionInterval(Duration value) {
        return new SqliteStoreOptions(
                dataDir,
                fsync,
                maxBatchOps,
                readConnections,
                watchBufferEvents,
                watchThreads,
                retainRevisions,
                retainDuration,
                value,
                clock);
    }

    public SqliteStoreOptions withClock(Clock value) {
        return new SqliteStoreOptions(
                dataDir,
                fsync,
                maxBatchOps,
                readConnections,
                watchBufferEvents,
                watchThreads,
                retainRevisions,
                retainDuration,
                compactionInterval,
                value);
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive but was " + value);
        }
    }
}
