package io.j8s.node.runtime;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a container's environment is built from besides its Pod: the Services the node knows, the
 * ConfigMaps and Secrets the Pod references, and the node's allocatable resources (the default of a
 * {@code resourceFieldRef} to an unset limit). Implementations must be thread-safe.
 */
public interface EnvSources {

    /** Every Service the node's cache holds (all namespaces). */
    Collection<Service> services();

    /**
     * The ConfigMap, or null when it does not exist.
     *
     * @throws ContainerConfigException when it cannot be read (the message says why)
     */
    ConfigMap configMap(String namespace, String name) throws ContainerConfigException;

    /** The Secret, or null when it does not exist. */
    Secret secret(String namespace, String name) throws ContainerConfigException;

    /**
     * The node's allocatable resources ({@code cpu}, {@code memory}, {@code ephemeral-storage}).
     */
    Map<String, Quantity> allocatable();

    /**
     * A Pod event the kubelet records while building the environment (e.g. skipped invalid keys).
     */
    default void warning(String reason, String message) {}

    /** No Services, no ConfigMaps or Secrets (every reference is "not found"), no allocatable. */
    EnvSources NONE =
            new EnvSources() {
                @Override
                public Collection<Service> services() {
                    return List.of();
                }

                @Override
                public ConfigMap configMap(String namespace, String name) {
                    return null;
                }

                @Override
                public Secret secret(String namespace, String name) {
                    return null;
                }

                @Override
                public Map<String, Quantity> allocatable() {
                    return Map.of();
                }
            };
}
