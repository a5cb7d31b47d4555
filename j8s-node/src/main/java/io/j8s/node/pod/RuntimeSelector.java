package io.j8s.node.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.j8s.node.runtime.ContainerRuntime;

/** Chooses the runtime for a container. */
@FunctionalInterface
public interface RuntimeSelector {

    ContainerRuntime runtimeFor(Container container);

    /**
     * A real node's choice: a container with {@code command} or {@code args} is a process, one
     * without is served by the builtin responder.
     */
    static RuntimeSelector real(ContainerRuntime process, ContainerRuntime builtin) {
        return c ->
                (c.getCommand() != null && !c.getCommand().isEmpty())
                                || (c.getArgs() != null && !c.getArgs().isEmpty())
                        ? process
                        : builtin;
    }

    /** A simulated node runs every container with the same (simulated) runtime. */
    static RuntimeSelector all(ContainerRuntime runtime) {
        return c -> runtime;
    }
}
