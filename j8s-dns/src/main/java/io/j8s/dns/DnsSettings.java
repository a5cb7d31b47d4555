package io.j8s.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the cluster DNS serves.
 *
 * @param domain the cluster domain, lower case without trailing dot ({@code cluster.local})
 * @param ttl the TTL of every record of the cluster domain (CoreDNS's {@code kubernetes} plugin
 *     default: 5 s)
 * @param bindAddress where the server listens (UDP and TCP on one port)
 * @param port the port, 0 for a free one
 * @param forward what to do with names outside the cluster domain
 * @param upstreams the resolvers names outside the cluster domain go to (with {@link
 *     ForwardMode#HOST})
 * @param forwardTimeout how long a forwarded query may take before SERVFAIL
 * @param maxInFlightForwards forwarded queries under way at once; more get SERVFAIL
 * @param maxTcpConnections open TCP connections at once; more are closed at once
 * @param tcpIdleTimeout a TCP connection without a query for this long is closed
 * @param dnsServiceIp the {@code kube-dns} ClusterIP (the zone's {@code ns.dns} name), or null
 */
public record DnsSettings(
        String domain,
        int ttl,
        String bindAddress,
        int port,
        ForwardMode forward,
        List<InetSocketAddress> upstreams,
        Duration forwardTimeout,
        int maxInFlightForwards,
        int maxTcpConnections,
        Duration tcpIdleTimeout,
        String dnsServiceIp) {

    /** Names outside the cluster domain. */
    public enum ForwardMode {
        /** to the host's resolvers ({@code /etc/resolv.conf}) */
        HOST,
        /** answered REFUSED */
        REFUSE;

        /** {@code host} or {@code refuse}. */
        public static ForwardMode parse(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "host" -> HOST;
                case "refuse" -> REFUSE;
                default ->
                        throw new IllegalArgumentException(
                                "--cluster-dns-forward must be host or refuse, got " + text);
            };
        }
    }

    public DnsSettings {
        domain = normalizeDomain(domain);
        if (ttl < 0) {
            throw new IllegalArgumentException("ttl must be 0 or more, got " + ttl);
        }
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(forward, "forward");
        upstreams = List.copyOf(upstreams);
        Objects.requireNonNull(forwardTimeout, "forwardTimeout");
        Objects.requireNonNull(tcpIdleTimeout, "tcpIdleTimeout");
        if (maxInFlightForwards < 1 || maxTcpConnections < 1) {
            throw new IllegalArgumentException("the DNS limits must be 1 or more");
        }
    }

    /**
     * {@code cluster.local}, TTL 5 s, a free port on 127.0.0.1, forwarding to the host's resolvers.
     */
    public static DnsSettings defaults() {
        return new DnsSettings(
                "cluster.local",
                5,
                "127.0.0.1",
                0,
                ForwardMode.HOST,
                List.of(),
                Duration.ofSeconds(2),
                256,
                128,
                Duration.ofSeconds(10),
                null);
    }

    public DnsSettings withDomain(String value) {
        return new DnsSettings(
                value,
                ttl,
                bindAddress,
                port,
                forward,
                upstreams,
                forwardTimeout,
                maxInFlightForwards,
                maxTcpConnections,
                tcpIdleTimeout,
                dnsServiceIp);
    }

    public DnsSettings withForward(ForwardMode mode, List<InetSocketAddress> servers) {
        return new DnsSettings(
                domain,
                ttl,
                bindAddress,
                port,
                mode,
                servers,
                forwardTimeout,
                maxInFlightForwards,
                maxTcpConnections,
                tcpIdleTimeout,
                dnsServiceIp);
    }

    public DnsSettings withDnsServiceIp(String ip) {
        return new DnsSettings(
                domain,
                ttl,
                bindAddress,
                port,
                forward,
                upstreams,
                forwardTimeout,
                maxInFlightForwards,
                maxTcpConnections,
                tcpIdleTimeout,
                ip);
    }

    public DnsSettings withListen(String address, int listenPort) {
        return new DnsSettings(
                domain,
                ttl,
                address,
                listenPort,
                forward,
                upstreams,
                forwardTimeout,
                maxInFlightForwards,
                maxTcpConnections,
                tcpIdleTimeout,
                dnsServiceIp);
    }

    /**
     * The nameservers of the host's resolv.conf (port 53) but {@code exclude}d addresses (the
     * cluster DNS's own, so that it never forwards to itself).
     */
    public static List<InetSocketAddress> hostResolvers(
            java.nio.file.Path resolvConf, List<String> exclude) {
        return Forwarder.hostNameservers(
                resolvConf,
                exclude,
                warning ->
                        org.slf4j.LoggerFactory.getLogger(DnsSettings.class).atWarn().log(warning));
    }

    /**
     * A cluster domain as given ({@code cluster.local}, {@code Cluster.Local.}): lower case, no
     * trailing dot, each label 1..63 letters, digits or '-'.
     */
    public static String normalizeDomain(String domain) {
        Objects.requireNonNull(domain, "domain");
        String d = domain.toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.isEmpty() || d.length() > 253) {
            throw new IllegalArgumentException(
                    "the cluster domain must be 1..253 characters, got '" + domain + "'");
        }
        for (String label : d.split("\\.", -1)) {
            if (!label.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
                throw new IllegalArgumentException(
                        "the cluster domain '"
                                + domain
                                + "' is not a DNS name (labels of letters, digits and '-')");
            }
        }
        return d;
    }
}
