package io.j8s.proxy.model;

import java.util.Objects;

/**
 * One port of one Service, as kube-proxy's {@code ServicePortName}: the Service, the port's name
 * ({@code ""} for the single unnamed port) and its protocol. Immutable.
 */
public record ServicePortName(ServiceKey service, String portName, Protocol protocol) {

    public ServicePortName {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(portName, "portName");
        Objects.requireNonNull(protocol, "protocol");
    }

    /** {@code namespace/name:port/PROTOCOL}, as kube-proxy prints it. */
    @Override
    public String toString() {
        return service + ":" + portName + "/" + protocol;
    }
}
