package io.j8s.apiserver.nodeproxy.portforward;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds on port-forwarding through this API server: forwarded TCP connections (stream pairs,
 * channel pairs) open at once per node and per user, streams per client connection, and the idle
 * time of a client connection (the kubelet's {@code streamingConnectionIdleTimeout}, 4 h by
 * default). Thread-safe.
 */
public final class PortForwardLimits {
    private final int perNode;
    private final int perUser;
    private final int streamsPerConnection;
    private final Duration idleTimeout;
    private final Duration streamCreationTimeout;
    private final ConcurrentHashMap<String, AtomicInteger> nodes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> users = new ConcurrentHashMap<>();

    public PortForwardLimits(
            int perNode,
            int perUser,
            int streamsPerConnection,
            Duration idleTimeout,
            Duration streamCreationTimeout) {
        this.perNode = perNode;
        this.perUser = perUser;
        this.streamsPerConnection = streamsPerConnection;
        this.idleTimeout = idleTimeout;
        this.streamCreationTimeout = streamCreationTimeout;
    }

    /** 500 per node, 100 per user, 200 streams per connection, 4 h idle, 30 s to pair streams. */
    public static PortForwardLimits defaults() {
        return new PortForwardLimits(500, 100, 200, Duration.ofHours(4), Duration.ofSeconds(30));
    }

    public PortForwardLimits withIdleTimeout(Duration idle) {
        return new PortForwardLimits(
                perNode, perUser, streamsPerConnection, idle, streamCreationTimeout);
    }

    public PortForwardLimits withPerUser(int n) {
        return new PortForwardLimits(
                perNode, n, streamsPerConnection, idleTimeout, streamCreationTimeout);
    }

    public PortForwardLimits withPerNode(int n) {
        return new PortForwardLimits(
                n, perUser, streamsPerConnection, idleTimeout, streamCreationTimeout);
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration streamCreationTimeout() {
        return streamCreationTimeout;
    }

    public int streamsPerConnection() {
        return streamsPerConnection;
    }

    /** Why one more forward for {@code user} to {@code node} is refused now, or null. */
    public String refusal(String node, String user) {
        if (count(nodes, node) >= perNode) {
            return "too many port-forward connections to node \""
                    + node
                    + "\" (limit "
                    + perNode
                    + ")";
        }
        if (count(users, user) >= perUser) {
            return "too many port-forward connections for user \""
                    + user
                    + "\" (limit "
                    + perUser
                    + ")";
        }
        return null;
    }

    /** Takes one forward; null when taken (release it once), else why not. */
    public synchronized String acquire(String node, String user) {
        String why = refusal(node, user);
        if (why != null) {
            return why;
        }
        nodes.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
        users.computeIfAbsent(user, k -> new AtomicInteger()).incrementAndGet();
        return null;
    }

    public synchronized void release(String node, String user) {
        decrement(nodes, node);
        decrement(users, user);
    }

    /** Forwards open now, on all nodes. */
    public int active() {
        int n = 0;
        for (AtomicInteger c : nodes.values()) {
            n += c.get();
        }
        return n;
    }

    /** Forwards open now to {@code node}. */
    public int activeForNode(String node) {
        return count(nodes, node);
    }

    /** Forwards open now for {@code user}. */
    public int activeForUser(String user) {
        return count(users, user);
    }

    private static int count(ConcurrentHashMap<String, AtomicInteger> map, String key) {
        AtomicInteger n = map.get(key);
        return n == null ? 0 : n.get();
    }

    private static void decrement(ConcurrentHashMap<String, AtomicInteger> map, String key) {
        map.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
}
