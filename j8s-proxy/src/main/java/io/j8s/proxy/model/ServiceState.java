package io.j8s.proxy.model;

import java.util.List;
import java.util.Objects;

/**
 * The desired forwarding state of one whole Service. Immutable.
 *
 * @param key the Service
 * @param ports one entry per proxied port; empty when the Service is gone, headless, ExternalName,
 *     or has nothing the proxy can forward
 * @param warnings problems worth a log line (unknown policy annotation, skipped SCTP port, ...)
 */
public record ServiceState(ServiceKey key, List<ServicePortState> ports, List<String> warnings) {

    public ServiceState {
        Objects.requireNonNull(key, "key");
        ports = List.copyOf(ports);
        warnings = List.copyOf(warnings);
        for (ServicePortState port : ports) {
            if (!port.name().service().equals(key)) {
                throw new IllegalArgumentException(
                        "port " + port.name() + " does not belong to " + key);
            }
        }
    }

    /** Nothing to proxy for {@code key}. */
    public static ServiceState absent(ServiceKey key) {
        return new ServiceState(key, List.of(), List.of());
    }

    public static ServiceState of(ServiceKey key, List<ServicePortState> ports) {
        return new ServiceState(key, ports, List.of());
    }
}
