package io.j8s.proxy.balance;

import java.util.List;
import java.util.Set;

/**
 * A load-balancing policy over one Service port's usable backends. Implementations are not
 * thread-safe: {@link ServicePortBalancer} serializes every call.
 */
public interface Balancer {

    /**
     * Replaces the backend list. Called whenever the usable endpoints change; a call with the same
     * set of addresses must not disturb the policy's rotation.
     */
    void setBackends(List<Backend> backends);

    /**
     * Chooses the backend for a new connection, avoiding {@code excluded} (endpoints that already
     * failed for this connection) unless nothing else is left.
     *
     * @return {@code null} only when there are no backends at all
     */
    Backend next(Set<Backend> excluded);
}
