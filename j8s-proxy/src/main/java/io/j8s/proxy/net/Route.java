package io.j8s.proxy.net;

import io.j8s.proxy.balance.Backend;
import io.j8s.proxy.balance.ServicePortBalancer;
import io.j8s.proxy.metrics.EndpointMeters;
import io.j8s.proxy.model.ServicePortName;
import io.micrometer.core.instrument.Counter;
import java.net.InetAddress;
import java.util.Set;
import java.util.function.Function;

/**
 * What a listener forwards to: the current balancer of one Service port for one kind of traffic
 * (ClusterIP or node port). The balancer is swapped by the sync thread when the Service's policy or
 * affinity changes; handlers read it per pick. Thread-safe.
 */
final class Route {

    private final ServicePortName name;
    private final String description;
    private final Function<Backend, EndpointMeters> meters;
    private final Counter noEndpoints;
    private final Counter allFailed;
    private volatile ServicePortBalancer balancer;

    Route(
            ServicePortName name,
            String description,
            ServicePortBalancer balancer,
            Function<Backend, EndpointMeters> meters,
            Counter noEndpoints,
            Counter allFailed) {
        this.name = name;
        this.description = description;
        this.balancer = balancer;
        this.meters = meters;
        this.noEndpoints = noEndpoints;
        this.allFailed = allFailed;
    }

    ServicePortName name() {
        return name;
    }

    /** e.g. {@code ns/svc:http/TCP via 127.96.0.10:80}, for logs. */
    String description() {
        return description;
    }

    ServicePortBalancer balancer() {
        return balancer;
    }

    void setBalancer(ServicePortBalancer next) {
        this.balancer = next;
    }

    /** See {@link ServicePortBalancer#pick}. */
    Backend pick(InetAddress client, Set<Backend> failed) {
        return balancer.pick(client, failed);
    }

    EndpointMeters meters(Backend backend) {
        return meters.apply(backend);
    }

    void countNoEndpoints() {
        noEndpoints.increment();
    }

    void countAllAttemptsFailed() {
        allFailed.increment();
    }
}
