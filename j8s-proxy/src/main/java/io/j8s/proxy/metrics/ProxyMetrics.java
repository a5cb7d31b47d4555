package io.j8s.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopCounter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every meter of the service proxy, with its name in one place. Names are Micrometer's dotted form;
 * the Prometheus registry exposes them as shown in each constant's comment. Thread-safe.
 */
public final class ProxyMetrics {

    /** {@code j8s_proxy_endpoint_connections_total}{namespace,service,port,endpoint}. */
    public static final String ENDPOINT_CONNECTIONS = "j8s.proxy.endpoint.connections";

    /** {@code j8s_proxy_endpoint_connect_failures_total}{namespace,service,port,endpoint}. */
    public static final String ENDPOINT_CONNECT_FAILURES = "j8s.proxy.endpoint.connect.failures";

    /** {@code j8s_proxy_endpoint_bytes_sent_total}: client to endpoint. */
    public static final String ENDPOINT_BYTES_SENT = "j8s.proxy.endpoint.bytes.sent";

    /** {@code j8s_proxy_endpoint_bytes_received_total}: endpoint to client. */
    public static final String ENDPOINT_BYTES_RECEIVED = "j8s.proxy.endpoint.bytes.received";

    /** {@code j8s_proxy_endpoint_active_connections}: open connections / UDP flows now. */
    public static final String ENDPOINT_ACTIVE_CONNECTIONS =
            "j8s.proxy.endpoint.active.connections";

    /** {@code j8s_proxy_active_connections}: open connections / UDP flows over all Services. */
    public static final String ACTIVE_CONNECTIONS = "j8s.proxy.active.connections";

    /**
     * {@code j8s_proxy_rejected_connections_total}{namespace,service,port,reason}: connections
     * reset (TCP) or packets dropped (UDP) for want of a usable endpoint.
     */
    public static final String REJECTED_CONNECTIONS = "j8s.proxy.rejected.connections";

    /** {@code j8s_proxy_bind_failures_total}{namespace,service,port,address}. */
    public static final String BIND_FAILURES = "j8s.proxy.bind.failures";

    /** {@code j8s_proxy_listeners}: listening sockets now open. */
    public static final String LISTENERS = "j8s.proxy.listeners";

    /** {@code j8s_proxy_listeners_failed}: listeners wanted but not bound right now. */
    public static final String LISTENERS_FAILED = "j8s.proxy.listeners.failed";

    /** {@code j8s_proxy_sync_duration_seconds}: one application of changes to the tables. */
    public static final String SYNC_DURATION = "j8s.proxy.sync.duration";

    /**
     * {@code j8s_proxy_network_programming_duration_seconds}: from an EndpointSlice's {@code
     * endpoints.kubernetes.io/last-change-trigger-time} to the new backends being live.
     */
    public static final String NETWORK_PROGRAMMING_DURATION =
            "j8s.proxy.network.programming.duration";

    /** Meters that count into nothing, for connections to endpoints already removed. */
    public static final EndpointMeters DETACHED = detached();

    private final MeterRegistry registry;
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final AtomicInteger listeners = new AtomicInteger();
    private final AtomicInteger failedListeners = new AtomicInteger();
    private final Timer syncDuration;
    private final Timer programmingDuration;

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(ACTIVE_CONNECTIONS, activeConnections, AtomicInteger::get)
                .description("Open proxied connections and UDP flows")
                .register(registry);
        Gauge.builder(LISTENERS, listeners, AtomicInteger::get)
                .description("Listening sockets of the service proxy")
                .register(registry);
        Gauge.builder(LISTENERS_FAILED, failedListeners, AtomicInteger::get)
                .description("Service listeners that could not be bound")
                .register(registry);
        this.syncDuration =
                Timer.builder(SYNC_DURATION)
                        .description("Time to apply one batch of Service/EndpointSlice changes")
                        .publishPercentileHistogram()
                        .register(registry);
        this.programmingDuration =
                Timer.builder(NETWORK_PROGRAMMING_DURATION)
                        .description(
                                "From an endpoint change (last-change-trigger-time) to the proxy forwarding"
                                        + " to the new endpoints")
                        .serviceLevelObjectives(buckets())
                        .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Registers (or finds) the meters of one endpoint of one Service port. */
    public EndpointMeters endpoint(
            String namespace, String service, String port, String endpoint, AtomicInteger active) {
        Tags tags =
                Tags.of(
                        "namespace",
                        namespace,
                        "service",
                        service,
                        "port",
                        port,
                        "endpoint",
                        endpoint);
        Counter connections =
                Counter.builder(ENDPOINT_CONNECTIONS)
                        .tags(tags)
                        .description("Connections established to the endpoint")
                        .register(registry);
        Counter failures =
                Counter.builder(ENDPOINT_CONNECT_FAILURES)
                        .tags(tags)
                        .description("Failed connection attempts to the endpoint")
                        .register(registry);
        Counter sent =
                Counter.builder(ENDPOINT_BYTES_SENT)
                        .tags(tags)
                        .description("Bytes forwarded from clients to the endpoint")
                        .register(registry);
        Counter received =
                Counter.builder(ENDPOINT_BYTES_RECEIVED)
                        .tags(tags)
                        .description("Bytes forwarded from the endpoint to clients")
                        .register(registry);
        Gauge gauge =
                Gauge.builder(ENDPOINT_ACTIVE_CONNECTIONS, active, AtomicInteger::get)
                        .tags(tags)
                        .description("Open connections to the endpoint")
                        .register(registry);
        List<Meter> all = new ArrayList<>(List.of(connections, failures, sent, received, gauge));
        return new EndpointMeters(connections, failures, sent, received, all);
    }

    /** Unregisters an endpoint's meters once the endpoint is gone, to bound cardinality. */
    public void remove(EndpointMeters meters) {
        meters.registered().forEach(registry::remove);
    }

    /** The rejection counter of one Service port for one reason. */
    public Counter rejected(String namespace, String service, String port, String reason) {
        return Counter.builder(REJECTED_CONNECTIONS)
                .tags("namespace", namespace, "service", service, "port", port, "reason", reason)
                .description("Connections or datagrams rejected for want of a usable endpoint")
                .register(registry);
    }

    public void bindFailed(String namespace, String service, String port, String address) {
        Counter.builder(BIND_FAILURES)
                .tags("namespace", namespace, "service", service, "port", port, "address", address)
                .description("Failed attempts to bind a Service listener")
                .register(registry)
                .increment();
    }

    public AtomicInteger activeConnections() {
        return activeConnections;
    }

    public AtomicInteger listeners() {
        return listeners;
    }

    public AtomicInteger failedListeners() {
        return failedListeners;
    }

    public Timer syncDuration() {
        return syncDuration;
    }

    public Timer programmingDuration() {
        return programmingDuration;
    }

    private static EndpointMeters detached() {
        Meter.Id id =
                new Meter.Id("j8s.proxy.detached", Tags.empty(), null, null, Meter.Type.COUNTER);
        Counter noop = new NoopCounter(id);
        return new EndpointMeters(noop, noop, noop, noop, List.of());
    }

    private static Duration[] buckets() {
        double[] seconds = {
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300
        };
        Duration[] out = new Duration[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            out[i] = Duration.ofNanos((long) (seconds[i] * 1_000_000_000L));
        }
        return out;
    }
}
