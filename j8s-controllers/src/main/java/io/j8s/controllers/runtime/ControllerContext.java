package io.j8s.controllers.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.client.cache.SharedInformers;
import io.j8s.client.clock.DelayScheduler;
import io.j8s.client.record.EventRecorder;
import io.j8s.client.workqueue.ExponentialBackoffRateLimiter;
import io.j8s.client.workqueue.WorkQueue;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What a controller is built with: the shared informers (read side), its own API client (write
 * side, so each controller can act under its own identity), a clock, a meter registry, an event
 * recorder per component, and queue/loop factories with the manager's settings.
 *
 * <p>Thread-safe.
 */
public final class ControllerContext implements AutoCloseable {

    private final SharedInformers informers;
    private final Function<String, KubernetesClient> clients;
    private final Clock clock;
    private final MeterRegistry meterRegistry;
    private final DelayScheduler delayScheduler;
    private final ControllerSettings settings;
    private final Map<String, EventRecorder> recorders = new HashMap<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /**
     * @param clients gives the client a controller writes with, by the controller's identity name
     *     (see {@link ControllerSettings} and the manager's documentation)
     */
    public ControllerContext(
            SharedInformers informers,
            Function<String, KubernetesClient> clients,
            Clock clock,
            MeterRegistry meterRegistry,
            DelayScheduler delayScheduler,
            ControllerSettings settings) {
        this.informers = Objects.requireNonNull(informers, "informers");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
        this.delayScheduler = Objects.requireNonNull(delayScheduler, "delayScheduler");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public SharedInformers informers() {
        return informers;
    }

    /** The client the controller with identity {@code identity} writes with. */
    public KubernetesClient client(String identity) {
        return Objects.requireNonNull(
                clients.apply(identity), () -> "no client for identity " + identity);
    }

    public Clock clock() {
        return clock;
    }

    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public ControllerSettings settings() {
        return settings;
    }

    public DelayScheduler delayScheduler() {
        return delayScheduler;
    }

    /** The event recorder of {@code component}, writing with the client of that identity. */
    public synchronized EventRecorder eventRecorder(String component) {
        return recorders.computeIfAbsent(component, c -> new EventRecorder(client(c), c, clock));
    }

    /** A new work queue with the default per-item back-off (5 ms doubling). */
    public WorkQueue<String> newQueue(String name) {
        return new WorkQueue<>(
                name,
                ExponentialBackoffRateLimiter.controllerDefault(),
                delayScheduler,
                meterRegistry);
    }

    /** A new reconcile loop with the configured worker count and retry cap. */
    public ReconcileLoop newLoop(
            String name,
            WorkQueue<String> queue,
            Reconciler reconciler,
            int workers,
            List<BooleanSupplier> caches) {
        return new ReconcileLoop(
                name, queue, reconciler, workers, settings.maxRetries(), caches, meterRegistry);
    }

    /** Registers something to close with the context (after the controllers). */
    public synchronized void closeLater(AutoCloseable closeable) {
        closeables.add(closeable);
    }

    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            toClose = new ArrayList<>(closeables);
            toClose.addAll(recorders.values());
            closeables.clear();
            recorders.clear();
        }
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(ControllerContext.class)
                        .warn("Error closing {}: {}", c, e.toString());
            }
        }
    }
}
