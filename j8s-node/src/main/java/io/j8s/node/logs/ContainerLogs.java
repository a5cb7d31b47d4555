package io.j8s.node.logs;

import io.j8s.node.runtime.ContainerInstance;

/**
 * The logs of one container of a Pod as {@code kubectl logs} sees them.
 *
 * @param current what {@code kubectl logs} reads: the running instance, or the last one that ended
 *     (null: no instance has started yet)
 * @param previous what {@code kubectl logs --previous} reads: the instance in the container's
 *     {@code lastState} (null: none)
 * @param waitingReason why there is no current instance (e.g. {@code ContainerCreating}), for the
 *     error message when {@code current} is null
 * @param running the instance running now (what {@code exec} and {@code attach} reach), or null
 */
public record ContainerLogs(
        ContainerLog current,
        ContainerLog previous,
        String waitingReason,
        ContainerInstance running) {

    public ContainerLogs(ContainerLog current, ContainerLog previous, String waitingReason) {
        this(current, previous, waitingReason, null);
    }
}
