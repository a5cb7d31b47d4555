package io.j8s.proxy.config;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.j8s.proxy.model.DesiredStateBuilder;
import io.j8s.proxy.model.ServiceKey;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Services and EndpointSlices in all namespaces through fabric8 informers and reports
 * which Service each event concerns. Event handlers only report the key; the state is read back
 * from the caches when the sync runs ({@link #service}, {@link #slices}), so a missed or
 * duplicated event changes nothing. Thread-safe: cache reads may happen on any thread.
 */
public final class ServiceWatcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ServiceWatcher.class);
  private static final String BY_SERVICE = "byService";

  private final SharedIndexInformer<Service> services;
  private final SharedIndexInformer<EndpointSlice> slices;
  private final Consumer<ServiceKey> onChange;

  /**
   * Creates the informers without starting them.
   *
   * @param onChange called with the Service's key on every relevant event, on fabric8's
   *     informer thread; must return quickly
   */
  public ServiceWatcher(KubernetesClient client, Consumer<ServiceKey> onChange) {
    this.onChange = onChange;
    this.services = client.services().inAnyNamespace().runnableInformer(0);
    this.slices = client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0);
    slices.addIndexers(Map.of(BY_SERVICE, ServiceWatcher::serviceIndexKeys));
    services.exceptionHandler((started, t) -> retry("Services", started, t));
    slices.exceptionHandler((started, t) -> retry("EndpointSlices", started, t));
    services.addEventHandler(new KeyHandler<>(ServiceWatcher::serviceKey));
    slices.addEventHandler(new KeyHandler<>(ServiceWatcher::sliceServiceKey));
  }

  /**
   * Starts both informers. The future completes when both caches hold a full list; until the
   * API server answers, the informers keep retrying.
   */
  public CompletableFuture<Void> start() {
    return CompletableFuture.allOf(services.start().toCompletableFuture(),
        slices.start().toCompletableFuture());
  }

  /** Whether both caches have been filled once. */
  public boolean hasSynced() {
    return services.hasSynced() && slices.hasSynced();
  }

  /** The cached Service, or {@code null}. Never modify the returned object. */
  public Service service(ServiceKey key) {
    return services.getIndexer().getByKey(key.namespace() + "/" + key.name());
  }

  /** The cached EndpointSlices of a Service. Never modify the returned objects. */
  public List<EndpointSlice> slices(ServiceKey key) {
    return slices.getIndexer().byIndex(BY_SERVICE, key.toString());
  }

  /** Every Service known to either cache. */
  public Set<ServiceKey> keys() {
    Set<ServiceKey> keys = new HashSet<>();
    for (Service s : services.getStore().list()) {
      ServiceKey k = serviceKey(s);
      if (k != null) {
        keys.add(k);
      }
    }
    for (EndpointSlice s : slices.getStore().list()) {
      ServiceKey k = sliceServiceKey(s);
      if (k != null) {
        keys.add(k);
      }
    }
    return keys;
  }

  @Override
  public void close() {
    services.stop();
    slices.stop();
  }

  private boolean retry(String what, boolean started, Throwable t) {
    log.atWarn().addKeyValue("resource", what).addKeyValue("started", started)
        .log("watching {} failed, retrying: {}", what, t.toString());
    return true;
  }

  private static ServiceKey serviceKey(Service s) {
    if (s.getMetadata() == null || s.getMetadata().getNamespace() == null
        || s.getMetadata().getName() == null) {
      return null;
    }
    return new ServiceKey(s.getMetadata().getNamespace(), s.getMetadata().getName());
  }

  private static ServiceKey sliceServiceKey(EndpointSlice s) {
    if (s.getMetadata() == null || s.getMetadata().getNamespace() == null
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

  /** Reports the key of the old and the new object; does nothing else. */
  private final class KeyHandler<T extends HasMetadata> implements ResourceEventHandler<T> {
    private final java.util.function.Function<T, ServiceKey> keyOf;

    KeyHandler(java.util.function.Function<T, ServiceKey> keyOf) {
      this.keyOf = keyOf;
    }

    @Override
    public void onAdd(T obj) {
      report(obj);
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
      report(oldObj);
      report(newObj);
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
      report(obj);
    }

    private void report(T obj) {
      ServiceKey key = obj == null ? null : keyOf.apply(obj);
      if (key != null) {
        onChange.accept(key);
      }
    }
  }
}
