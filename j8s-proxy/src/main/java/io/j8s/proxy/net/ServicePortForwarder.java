package io.j8s.proxy.net;

import io.j8s.proxy.balance.Backend;
import io.j8s.proxy.balance.EndpointSelection;
import io.j8s.proxy.balance.ServicePortBalancer;
import io.j8s.proxy.metrics.EndpointMeters;
import io.j8s.proxy.metrics.ProxyMetrics;
import io.j8s.proxy.model.EndpointState;
import io.j8s.proxy.model.Ipv4;
import io.j8s.proxy.model.ServicePortState;
import io.j8s.proxy.model.TrafficPolicy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarding of one Service port: its listeners (ClusterIP, and node port when it has one), one
 * backend per endpoint (kept across updates, with its connection count and meters), and a route per
 * listener that chooses among the endpoints that listener may use. Not thread-safe: only the sync
 * thread calls it; handlers see routes and backends, which are thread-safe.
 */
final class ServicePortForwarder {

    private static final Logger log = LoggerFactory.getLogger(ServicePortForwarder.class);

    private final ForwardingContext forwarding;
    private final String nodeName;
    private final SplittableRandom seeds;
    private final Map<String, Backend> backends = new HashMap<>();

    /** Meters of the backends that had traffic; registered on first use (guarded by itself). */
    private final Map<Backend, EndpointMeters> meters = new ConcurrentHashMap<>();

    /** The backends of the current endpoints, readable from the event loops. */
    private final Set<Backend> live = ConcurrentHashMap.newKeySet();

    private final Slot cluster = new Slot("ClusterIP");
    private final Slot node = new Slot("node port");
    private ServicePortState state;

    ServicePortForwarder(
            ForwardingContext forwarding,
            String nodeName,
            SplittableRandom seeds,
            ServicePortState initial) {
        this.forwarding = forwarding;
        this.nodeName = nodeName;
        this.seeds = seeds;
        update(initial);
    }

    ServicePortState state() {
        return state;
    }

    /** Brings backends, balancers and listeners in line with {@code next}. */
    void update(ServicePortState next) {
        ServicePortState previous = state;
        state = next;
        refreshBackends(next.endpoints());
        boolean newBalancers =
                previous == null
                        || previous.policy() != next.policy()
                        || !previous.affinityTimeout().equals(next.affinityTimeout());
        cluster.program(next.internalTrafficPolicy(), newBalancers);
        node.program(next.externalTrafficPolicy(), newBalancers);

        InetSocketAddress clusterAddress =
                new InetSocketAddress(Ipv4.toAddress(next.clusterIp()), next.port());
        cluster.listenOn(clusterAddress);
        node.listenOn(
                next.nodePort() == 0
                        ? null
                        : new InetSocketAddress(
                                Ipv4.toAddress(forwarding.settings().nodePortAddress()),
                                next.nodePort()));
    }

    /** Tries again to bind listeners that failed before. */
    void retryFailedListeners() {
        cluster.retry();
        node.retry();
    }

    int expireAffinity() {
        return cluster.expireAffinity() + node.expireAffinity();
    }

    /** Stops listening. Established connections are left to finish. */
    void close() {
        cluster.listenOn(null);
        node.listenOn(null);
        live.clear();
        synchronized (meters) {
            for (EndpointMeters m : meters.values()) {
                forwarding.metrics().remove(m);
            }
            meters.clear();
        }
        backends.clear();
    }

    /** For tests: the addresses each listener currently balances over. */
    List<String> clusterBackends() {
        return cluster.route == null
                ? List.of()
                : cluster.route.balancer().backends().stream()
                        .map(Backend::address)
                        .sorted()
                        .toList();
    }

    boolean isListening() {
        return cluster.listener != null;
    }

    private void refreshBackends(List<EndpointState> endpoints) {
        Map<String, Backend> wanted = new HashMap<>();
        for (EndpointState e : endpoints) {
            Backend b = backends.get(e.address());
            if (b == null) {
                b = Backend.of(e);
                live.add(b);
            }
            wanted.put(e.address(), b);
        }
        for (Map.Entry<String, Backend> old : backends.entrySet()) {
            if (!wanted.containsKey(old.getKey())) {
                live.remove(old.getValue());
                synchronized (meters) {
                    EndpointMeters m = meters.remove(old.getValue());
                    if (m != null) {
                        forwarding.metrics().remove(m);
                    }
                }
            }
        }
        backends.clear();
        backends.putAll(wanted);
    }

    /**
     * The meters of a backend, registered with its first connection: a Service's endpoints get
     * series in {@code /metrics} only once traffic reaches them, so 150,000 endpoints that this
     * node's clients never use cost no series (five each). A connection that picked a backend just
     * as it was removed counts into meters that are not exported.
     */
    private EndpointMeters metersFor(Backend backend) {
        EndpointMeters m = meters.get(backend);
        if (m != null) {
            return m;
        }
        synchronized (meters) {
            if (!live.contains(backend)) {
                return ProxyMetrics.DETACHED;
            }
            return meters.computeIfAbsent(
                    backend,
                    b ->
                            forwarding
                                    .metrics()
                                    .endpoint(
                                            state.name().service().namespace(),
                                            state.name().service().name(),
                                            state.portTag(),
                                            b.address(),
                                            b.activeCounter()));
        }
    }

    private List<Backend> usableBackends(TrafficPolicy policy) {
        List<Backend> usable = new ArrayList<>();
        for (EndpointState e : EndpointSelection.usable(state.endpoints(), policy, nodeName)) {
            usable.add(backends.get(e.address()));
        }
        return usable;
    }

    /** One listener with its route; absent addresses mean "do not listen". */
    private final class Slot {
        private final String kind;
        private Route route;
        private Listener listener;
        private InetSocketAddress wanted;
        private boolean failing;

        Slot(String kind) {
            this.kind = kind;
        }

        void program(TrafficPolicy policy, boolean newBalancer) {
            if (route == null || newBalancer) {
                ServicePortBalancer balancer =
                        new ServicePortBalancer(
                                state.policy(),
                                state.affinityTimeout(),
                                forwarding.clock(),
                                seeds.split());
                balancer.setBackends(usableBackends(policy));
                if (route == null) {
                    String ns = state.name().service().namespace();
                    String svc = state.name().service().name();
                    route =
                            new Route(
                                    state.name(),
                                    state.name() + " (" + kind + ")",
                                    balancer,
                                    ServicePortForwarder.this::metersFor,
                                    forwarding
                                            .metrics()
                                            .rejected(ns, svc, state.portTag(), "no_endpoints"),
                                    forwarding
                                            .metrics()
                                            .rejected(ns, svc, state.portTag(), "connect_failed"));
                } else {
                    route.setBalancer(balancer);
                }
            } else {
                route.balancer().setBackends(usableBackends(policy));
            }
        }

        void listenOn(InetSocketAddress address) {
            if (Objects.equals(address, wanted) && (listener != null || failing)) {
                return;
            }
            if (listener != null) {
                listener.close();
                forwarding.metrics().listeners().decrementAndGet();
                log.atInfo()
                        .addKeyValue("service", state.name().service().toString())
                        .addKeyValue("port", state.name().portName())
                        .addKeyValue("listener", listener)
                        .log("stopped listening");
                listener = null;
            }
            setFailing(false);
            wanted = address;
            if (address != null) {
                bind();
            }
        }

        void retry() {
            if (failing && wanted != null) {
                bind();
            }
        }

        int expireAffinity() {
            return route == null ? 0 : route.balancer().expireAffinity();
        }

        private void bind() {
            String service = state.name().service().toString();
            try {
                listener = Listener.bind(forwarding, state.name().protocol(), wanted, route);
                forwarding.metrics().listeners().incrementAndGet();
                setFailing(false);
                log.atInfo()
                        .addKeyValue("service", service)
                        .addKeyValue("port", state.name().portName())
                        .addKeyValue("listener", listener)
                        .log("listening for {}", kind);
            } catch (Listener.BindException e) {
                boolean alreadyFailing = failing;
                setFailing(true);
                forwarding
                        .metrics()
                        .bindFailed(
                                state.name().service().namespace(),
                                state.name().service().name(),
                                state.portTag(),
                                wanted.getAddress().getHostAddress() + ":" + wanted.getPort());
                // Warn when a listener starts failing; retries that fail again are only debug
                // noise.
                (alreadyFailing ? log.atDebug() : log.atWarn())
                        .addKeyValue("service", service)
                        .addKeyValue("port", state.name().portName())
                        .addKeyValue("protocol", state.name().protocol())
                        .log("cannot proxy {} {}: {}", kind, service, e.getMessage());
            }
        }

        private void setFailing(boolean value) {
            if (failing != value) {
                failing = value;
                if (value) {
                    forwarding.metrics().failedListeners().incrementAndGet();
                } else {
                    forwarding.metrics().failedListeners().decrementAndGet();
                }
            }
        }
    }
}
