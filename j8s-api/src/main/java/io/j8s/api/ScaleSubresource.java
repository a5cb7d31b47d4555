package io.j8s.api;

import tools.jackson.databind.node.ObjectNode;

/**
 * Implemented by the {@link KindStrategy} of a kind whose {@code scale} subresource reads its
 * replicas and selector from its own paths (a custom resource's {@code specReplicasPath}, {@code
 * statusReplicasPath}, {@code labelSelectorPath}); kinds without it use {@code spec.replicas},
 * {@code status.replicas} and {@code spec.selector}.
 */
public interface ScaleSubresource {
    /** The desired replicas, 0 when unset. */
    long specReplicas(ObjectNode object);

    /** The current replicas, 0 when unset. */
    long statusReplicas(ObjectNode object);

    /** The selector in its string form, or null when there is none. */
    String selector(ObjectNode object);

    /** Sets the desired replicas on {@code object}. */
    void setSpecReplicas(ObjectNode object, long replicas);
}
