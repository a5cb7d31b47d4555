package io.j8s.server;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.dns.ClusterDns;
import io.j8s.dns.DnsSettings;
import io.j8s.dns.KubeDnsService;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster DNS of {@code j8s server}: {@link ClusterDns} on a free port of {@code 127.0.0.1},
 * acting as {@value #IDENTITY} (the service account {@code kube-system/coredns}, bound to the
 * {@code system:coredns} ClusterRole), and {@link KubeDnsService} keeping {@code
 * kube-system/kube-dns} at {@link ServerOptions#clusterDnsAddress()} pointed at it, written with
 * {@code writer}. See docs/architecture.md, "Cluster DNS".
 */
final class ClusterDnsRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterDnsRunner.class);

    /** The component identity the DNS asks clients for. */
    static final String IDENTITY = "coredns";

    private final ClusterDns dns;
    private final KubeDnsService service;

    private ClusterDnsRunner(ClusterDns dns, KubeDnsService service) {
        this.dns = dns;
        this.service = service;
    }

    static ClusterDnsRunner start(
            ServerOptions options,
            Function<String, KubernetesClient> clients,
            KubernetesClient writer,
            MeterRegistry metrics)
            throws InterruptedException {
        ClusterDnsOptions o = options.clusterDns();
        String serviceIp = options.clusterDnsAddress();
        List<InetSocketAddress> upstreams =
                o.forward() == DnsSettings.ForwardMode.HOST
                        ? DnsSettings.hostResolvers(Path.of("/etc/resolv.conf"), List.of(serviceIp))
                        : List.of();
        DnsSettings settings =
                DnsSettings.defaults()
                        .withDomain(o.domain())
                        .withDnsServiceIp(serviceIp)
                        .withForward(
                                upstreams.isEmpty() ? DnsSettings.ForwardMode.REFUSE : o.forward(),
                                upstreams);
        if (o.forward() == DnsSettings.ForwardMode.HOST && upstreams.isEmpty()) {
            log.atWarn()
                    .log(
                            "no nameserver in /etc/resolv.conf: names outside the cluster domain get REFUSED");
        }
        ClusterDns dns = ClusterDns.start(clients.apply(IDENTITY), settings, metrics);
        KubeDnsService service;
        try {
            service = new KubeDnsService(writer, serviceIp, dns.address()).start();
        } catch (RuntimeException e) {
            dns.close();
            throw e;
        }
        log.atInfo()
                .addKeyValue("clusterIP", serviceIp)
                .addKeyValue("address", dns.address())
                .addKeyValue("domain", o.domain())
                .log("cluster DNS started");
        return new ClusterDnsRunner(dns, service);
    }

    /** Where the DNS server listens (the kube-dns endpoint). */
    InetSocketAddress address() {
        return dns.address();
    }

    @Override
    public void close() {
        service.close();
        dns.close();
    }
}
