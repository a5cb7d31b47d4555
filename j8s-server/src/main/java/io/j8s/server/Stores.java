package io.j8s.server;

import io.j8s.store.Store;
import io.j8s.store.etcd.EtcdStore;
import io.j8s.store.etcd.EtcdStoreOptions;
import io.j8s.store.sqlite.SqliteStore;

/** Opens the configured store backend. */
final class Stores {
    private Stores() {}

    static Store open(ServerOptions options) {
        return switch (options.store()) {
            case SQLITE -> SqliteStore.open(options.dataDir());
            case ETCD -> EtcdStore.connect(EtcdStoreOptions.parse(String.join(",", options.etcdEndpoints()))
                    .withKeyPrefix(options.etcdPrefix()));
        };
    }
}
