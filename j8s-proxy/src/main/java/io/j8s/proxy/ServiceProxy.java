package io.j8s.proxy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.proxy.config.ProgrammingLatency;
import io.j8s.proxy.config.ServiceWatcher;
import io.j8s.proxy.config.SyncRunner;
import io.j8s.proxy.metrics.ProxyMetrics;
import io.j8s.proxy.model.DesiredStateBuilder;
import io.j8s.proxy.model.ServiceKey;
import io.j8s.proxy.model.ServiceState;
import io.j8s.proxy.net.ForwardingTable;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service proxy of one host (kube-proxy's job): watches Services and EndpointSlices through the
 * Kubernetes API and forwards connections to each Service's {@code clusterIP:port} (and node ports)
 * to the Service's endpoints.
 *
 * <p>Structure, as kube-proxy's: a {@link ServiceWatcher} whose event handlers only mark Services
 * dirty; a {@link SyncRunner} that, at most once per {@code minSyncPeriod}, rebuilds each dirty
 * Service's desired state from the informer caches ({@link DesiredStateBuilder}) and applies it to
 * the {@link ForwardingTable}.
 *
 * <p>Lifecycle: construct, {@link #start()} once, {@link #close()} once. Thread-safe.
 */
public final class ServiceProxy implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceProxy.class);

    private final KubernetesClient client;
    private final String nodeName;
    private final ProxySettings settings;
    private final ProxyMetrics metrics;
    private final Clock clock;
    private final Set<ServiceKey> dirty = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    // Set by start(); read by the sync thread and close().
    private volatile ServiceWatcher watcher;
    private volatile SyncRunner runner;
    private volatile ForwardingTable table;
    private volatile boolean cachesSynced;
    private boolean started;
    private boolean closed;

    // Confined to the sync thread.
    private final Set<ServiceKey> failed = new HashSet<>();
    private final Map<ServiceKey, List<String>> warnings = new HashMap<>();
    private ProgrammingLatency latency;
    private long lastHousekeepingNanos;

    /**
     * @param client the API client (not closed by this proxy)
     * @param nodeName this host's Node name, for {@code internalTrafficPolicy: Local}
     * @param settings host-wide settings
     * @param registry where the proxy's meters go (see {@link ProxyMetrics})
     * @param clock time source for session affinity and programming latency
     */
    public ServiceProxy(
            KubernetesClient client,
            String nodeName,
            ProxySettings settings,
            MeterRegistry registry,
            Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = new ProxyMetrics(Objects.requireNonNull(registry, "registry"));
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Starts the data plane's event loops, the informers and the sync thread. Does not block on the
     * API server: see {@link #ready()}.
     *
     * @throws IllegalStateException when called twice or after {@link #close()}
     */
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException(
                    closed ? "service proxy is closed" : "service proxy already started");
        }
        started = true;
        latency = new ProgrammingLatency(clock.instant(), metrics.programmingDuration(), clock);
        table = new ForwardingTable(settings, nodeName, metrics, clock);
        runner =
                new SyncRunner(
                        "j8s-proxy-sync",
                        settings.minSyncPeriod(),
                        settings.syncPeriod(),
                        this::sync);
        watcher = new ServiceWatcher(client, this::markDirty);
        runner.start();
        watcher.start()
                .whenComplete(
                        (v, t) -> {
                            if (t != null) {
                                log.atError()
                                        .setCause(t)
                                        .log("service proxy informers failed to start");
                                ready.completeExceptionally(t);
                                return;
                            }
                            log.atInfo()
                                    .addKeyValue("node", nodeName)
                                    .log("Service and EndpointSlice caches synced");
                            cachesSynced = true;
                            runner.request();
                        });
        log.atInfo()
                .addKeyValue("node", nodeName)
                .addKeyValue("lbPolicy", settings.lbPolicy())
                .addKeyValue("transport", table.transport())
                .log("service proxy started");
    }

    /**
     * Completes once the caches have synced and every Service known then has been programmed into
     * the forwarding table; fails if the informers cannot start.
     */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** The proxy's meters. */
    public ProxyMetrics metrics() {
        return metrics;
    }

    /**
     * Stops watching, stops the sync thread, closes every listener and ends established
     * connections. Idempotent; blocks for a few seconds at most.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (watcher != null) {
            watcher.close();
        }
        if (runner != null) {
            runner.close();
        }
        if (table != null) {
            table.close();
        }
        ready.completeExceptionally(new IllegalStateException("service proxy closed"));
        log.atInfo().addKeyValue("node", nodeName).log("service proxy stopped");
    }

    private void markDirty(ServiceKey key) {
        dirty.add(key);
        if (cachesSynced) {
            runner.request();
        }
    }

    /** One pass of the sync thread: program every dirty Service, then housekeeping if due. */
    private void sync() {
        if (!cachesSynced) {
            return;
        }
        long start = System.nanoTime();
        List<ServiceKey> keys = new ArrayList<>(dirty);
        dirty.removeAll(keys);
        if (!ready.isDone()) {
            keys.addAll(watcher.keys());
        }
        for (ServiceKey key : keys) {
            syncService(key);
        }
        if (start - lastHousekeepingNanos >= settings.syncPeriod().toNanos()) {
            lastHousekeepingNanos = start;
            dirty.addAll(failed);
            failed.clear();
            table.retryFailedListeners();
            table.expireAffinity();
        }
        metrics.syncDuration().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        ready.complete(null);
    }

    private void syncService(ServiceKey key) {
        try {
            Service service = watcher.service(key);
            List<EndpointSlice> slices = watcher.slices(key);
            ServiceState desired =
                    DesiredStateBuilder.build(key, service, slices, settings.lbPolicy());
            reportWarnings(desired);
            table.apply(desired);
            latency.programmed(key, slices);
        } catch (RuntimeException e) {
            failed.add(key);
            log.atError()
                    .addKeyValue("service", key.toString())
                    .setCause(e)
                    .log("programming service failed; will retry");
        }
    }

    /** Logs a Service's warnings when they change, not on every sync. */
    private void reportWarnings(ServiceState desired) {
        List<String> previous = warnings.getOrDefault(desired.key(), List.of());
        if (desired.warnings().equals(previous)) {
            return;
        }
        for (String warning : desired.warnings()) {
            if (!previous.contains(warning)) {
                log.atWarn()
                        .addKeyValue("service", desired.key().toString())
                        .log("service {}: {}", desired.key(), warning);
            }
        }
        if (desired.warnings().isEmpty()) {
            warnings.remove(desired.key());
        } else {
            warnings.put(desired.key(), desired.warnings());
        }
    }
}
