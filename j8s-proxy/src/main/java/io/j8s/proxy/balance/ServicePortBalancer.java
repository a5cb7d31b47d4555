package io.j8s.proxy.balance;

import io.j8s.proxy.model.LbPolicy;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Chooses endpoints for one listener of one Service port: the policy's choice, overridden by
 * ClientIP session affinity when the Service asks for it. Thread-safe: every method holds this
 * object's monitor, and none blocks (callers are Netty event loops).
 *
 * <p>Contract with the data plane: every backend returned by {@link #pick} counts as one active
 * connection until {@link Backend#release()} is called for it, exactly once, when the connection
 * attempt fails or the connection ends.
 */
public final class ServicePortBalancer {

    private final LbPolicy policy;
    private final Optional<Duration> affinityTimeout;
    private final Balancer balancer;
    private final ClientIpAffinity affinity; // null without session affinity
    private Map<String, Backend> byAddress = Map.of();

    public ServicePortBalancer(
            LbPolicy policy,
            Optional<Duration> affinityTimeout,
            Clock clock,
            RandomGenerator random) {
        this.policy = policy;
        this.affinityTimeout = affinityTimeout;
        this.balancer =
                switch (policy) {
                    case ROUND_ROBIN -> new RoundRobinBalancer(random);
                    case RANDOM -> new RandomBalancer(random);
                    case LEAST_CONNECTIONS -> new LeastConnectionsBalancer();
                };
        this.affinity = affinityTimeout.map(t -> new ClientIpAffinity(t, clock)).orElse(null);
    }

    public LbPolicy policy() {
        return policy;
    }

    public Optional<Duration> affinityTimeout() {
        return affinityTimeout;
    }

    /**
     * Replaces the usable backends. Affinity entries pointing at endpoints that are gone are
     * dropped; connections already established are not affected.
     */
    public synchronized void setBackends(List<Backend> backends) {
        Map<String, Backend> next = new HashMap<>();
        for (Backend b : backends) {
            next.put(b.address(), b);
        }
        byAddress = Map.copyOf(next);
        balancer.setBackends(backends);
        if (affinity != null) {
            affinity.retain(new HashSet<>(next.keySet()));
        }
    }

    /** The usable backends, in no particular order. */
    public synchronized List<Backend> backends() {
        return List.copyOf(byAddress.values());
    }

    /**
     * Chooses the backend for a new connection from {@code client}.
     *
     * @param failed backends that already failed to connect for this connection; when non-empty,
     *     session affinity is bypassed and the new choice is pinned instead
     * @return the backend, already counted as active; {@code null} when there are no usable
     *     endpoints (the connection must then be rejected)
     */
    public synchronized Backend pick(InetAddress client, Set<Backend> failed) {
        if (byAddress.isEmpty()) {
            return null;
        }
        Backend chosen = null;
        if (affinity != null && failed.isEmpty()) {
            String pinned = affinity.lookup(client);
            if (pinned != null) {
                chosen = byAddress.get(pinned);
            }
        }
        if (chosen == null) {
            chosen = balancer.next(failed);
            if (affinity != null) {
                affinity.pin(client, chosen.address());
            }
        }
        chosen.acquire();
        return chosen;
    }

    /** Drops expired affinity entries; returns how many went. */
    public synchronized int expireAffinity() {
        return affinity == null ? 0 : affinity.expire();
    }

    /** Clients currently pinned (0 without affinity). */
    public synchronized int affinityEntries() {
        return affinity == null ? 0 : affinity.size();
    }
}
