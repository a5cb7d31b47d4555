package io.j8s.client.cache;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One informer per resource type over all namespaces, shared by everything one process builds on it
 * (every controller of the controller manager; the proxy has its own).
 *
 * <p>fabric8 8's informers (checked against the 8.0.0 {@code Reflector}): list, then watch from the
 * list's resourceVersion; a dropped watch is re-established from the last resourceVersion seen; a
 * 410 Gone leads to a fresh list (the cache is replaced, deletions in between are delivered); and
 * every handler gets {@code onUpdate(o, o)} for every cached object each resync period. One gap is
 * filled here: fabric8's default exception handler stops an informer after a watch error other than
 * 410 and gives up when the first list fails; ours retries every failure with fabric8's exponential
 * back-off, so an informer survives an API server restart and may be started before the server is
 * up.
 *
 * <p>Register informers and indexers before {@link #start()}; informers asked for afterwards start
 * at once. Thread-safe.
 */
public final class SharedInformers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SharedInformers.class);

    private final KubernetesClient client;
    private final long resyncMillis;
    private KubernetesClient metadataClient; // built on first use; shares client's connections
    private final Map<Object, SharedIndexInformer<?>> informers = new LinkedHashMap<>();
    private final Map<Object, Map<String, Function<?, List<String>>>> pendingIndexers =
            new HashMap<>();
    private boolean started;
    private boolean closed;

    /**
     * @param client the client the informers list and watch with
     * @param resyncPeriod how often every cached object is redelivered as an update; zero disables
     *     resync, otherwise at least one second
     */
    public SharedInformers(KubernetesClient client, Duration resyncPeriod) {
        this.client = Objects.requireNonNull(client, "client");
        if (!resyncPeriod.isZero() && resyncPeriod.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(
                    "resync period must be 0 or at least 1s but was " + resyncPeriod);
        }
        this.resyncMillis = resyncPeriod.toMillis();
    }

    /** The shared informer of a typed resource (Pod, Service, ...). */
    @SuppressWarnings("unchecked")
    public synchronized <T extends HasMetadata> SharedIndexInformer<T> informer(Class<T> type) {
        return (SharedIndexInformer<T>)
                informers.computeIfAbsent(
                        type,
                        t ->
                                configure(
                                        client.resources(type)
                                                .inAnyNamespace()
                                                .runnableInformer(resyncMillis),
                                        t));
    }

    /**
     * The shared informer of a resource addressed by group/version/plural (garbage collector,
     * namespaces).
     */
    @SuppressWarnings("unchecked")
    public synchronized SharedIndexInformer<GenericKubernetesResource> informer(
            ResourceDefinitionContext context) {
        String id = context.getGroup() + "/" + context.getVersion() + "/" + context.getPlural();
        return (SharedIndexInformer<GenericKubernetesResource>)
                informers.computeIfAbsent(
                        id,
                        k ->
                                configure(
                                        client.genericKubernetesResources(context)
                                                .inAnyNamespace()
                                                .runnableInformer(resyncMillis),
                                        k));
    }

    /**
     * The shared informer of the metadata of a resource addressed by group/version/plural: its
     * objects hold only {@code metadata} ({@link MetadataOnly}), as the metadata informers of
     * Kubernetes' garbage collector. A fraction of the memory and decoding of full objects for a
     * reader that needs names, owners and finalizers only.
     */
    @SuppressWarnings("unchecked")
    public synchronized SharedIndexInformer<GenericKubernetesResource> metadataInformer(
            ResourceDefinitionContext context) {
        String id =
                "metadata:"
                        + context.getGroup()
                        + "/"
                        + context.getVersion()
                        + "/"
                        + context.getPlural();
        return (SharedIndexInformer<GenericKubernetesResource>)
                informers.computeIfAbsent(
                        id,
                        k ->
                                configure(
                                        metadataClient()
                                                .genericKubernetesResources(context)
                                                .inAnyNamespace()
                                                .runnableInformer(resyncMillis),
                                        k));
    }

    public Cache<GenericKubernetesResource> metadataCache(ResourceDefinitionContext context) {
        return new Cache<>(metadataInformer(context));
    }

    private KubernetesClient metadataClient() {
        if (metadataClient == null) {
            metadataClient = MetadataOnly.client(client);
        }
        return metadataClient;
    }

    public <T extends HasMetadata> Cache<T> cache(Class<T> type) {
        return new Cache<>(informer(type));
    }

    public Cache<GenericKubernetesResource> cache(ResourceDefinitionContext context) {
        return new Cache<>(informer(context));
    }

    /**
     * Adds an index to the informer of {@code type}; a second registration under the same name is
     * ignored (the index is shared).
     */
    public synchronized <T extends HasMetadata> void addIndexer(
            Class<T> type, String indexName, Function<T, List<String>> indexFunction) {
        SharedIndexInformer<T> informer = informer(type);
        Map<String, Function<?, List<String>>> known =
                pendingIndexers.computeIfAbsent(type, t -> new HashMap<>());
        if (known.containsKey(indexName)) {
            return;
        }
        known.put(indexName, indexFunction);
        informer.addIndexers(Map.of(indexName, indexFunction));
    }

    private <T> SharedIndexInformer<T> configure(SharedIndexInformer<T> informer, Object id) {
        if (closed) {
            throw new IllegalStateException("the shared informers are closed");
        }
        informer.exceptionHandler(
                (isStarted, t) -> {
                    log.warn(
                            "Informer for {} failed ({}), retrying with back-off",
                            id,
                            t.toString());
                    return true;
                });
        if (started) {
            informer.start();
        }
        return informer;
    }

    /**
     * Starts every registered informer; returns at once (use {@link #hasSynced()} to poll).
     *
     * @return completes when each of them has completed its first list
     */
    public synchronized CompletableFuture<Void> start() {
        if (closed) {
            throw new IllegalStateException("the shared informers are closed");
        }
        if (started) {
            return CompletableFuture.completedFuture(null);
        }
        started = true;
        List<CompletableFuture<Void>> synced = new ArrayList<>();
        for (SharedIndexInformer<?> informer : informers.values()) {
            synced.add(informer.start().toCompletableFuture());
        }
        return CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new));
    }

    /** The informer of {@code type} when one was registered, without registering one. */
    @SuppressWarnings("unchecked")
    public synchronized <T extends HasMetadata> Optional<SharedIndexInformer<T>> existing(
            Class<T> type) {
        return Optional.ofNullable((SharedIndexInformer<T>) informers.get(type));
    }

    /** Whether every registered informer has completed its first list. */
    public synchronized boolean hasSynced() {
        for (SharedIndexInformer<?> informer : informers.values()) {
            if (!informer.hasSynced()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        List<SharedIndexInformer<?>> toStop;
        synchronized (this) {
            closed = true;
            toStop = new ArrayList<>(informers.values());
        }
        for (SharedIndexInformer<?> informer : toStop) {
            informer.stop();
        }
    }
}
