package io.j8s.client.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Indexer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Read access to one informer's local cache.
 *
 * <p>Objects returned are the cache's own instances: <b>never modify them</b>; copy first (builders
 * copy deeply). Thread-safe.
 *
 * @param <T> the resource type
 */
public final class Cache<T extends HasMetadata> {

    private final SharedIndexInformer<T> informer;

    public Cache(SharedIndexInformer<T> informer) {
        this.informer = Objects.requireNonNull(informer, "informer");
    }

    public Optional<T> get(String namespace, String name) {
        return get(Keys.keyOf(namespace, name));
    }

    /** The object with key {@code namespace/name} (or {@code name} when cluster-scoped). */
    public Optional<T> get(String key) {
        return Optional.ofNullable(informer.getIndexer().getByKey(key));
    }

    /** Every object in {@code namespace}. */
    public List<T> list(String namespace) {
        return informer.getIndexer()
                .byIndex(
                        io.fabric8.kubernetes.client.informers.cache.Cache.NAMESPACE_INDEX,
                        namespace);
    }

    /** Every object. */
    public List<T> list() {
        return informer.getIndexer().list();
    }

    /** Objects whose index {@code indexName} yields {@code value}. */
    public List<T> byIndex(String indexName, String value) {
        return informer.getIndexer().byIndex(indexName, value);
    }

    public boolean hasSynced() {
        return informer.hasSynced();
    }

    public Indexer<T> indexer() {
        return informer.getIndexer();
    }

    public SharedIndexInformer<T> informer() {
        return informer;
    }
}
