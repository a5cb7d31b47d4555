package io.j8s.proxy.config;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.SharedInformers;
import io.j8s.proxy.model.DesiredStateBuilder;
import io.j8s.proxy.model.ServiceKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Watches Services and EndpointSlices in all namespaces through the client runtime's shared
 * informers (one {@link SharedInformers} of its own: the proxy shares its caches with nothing else
 * today) and reports which Service each event concerns. Event handlers only report the key; the
 * state is read back from the caches when the sync runs ({@link #service}, {@link #slices}), so a
 * missed or duplicated event changes nothing. A failed list or watch is retried with back-off, so
 * the watcher may start before the API server answers. Thread-safe: cache reads may happen on any
 * thread.
 */
public final class ServiceWatcher implements AutoCloseable {

    private static final String BY_SERVICE = "byService";

    private final SharedInformers informers;
    private final Cache<Service> services;
    private final Cache<EndpointSlice> slices;
    private final Consumer<ServiceKey> onChange;

    /**
     * Creates the informers without starting them.
     *
     * @param onChange called with the Service's key on every relevant event, on fabric8's informer
     *     thread; must return quickly
     */
    public ServiceWatcher(KubernetesClient client, Consumer<ServiceKey> onChange) {
        this.onChange = onChange;
        this.informers = new SharedInformers(client, Duration.ZERO);
        informers.addIndexer(EndpointSlice.class, BY_SERVICE, ServiceWatcher::serviceIndexKeys);
        this.services = informers.cache(Service.class);
        this.slices = informers.cache(EndpointSlice.class);
        services.informer().addEventHandler(keyHandler(ServiceWatcher::serviceKey));
        slices.informer().addEventHandler(keyHandler(ServiceWatcher::sliceServiceKey));
    }

    /**
     * Starts both informers. The future completes when both caches hold a full list; until the API
     * server answers, the informers keep retrying.
     */
    public CompletableFuture<Void> start() {
        return informers.start();
    }

    /** Whether both caches have been filled once. */
    public boolean hasSynced() {
        return informers.hasSynced();
    }

    /** The cached Service, or {@code null}. Never modify the returned object. */
    public Service service(ServiceKey key) {
        return services.get(key.namespace(), key.name()).orElse(null);
    }

    /** The cached EndpointSlices of a Service. Never modify the returned objects. */
    public List<EndpointSlice> slices(ServiceKey key) {
        return slices.byIndex(BY_SERVICE, key.toString());
    }

    /** Every Service known to either cache. */
    public Set<ServiceKey> keys() {
        Set<ServiceKey> keys = new HashSet<>();
        for (Service s : services.list()) {
            ServiceKey k = serviceKey(s);
            if (k != null) {
                keys.add(k);
            }
        }
        for (EndpointSlice s : slices.list()) {
            ServiceKey k = sliceServiceKey(s);
            if (k != null) {
                keys.add(k);
            }
        }
        return keys;
    }

    @Override
    public void close() {
        informers.close();
    }

    /** Reports the key of the old and the new object; does nothing else. */
    private <T> ResourceEventHandler<T> keyHandler(Function<T, ServiceKey> keyOf) {
        Consumer<T> report =
                obj -> {
                    ServiceKey key = obj == null ? null : keyOf.apply(obj);
                    if (key != null) {
                        onChange.accept(key);
                    }
                };
        return EventHandlers.of(
                report,
                (oldObj, newObj) -> {
                    report.accept(oldObj);
                    report.accept(newObj);
                },
                report);
    }

    private static ServiceKey serviceKey(Service s) {
        if (s.getMetadata() == null
                || s.getMetadata().getNamespace() == null
                || s.getMetadata().getName() == null) {
            return null;
        }
        return new ServiceKey(s.getMetadata().getNamespace(), s.getMetadata().getName());
    }

    private static ServiceKey sliceServiceKey(EndpointSlice s) {
        if (s.getMetadata() == null
                || s.getMetadata().getNamespace() == null
                || s.getMetadata().getLabels() == null) {
            return null;
        }
        String name = s.getMetadata().getLabels().get(DesiredStateBuilder.SERVICE_NAME_LABEL);
        if (name == null || name.isEmpty()) {
            return null;
        }
        return new ServiceKey(s.getMetadata().getNamespace(), name);
    }

    private static List<String> serviceIndexKeys(EndpointSlice s) {
        ServiceKey key = sliceServiceKey(s);
        return key == null ? List.of() : List.of(key.toString());
    }
}
