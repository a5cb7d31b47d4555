package io.j8s.dns;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link ServiceRecords} up to date from fabric8 informers on Services, EndpointSlices and
 * Namespaces in every namespace. An event only names its Service; the Service's entry is then
 * rebuilt from the caches on the informer's thread, so a missed or repeated event changes nothing
 * and an update is served as soon as the watch delivers it (the proxy's latency: both watch the
 * same objects).
 */
public final class ClusterWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterWatcher.class);
    private static final String BY_SERVICE = "byService";
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final ServiceRecords records;
    private final SharedIndexInformer<Service> services;
    private final SharedIndexInformer<EndpointSlice> slices;
    private final SharedIndexInformer<Namespace> namespaces;

    public ClusterWatcher(KubernetesClient client, ServiceRecords records) {
        this.records = records;
        this.services = client.services().inAnyNamespace().runnableInformer(0);
        this.slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
        this.namespaces = client.namespaces().runnableInformer(0);
        slices.addIndexers(
                Map.of(
                        BY_SERVICE,
                        s -> {
                            String key = sliceServiceKey(s);
                            return key == null ? List.of() : List.of(key);
                        }));
        services.exceptionHandler((started, t) -> retry("Services", started, t));
        slices.exceptionHandler((started, t) -> retry("EndpointSlices", started, t));
        namespaces.exceptionHandler((started, t) -> retry("Namespaces", started, t));
        services.addEventHandler(new KeyHandler<>(ClusterWatcher::serviceKey));
        slices.addEventHandler(new KeyHandler<>(ClusterWatcher::sliceServiceKey));
        namespaces.addEventHandler(new KeyHandler<>(n -> null));
    }

    /** Starts the informers; completes when all three caches hold a full list. */
    public CompletableFuture<Void> start() {
        return CompletableFuture.allOf(
                services.start().toCompletableFuture(),
                slices.start().toCompletableFuture(),
                namespaces.start().toCompletableFuture());
    }

    public boolean hasSynced() {
        return services.hasSynced() && slices.hasSynced() && namespaces.hasSynced();
    }

    @Override
    public void close() {
        services.stop();
        slices.stop();
        namespaces.stop();
    }

    /**
     * Rebuilds the entry of {@code namespace/name} from the caches. Serialized: the informers call
     * it from their own threads, and the last call reads the newest caches.
     */
    synchronized void sync(String key) {
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Service service = services.getIndexer().getByKey(key);
        try {
            ServiceRecords.Entry entry =
                    service == null
                            ? null
                            : ServiceRecords.Entry.of(
                                    service, slices.getIndexer().byIndex(BY_SERVICE, key));
            records.put(ns, name, entry);
            log.atDebug()
                    .addKeyValue("service", key)
                    .addKeyValue("kind", entry == null ? null : entry.kind())
                    .addKeyValue("endpoints", entry == null ? 0 : entry.endpoints().size())
                    .log("DNS records updated");
        } catch (RuntimeException e) {
            log.atWarn()
                    .setCause(e)
                    .addKeyValue("service", key)
                    .log("cannot index the Service for DNS");
        }
    }

    private synchronized void syncNamespaces() {
        Set<String> names = new HashSet<>();
        for (Namespace n : namespaces.getStore().list()) {
            if (n.getMetadata() != null && n.getMetadata().getName() != null) {
                names.add(n.getMetadata().getName());
            }
        }
        records.setNamespaces(names);
    }

    private boolean retry(String what, boolean started, Throwable t) {
        log.atWarn()
                .addKeyValue("resource", what)
                .addKeyValue("started", started)
                .log("watching {} for DNS failed, retrying: {}", what, t.toString());
        return true;
    }

    private static String serviceKey(Service s) {
        if (s.getMetadata() == null
                || s.getMetadata().getNamespace() == null
                || s.getMetadata().getName() == null) {
            return null;
        }
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }

    private static String sliceServiceKey(EndpointSlice s) {
        if (s.getMetadata() == null
                || s.getMetadata().getNamespace() == null
                || s.getMetadata().getLabels() == null) {
            return null;
        }
        String name = s.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
        return name == null || name.isEmpty() ? null : s.getMetadata().getNamespace() + "/" + name;
    }

    /** Rebuilds the entry of the Service an event concerns (for Namespaces, the namespace set). */
    private final class KeyHandler<T extends HasMetadata> implements ResourceEventHandler<T> {
        private final Function<T, String> keyOf;

        KeyHandler(Function<T, String> keyOf) {
            this.keyOf = keyOf;
        }

        @Override
        public void onAdd(T obj) {
            report(obj);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            String oldKey = keyOf.apply(oldObj);
            String newKey = keyOf.apply(newObj);
            if (oldKey != null && !oldKey.equals(newKey)) {
                sync(oldKey);
            }
            report(newObj);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            report(obj);
        }

        private void report(T obj) {
            if (obj instanceof Namespace) {
                syncNamespaces();
                return;
            }
            String key = obj == null ? null : keyOf.apply(obj);
            if (key != null) {
                sync(key);
            }
        }
    }
}
