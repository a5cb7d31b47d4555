package io.j8s.proxy;

import io.j8s.proxy.model.Ipv4;
import io.j8s.proxy.model.LbPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Host-wide proxy settings (the {@code j8s} command's proxy flags). Immutable; start from {@link
 * #defaults()} and change fields with the {@code with...} methods.
 *
 * @param lbPolicy {@code --lb-policy}: the policy of Services without the {@code j8s.io/lb-policy}
 *     annotation (default round-robin)
 * @param nodePortAddress IPv4 address node ports listen on (default {@code 127.0.0.1})
 * @param minSyncPeriod shortest time between two applications of changes; bursts of changes within
 *     it are applied together (default 100 ms)
 * @param syncPeriod how often failed listeners are re-bound and stale affinity entries are dropped
 *     even without changes (default 30 s)
 * @param udpIdleTimeout how long a UDP flow (client address and port to its own upstream socket)
 *     lives without traffic (default 30 s)
 * @param connectTimeouts one entry per connection attempt to a backend, tried in order on failure
 *     (default 250 ms, 500 ms, 1 s, 2 s, as the userspace kube-proxy)
 * @param ioThreads event loop threads of the data plane (default: available processors)
 * @param nativeTransport use epoll when it is available (default true); false forces NIO
 */
public record ProxySettings(
        LbPolicy lbPolicy,
        String nodePortAddress,
        Duration minSyncPeriod,
        Duration syncPeriod,
        Duration udpIdleTimeout,
        List<Duration> connectTimeouts,
        int ioThreads,
        boolean nativeTransport) {

    public static final List<Duration> DEFAULT_CONNECT_TIMEOUTS =
            List.of(
                    Duration.ofMillis(250),
                    Duration.ofMillis(500),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2));

    public ProxySettings {
        Objects.requireNonNull(lbPolicy, "lbPolicy");
        if (!Ipv4.isLiteral(nodePortAddress)) {
            throw new IllegalArgumentException(
                    "node-port address must be an IPv4 literal, got \"" + nodePortAddress + "\"");
        }
        requirePositive("minSyncPeriod", minSyncPeriod, true);
        requirePositive("syncPeriod", syncPeriod, false);
        requirePositive("udpIdleTimeout", udpIdleTimeout, false);
        connectTimeouts = List.copyOf(connectTimeouts);
        if (connectTimeouts.isEmpty()) {
            throw new IllegalArgumentException("connectTimeouts needs at least one attempt");
        }
        connectTimeouts.forEach(t -> requirePositive("connect timeout", t, false));
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1, got " + ioThreads);
        }
    }

    public static ProxySettings defaults() {
        return new ProxySettings(
                LbPolicy.ROUND_ROBIN,
                "127.0.0.1",
                Duration.ofMillis(100),
                Duration.ofSeconds(30),
                Duration.ofSeconds(30),
                DEFAULT_CONNECT_TIMEOUTS,
                Runtime.getRuntime().availableProcessors(),
                true);
    }

    public ProxySettings withLbPolicy(LbPolicy value) {
        return new ProxySettings(
                value,
                nodePortAddress,
                minSyncPeriod,
                syncPeriod,
                udpIdleTimeout,
                connectTimeouts,
                ioThreads,
                nativeTransport);
    }

    public ProxySettings withNodePortAddress(String value) {
        return new ProxySettings(
                lbPolicy,
                value,
                minSyncPeriod,
                syncPeriod,
                udpIdleTimeout,
                connectTimeouts,
                ioThreads,
                nativeTransport);
    }

    public ProxySettings withMinSyncPeriod(Duration value) {
        return new ProxySettings(
                lbPolicy,
                nodePortAddress,
                value,
                syncPeriod,
                udpIdleTimeout,
                connectTimeouts,
                ioThreads,
                nativeTransport);
    }

    public ProxySettings withSyncPeriod(Duration value) {
        return new ProxySettings(
                lbPolicy,
                nodePortAddress,
                minSyncPeriod,
                value,
                udpIdleTimeout,
                connectTimeouts,
                ioThreads,
                nativeTransport);
    }

    public ProxySettings withUdpIdleTimeout(Duration value) {
        return new ProxySettings(
                lbPolicy,
                nodePortAddress,
                minSyncPeriod,
                syncPeriod,
                value,
                connectTimeouts,
                ioThreads,
                nativeTransport);
    }

    public ProxySettings withConnectTimeouts(List<Duration> value) {
        return new ProxySettings(
                lbPolicy,
                nodePortAddress,
                minSyncPeriod,
                syncPeriod,
                udpIdleTimeout,
                value,
                ioThreads,
                nativeTransport);
    }

    public ProxySettings withIoThreads(int value) {
        return new ProxySettings(
                lbPolicy,
                nodePortAddress,
                minSyncPeriod,
                syncPeriod,
                udpIdleTimeout,
                connectTimeouts,
                value,
                nativeTransport);
    }

    public ProxySettings withNativeTransport(boolean value) {
        return new ProxySettings(
                lbPolicy,
                nodePortAddress,
                minSyncPeriod,
                syncPeriod,
                udpIdleTimeout,
                connectTimeouts,
                ioThreads,
                value);
    }

    private static void requirePositive(String what, Duration d, boolean zeroAllowed) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new IllegalArgumentException(
                    what + " must be " + (zeroAllowed ? "0 or more" : "positive") + ", got " + d);
        }
    }
}
