package io.j8s.node.probe;

import io.fabric8.kubernetes.api.model.Container;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Creates probe workers that share one scheduler and one prober: no thread per probe. Thread-safe.
 * Publishes {@code j8s_node_probe_results_total{node, probe_type, result}}.
 */
public final class ProbeManager {

    private final ScheduledExecutorService scheduler;
    private final Prober prober;
    private final Clock clock;
    private final MeterRegistry registry;
    private final String node;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /**
     * @param scheduler runs the probe ticks; tasks are short and never block
     * @param prober performs the attempts (its executor absorbs blocking network I/O)
     */
    public ProbeManager(
            ScheduledExecutorService scheduler,
            Prober prober,
            Clock clock,
            MeterRegistry registry,
            String node) {
        this.scheduler = scheduler;
        this.prober = prober;
        this.clock = clock;
        this.registry = registry;
        this.node = node;
    }

    /** A new, not yet started worker for one probe of one container instance. */
    public ProbeWorker newWorker(
            ProbeSpec spec,
            Container container,
            String podIp,
            ProbeWorker.Target target,
            ProbeWorker.Listener listener) {
        return new ProbeWorker(this, spec, container, podIp, target, listener);
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    Prober prober() {
        return prober;
    }

    Clock clock() {
        return clock;
    }

    void countResult(ProbeType type, ProbeResult result) {
        counters.computeIfAbsent(
                        type.name() + "/" + result.name(),
                        k ->
                                Counter.builder("j8s.node.probe.results")
                                        .description("Probe attempts by probe type and result")
                                        .tag("node", node)
                                        .tag("probe_type", type.name().toLowerCase())
                                        .tag("result", result.name().toLowerCase())
                                        .register(registry))
                .increment();
    }
}
