package io.j8s.store.sqlite;

import io.j8s.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The schema of {@code state.db} and how connections to it are opened.
 *
 * <p>Tables:
 *
 * <ul>
 *   <li>{@code kv_log}: one row per change (the history). {@code id} orders changes; {@code rev} is
 *       the store revision (the ops of one txn share it). A row points at the previous version of
 *       its key ({@code prev_id}, 0 for a create), which gives watch events their previous value
 *       and lets compaction find superseded rows without scanning. Deletions are tombstone rows
 *       ({@code deleted = 1}, empty value).
 *   <li>{@code kv}: the latest version of every live key, keyed by key (a small WITHOUT ROWID
 *       table: latest reads and prefix lists walk it in key order, then fetch the value from {@code
 *       kv_log} by rowid). It is the fast path: reads of the latest state never look at history.
 *   <li>{@code meta}: the current revision (kept even when compaction deletes the newest rows, so
 *       revisions keep growing across restarts), the compacted revision and compaction progress.
 * </ul>
 *
 * <p>Keys are UTF-8 BLOBs (see {@link KeyBytes}).
 */
final class Database {
    static final int SCHEMA_VERSION = 1;
    static final int WRITER_CHECKPOINT_FRAMES = 8192;

    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE IF NOT EXISTS kv_log ("
                + " id INTEGER PRIMARY KEY,"
                + " rev INTEGER NOT NULL,"
                + " key BLOB NOT NULL,"
                + " create_rev INTEGER NOT NULL,"
                + " prev_id INTEGER NOT NULL,"
                + " deleted INTEGER NOT NULL,"
                + " value BLOB NOT NULL)",
        "CREATE INDEX IF NOT EXISTS kv_log_rev ON kv_log (rev)",
        "CREATE INDEX IF NOT EXISTS kv_log_key_rev ON kv_log (key, rev)",
        "CREATE TABLE IF NOT EXISTS kv ("
                + " key BLOB PRIMARY KEY,"
                + " create_rev INTEGER NOT NULL,"
                + " mod_rev INTEGER NOT NULL,"
                + " log_id INTEGER NOT NULL) WITHOUT ROWID",
        "INSERT OR IGNORE INTO meta (name, value) VALUES"
                + " ('schema', "
                + SCHEMA_VERSION
                + "), ('revision', 0), ('compacted', 0), ('compact_progress', 0)",
    };

    private final SqliteStoreOptions options;
    private final String url;

    Database(SqliteStoreOptions options) {
        this.options = options;
        this.url = "jdbc:sqlite:" + options.databaseFile().toAbsolutePath();
    }

    String url() {
        return url;
    }

    /** Opens the single writing connection, creating the data dir and the schema when needed. */
    Connection openWriter() throws SQLException {
        try {
            Files.createDirectories(options.dataDir());
        } catch (IOException e) {
            throw new StoreException("cannot create data dir " + options.dataDir(), e);
        }
        SQLiteConfig config = baseConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // Cap the WAL file once a checkpoint has copied it back.
        config.setJournalSizeLimit(64 * 1024 * 1024);
        Connection conn = config.createConnection(url);
        try (Statement st = conn.createStatement()) {
            // The Checkpointer copies the WAL back on its own thread; see there for why. The writer
            // still checkpoints past this many frames (32 MiB), finding all but a short tail
            // already
            // copied: that lets the WAL restart from its beginning instead of growing forever.
            st.execute("PRAGMA wal_autocheckpoint=" + WRITER_CHECKPOINT_FRAMES);
            for (String ddl : SCHEMA) {
                st.executeUpdate(ddl);
            }
            try (ResultSet rs = st.executeQuery("SELECT value FROM meta WHERE name = 'schema'")) {
                long version = rs.next() ? rs.getLong(1) : -1;
                if (version != SCHEMA_VERSION) {
                    conn.close();
                    throw new StoreException(
                            options.databaseFile()
                                    + " has schema version "
                                    + version
                                    + " but this j8s reads version "
                                    + SCHEMA_VERSION);
                }
            }
        } catch (SQLException | RuntimeException e) {
            conn.close();
            throw e;
        }
        return conn;
    }

    /** Opens the connection the {@link Checkpointer} copies the WAL back with. */
    Connection openCheckpointer() throws SQLException {
        return baseConfig().createConnection(url);
    }

    /**
     * Opens a read-only connection; in WAL mode it reads a snapshot and never waits for the writer.
     */
    Connection openReader() throws SQLException {
        SQLiteConfig config = baseConfig();
        config.setReadOnly(true);
        return config.createConnection(url);
    }

    private SQLiteConfig baseConfig() {
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(
                options.fsync()
                        ? SQLiteConfig.SynchronousMode.FULL
                        : SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(30_000);
        // Negative: KiB. 64 MiB of page cache per connection keeps hot index pages in memory.
        config.setCacheSize(-64 * 1024);
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        return config;
    }

    static void exec(Connection conn, String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
    }
}
