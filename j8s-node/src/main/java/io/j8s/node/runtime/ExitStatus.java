package io.j8s.node.runtime;

import java.time.Instant;

/**
 * How a container instance ended, in the terms of {@code ContainerStateTerminated}.
 *
 * @param exitCode the process's exit code, 128+N when killed by signal N
 * @param reason {@code Completed} (exit 0), {@code Error}, {@code StartError}
 * @param message extra detail for the user, or null
 */
public record ExitStatus(int exitCode, String reason, String message, Instant finishedAt) {

    /** The runtime's reason for an exit code: {@code Completed} for 0, else {@code Error}. */
    public static ExitStatus of(int exitCode, Instant finishedAt) {
        return new ExitStatus(exitCode, exitCode == 0 ? "Completed" : "Error", null, finishedAt);
    }
}
