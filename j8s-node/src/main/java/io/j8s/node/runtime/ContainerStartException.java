package io.j8s.node.runtime;

/**
 * A container instance could not be started (executable missing, port taken, no permission to
 * bind). The message is meant for the user: it becomes the container's terminated message and the
 * {@code Failed} event.
 */
public final class ContainerStartException extends Exception {
    public ContainerStartException(String message) {
        super(message);
    }

    public ContainerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
