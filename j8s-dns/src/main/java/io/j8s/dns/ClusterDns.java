package io.j8s.dns;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster DNS of one j8s server: the informers that fill the records and the server that
 * answers from them. The client acts as the component's own identity, which needs list and watch on
 * Services, EndpointSlices and Namespaces (the {@code system:coredns} ClusterRole).
 */
public final class ClusterDns implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterDns.class);

    private final ServiceRecords records = new ServiceRecords();
    private final ClusterWatcher watcher;
    private final DnsServer server;

    private ClusterDns(KubernetesClient client, DnsSettings settings, MeterRegistry registry) {
        AtomicInteger inFlight = new AtomicInteger();
        DnsMetrics metrics = new DnsMetrics(registry, inFlight, records::size);
        this.watcher = new ClusterWatcher(client, records);
        this.server =
                new DnsServer(settings, new ZoneResolver(records, settings), metrics, inFlight);
    }

    /** Starts watching and serving; the records fill as the informers list. */
    public static ClusterDns start(
            KubernetesClient client, DnsSettings settings, MeterRegistry registry)
            throws InterruptedException {
        ClusterDns dns = new ClusterDns(client, settings, registry);
        try {
            dns.server.start();
            dns.watcher
                    .start()
                    .whenComplete(
                            (ok, e) -> {
                                if (e == null) {
                                    log.atInfo()
                                            .addKeyValue("services", dns.records.size())
                                            .log("cluster DNS records synced");
                                }
                            });
            return dns;
        } catch (RuntimeException | InterruptedException e) {
            dns.close();
            throw e;
        }
    }

    /** Where the DNS server listens (UDP and TCP). */
    public InetSocketAddress address() {
        return server.address();
    }

    /** Whether the informers have listed everything once. */
    public boolean hasSynced() {
        return watcher.hasSynced();
    }

    @Override
    public void close() {
        watcher.close();
        server.close();
    }
}
