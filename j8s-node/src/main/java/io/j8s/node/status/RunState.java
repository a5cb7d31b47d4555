package io.j8s.node.status;

import java.time.Instant;

/** A container's state as the status shows it: waiting, running or terminated. Immutable. */
public sealed interface RunState {

    /** Not running: being created, or backing off before a restart. */
    record Waiting(String reason, String message) implements RunState {}

    record Running(Instant startedAt) implements RunState {}

    /**
     * An instance that ended.
     *
     * @param containerId the ended instance's ID (without the {@code j8s://} scheme), or null
     */
    record Terminated(
            int exitCode,
            String reason,
            String message,
            Instant startedAt,
            Instant finishedAt,
            String containerId)
            implements RunState {}
}
