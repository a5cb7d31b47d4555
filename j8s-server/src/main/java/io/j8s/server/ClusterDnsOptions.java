package io.j8s.server;

import io.j8s.dns.DnsSettings;

/**
 * The cluster DNS of {@code j8s server} ({@code --cluster-dns*}, {@code --cluster-domain}).
 *
 * @param enabled whether the server runs the cluster DNS and keeps {@code kube-system/kube-dns}
 * @param domain the cluster domain ({@code --cluster-domain}, default {@code cluster.local})
 * @param address the {@code kube-dns} ClusterIP ({@code --cluster-dns}), or null for the 10th
 *     address of the service range ({@code 127.96.0.10} by default)
 * @param forward names outside the cluster domain: {@code host} (to the resolvers of the host's
 *     {@code /etc/resolv.conf}) or {@code refuse} ({@code --cluster-dns-forward})
 */
public record ClusterDnsOptions(
        boolean enabled, String domain, String address, DnsSettings.ForwardMode forward) {

    public ClusterDnsOptions {
        domain = DnsSettings.normalizeDomain(domain);
        if (address != null && !address.isEmpty() && !address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException(
                    "--cluster-dns must be an IPv4 address, got " + address);
        }
        if (address != null && address.isEmpty()) {
            address = null;
        }
        java.util.Objects.requireNonNull(forward, "forward");
    }

    public static ClusterDnsOptions defaults() {
        return new ClusterDnsOptions(true, "cluster.local", null, DnsSettings.ForwardMode.HOST);
    }

    public ClusterDnsOptions withEnabled(boolean value) {
        return new ClusterDnsOptions(value, domain, address, forward);
    }
}
