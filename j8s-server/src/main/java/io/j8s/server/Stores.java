package io.j8s.server;

import io.j8s.store.Store;
import io.j8s.store.etcd.EtcdStore;
import io.j8s.store.etcd.EtcdStoreOptions;
import io.j8s.store.sqlite.SqliteStore;
import io.j8s.store.sqlite.SqliteStoreOptions;

/** Opens the configured store backend. */
final class Stores {
    private Stores() {}

    static Store open(ServerOptions options) {
        return switch (options.store()) {
            case SQLITE ->
                    SqliteStore.open(
                            SqliteStoreOptions.defaults(options.dataDir())
                                    .withFsync(options.storeFsync()));
            case ETCD ->
                    EtcdStore.connect(
                            EtcdStoreOptions.parse(String.join(",", options.etcdEndpoints()))
                                    .withKeyPrefix(options.etcdPrefix()));
        };
    }
}
