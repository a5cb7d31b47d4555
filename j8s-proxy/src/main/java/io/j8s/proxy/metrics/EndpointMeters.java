package io.j8s.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import java.util.List;

/**
 * The meters of one endpoint of one Service port. Thread-safe (Micrometer meters are).
 *
 * @param connections connections established to the endpoint
 * @param connectFailures connection attempts to the endpoint that failed (refused, timed out)
 * @param bytesSent bytes forwarded from clients to the endpoint
 * @param bytesReceived bytes forwarded from the endpoint back to clients
 * @param registered every meter registered for this endpoint, for removal
 */
public record EndpointMeters(
        Counter connections,
        Counter connectFailures,
        Counter bytesSent,
        Counter bytesReceived,
        List<Meter> registered) {

    public EndpointMeters {
        registered = List.copyOf(registered);
    }
}
