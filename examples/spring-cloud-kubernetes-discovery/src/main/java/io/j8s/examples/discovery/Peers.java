package io.j8s.examples.discovery;

import java.util.Comparator;
import java.util.List;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.stereotype.Component;

/** The application's view of a Kubernetes Service: its ready instances, as "ip:port". */
@Component
public class Peers {

    private final DiscoveryClient discovery;

    public Peers(DiscoveryClient discovery) {
        this.discovery = discovery;
    }

    /** The instances of {@code service} that the DiscoveryClient lists now, sorted. */
    public List<String> of(String service) {
        return discovery.getInstances(service).stream()
                .map(Peers::address)
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    /** The names of the services the DiscoveryClient knows. */
    public List<String> services() {
        return discovery.getServices();
    }

    private static String address(ServiceInstance instance) {
        return instance.getHost() + ":" + instance.getPort();
    }
}
