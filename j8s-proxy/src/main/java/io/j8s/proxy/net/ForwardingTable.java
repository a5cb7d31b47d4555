package io.j8s.proxy.net;

import io.j8s.proxy.ProxySettings;
import io.j8s.proxy.metrics.ProxyMetrics;
import io.j8s.proxy.model.ServiceKey;
import io.j8s.proxy.model.ServicePortName;
import io.j8s.proxy.model.ServicePortState;
import io.j8s.proxy.model.ServiceState;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane: for every proxied Service port, listeners on {@code clusterIP:port} (and the node
 * port) that forward new TCP connections and UDP flows to the port's endpoints. {@link #apply}
 * makes one Service's forwarding match its desired state: endpoint changes swap the backend set
 * without touching established connections, ports that appear or disappear open or close listeners,
 * and a listener that cannot be bound is logged and counted without affecting other Services.
 *
 * <p>Threading: {@link #apply}, {@link #retryFailedListeners}, {@link #expireAffinity} and {@link
 * #close} must be called from one thread at a time (the proxy's sync thread); they block while
 * sockets are bound or closed, so never call them from a Netty event loop. The forwarding itself
 * runs on the table's own event loops.
 */
public final class ForwardingTable implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ForwardingTable.class);

    private final ForwardingContext forwarding;
    private final String nodeName;
    private final SplittableRandom seeds = new SplittableRandom();
    private final Map<ServiceKey, Map<ServicePortName, ServicePortForwarder>> services =
            new HashMap<>();
    private boolean closed;

    /**
     * Starts the event loops (epoll when available and allowed by the settings, NIO otherwise).
     *
     * @param nodeName this proxy's node, for {@code internalTrafficPolicy: Local}
     */
    public ForwardingTable(
            ProxySettings settings, String nodeName, ProxyMetrics metrics, Clock clock) {
        Transport transport = settings.nativeTransport() ? Transport.detect() : Transport.nio();
        EventLoopGroup group = transport.newEventLoopGroup(settings.ioThreads(), "j8s-proxy-io");
        this.forwarding = new ForwardingContext(transport, group, settings, metrics, clock);
        this.nodeName = nodeName;
        log.atInfo()
                .addKeyValue("transport", transport.name())
                .addKeyValue("node", nodeName)
                .log("service proxy data plane started");
    }

    /** The transport in use: {@code epoll} or {@code nio}. */
    public String transport() {
        return forwarding.transport().name();
    }

    /**
     * Makes the forwarding of {@code desired.key()} match {@code desired}; an empty port list
     * removes the Service. Returns when the new backends are live and listeners are bound (or have
     * failed and been reported).
     */
    public void apply(ServiceState desired) {
        if (closed) {
            throw new IllegalStateException("forwarding table is closed");
        }
        ServiceKey key = desired.key();
        Map<ServicePortName, ServicePortForwarder> current =
                services.getOrDefault(key, new HashMap<>());
        Map<ServicePortName, ServicePortState> wanted = new HashMap<>();
        for (ServicePortState port : desired.ports()) {
            wanted.put(port.name(), port);
        }
        // Close removed ports first, so that a port that moved between names can be bound again.
        boolean changedExisting = false;
        for (ServicePortName name : new ArrayList<>(current.keySet())) {
            if (!wanted.containsKey(name)) {
                current.remove(name).close();
                changedExisting = true;
            }
        }
        for (ServicePortState port : desired.ports()) {
            ServicePortForwarder forwarder = current.get(port.name());
            if (forwarder == null) {
                current.put(
                        port.name(),
                        new ServicePortForwarder(forwarding, nodeName, seeds.split(), port));
            } else if (!forwarder.state().equals(port)) {
                forwarder.update(port);
                changedExisting = true;
            }
        }
        if (changedExisting) {
            // A port may want an address that another port of this Service released later in this
            // pass (two ports swapping numbers): one more try for this Service's failed listeners.
            current.values().forEach(ServicePortForwarder::retryFailedListeners);
        }
        if (current.isEmpty()) {
            if (services.remove(key) != null) {
                log.atInfo()
                        .addKeyValue("service", key.toString())
                        .log("service no longer proxied");
            }
        } else {
            services.put(key, current);
        }
    }

    /** Tries again to bind every listener that failed to bind. */
    public void retryFailedListeners() {
        services.values()
                .forEach(
                        ports ->
                                ports.values().forEach(ServicePortForwarder::retryFailedListeners));
    }

    /** Drops expired session-affinity entries everywhere; returns how many went. */
    public int expireAffinity() {
        int expired = 0;
        for (Map<ServicePortName, ServicePortForwarder> ports : services.values()) {
            for (ServicePortForwarder forwarder : ports.values()) {
                expired += forwarder.expireAffinity();
            }
        }
        return expired;
    }

    /** The Services with at least one proxied port. */
    public Set<ServiceKey> services() {
        return new HashSet<>(services.keySet());
    }

    /** The desired state last applied to one port, if it is proxied. */
    public Optional<ServicePortState> state(ServicePortName name) {
        return Optional.ofNullable(services.getOrDefault(name.service(), Map.of()).get(name))
                .map(ServicePortForwarder::state);
    }

    /** The endpoints ClusterIP traffic of one port is balanced over now, sorted. */
    public List<String> clusterBackends(ServicePortName name) {
        ServicePortForwarder f = services.getOrDefault(name.service(), Map.of()).get(name);
        return f == null ? List.of() : f.clusterBackends();
    }

    /** Whether the port's ClusterIP listener is bound. */
    public boolean isListening(ServicePortName name) {
        ServicePortForwarder f = services.getOrDefault(name.service(), Map.of()).get(name);
        return f != null && f.isListening();
    }

    /**
     * Closes every listener and shuts the event loops down, which also ends established
     * connections. Idempotent; blocks until the event loops have stopped (a few seconds at most).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Map<ServicePortName, ServicePortForwarder> ports : services.values()) {
            ports.values().forEach(ServicePortForwarder::close);
        }
        services.clear();
        forwarding.group().shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5000);
    }
}
