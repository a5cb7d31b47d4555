package io.j8s.node.runtime;

/**
 * A container cannot be started because its spec asks for something this node cannot provide
 * (the kubelet's {@code CreateContainerConfigError}). Not retried until the spec changes.
 */
public final class ContainerConfigException extends Exception {
  public ContainerConfigException(String message) {
    super(message);
  }
}
