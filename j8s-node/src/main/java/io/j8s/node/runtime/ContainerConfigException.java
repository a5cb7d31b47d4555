package io.j8s.node.runtime;

/**
 * A container cannot be started because its spec asks for something this node cannot provide (the
 * kubelet's {@code CreateContainerConfigError}): a missing ConfigMap, Secret or key, or a field
 * this node cannot resolve. The Pod worker tries again every few seconds, as the kubelet does.
 */
public final class ContainerConfigException extends Exception {
    public ContainerConfigException(String message) {
        super(message);
    }
}
