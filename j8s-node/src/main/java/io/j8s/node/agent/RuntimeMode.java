package io.j8s.node.agent;

/** How a node runs its Pods' containers. */
public enum RuntimeMode {
    /**
     * Containers with a command run as processes, the others are served by the builtin responder.
     */
    REAL,
    /** Nothing runs; Pods get an IP and go Running/Ready at once (kwok-style scale testing). */
    SIMULATED
}
