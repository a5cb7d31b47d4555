package io.j8s.node.runtime;

/**
 * Starts container instances. Implementations: {@link ProcessRuntime} (a child process per
 * container), {@link BuiltinRuntime} (a built-in HTTP/UDP responder per declared port), {@link
 * SimulatedRuntime} (nothing runs). Thread-safe.
 */
public interface ContainerRuntime {

    /** {@code process}, {@code builtin} or {@code simulated}. */
    String name();

    /**
     * Starts one instance and returns once it runs. Blocks for the time it takes to spawn or bind,
     * which is short; call it from a worker thread, never from an event loop.
     *
     * @throws ContainerStartException when the instance cannot start; the message is for the user
     */
    ContainerInstance start(ContainerLaunch launch) throws ContainerStartException;
}
