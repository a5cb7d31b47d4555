package io.j8s.store.sqlite;

import io.j8s.store.Store;
import io.j8s.store.StoreContractTest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** The store contract against a real SQLite file. */
class SqliteStoreTest extends StoreContractTest {
    @TempDir Path dataDir;

    @Override
    protected Store openStore(int watchBufferEvents) {
        return SqliteStore.open(options(watchBufferEvents));
    }

    @Override
    protected Store reopen(Store store, int watchBufferEvents) {
        store.close();
        return SqliteStore.open(options(watchBufferEvents));
    }

    private SqliteStoreOptions options(int watchBufferEvents) {
        return SqliteStoreOptions.defaults(dataDir)
                .withWatchBufferEvents(watchBufferEvents)
                .withCompactionInterval(Duration.ZERO);
    }
}
