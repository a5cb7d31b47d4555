package io.j8s.node.status;

/**
 * What the node knows about one container of a Pod at one moment. Immutable.
 *
 * @param containerId the current (or last) instance's ID without scheme, or null before the first
 *     start
 * @param lastTerminated the previous instance, shown as {@code lastState}, or null
 * @param started whether the startup probe (if any) has passed on the running instance
 */
public record ContainerSnapshot(
        String name,
        String image,
        String containerId,
        RunState state,
        RunState.Terminated lastTerminated,
        boolean ready,
        boolean started,
        int restartCount) {

    /** A container the node has not started yet. */
    public static ContainerSnapshot creating(String name, String image) {
        return new ContainerSnapshot(
                name,
                image,
                null,
                new RunState.Waiting("ContainerCreating", null),
                null,
                false,
                false,
                0);
    }
}
