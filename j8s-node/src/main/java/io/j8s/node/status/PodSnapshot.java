package io.j8s.node.status;

import java.time.Instant;
import java.util.List;

/**
 * The node's view of one Pod at one moment: what {@link PodStatusGenerator} turns into a {@code
 * PodStatus}. Immutable.
 *
 * @param podIp the Pod's IP, or null while none is assigned
 * @param startTime when the node accepted the Pod
 * @param initContainers snapshots of the init containers, in spec order (may be empty)
 * @param containers snapshots of the containers, in spec order
 * @param sandboxReady whether the Pod's "sandbox" (its IP) is set up: {@code
 *     PodReadyToStartContainers}
 * @param terminal whether the node is done with the Pod (all containers stopped for good)
 * @param rejection when the node refused the Pod (e.g. {@code OutOfpods}), else null
 * @param observedAt when this snapshot was taken: the transition time of conditions that flip
 */
public record PodSnapshot(
        String podIp,
        Instant startTime,
        List<ContainerSnapshot> initContainers,
        List<ContainerSnapshot> containers,
        boolean sandboxReady,
        boolean terminal,
        Rejection rejection,
        Instant observedAt) {

    public PodSnapshot {
        initContainers = List.copyOf(initContainers);
        containers = List.copyOf(containers);
    }

    /**
     * Why the node did not admit a Pod; becomes {@code status.reason} and {@code status.message}.
     */
    public record Rejection(String reason, String message) {}
}
