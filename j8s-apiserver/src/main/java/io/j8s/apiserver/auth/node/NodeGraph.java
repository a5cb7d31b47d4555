package io.j8s.apiserver.auth.node;

import java.util.Optional;

/**
 * What the Node authorizer needs to know about the objects around a node (Kubernetes keeps a graph
 * of them; j8s asks its watch cache). Implementations are thread safe and answer from memory.
 */
public interface NodeGraph {
    /**
     * The node a Pod is bound to ({@code ""} when unscheduled), or empty when the Pod is unknown.
     */
    Optional<String> podNode(String namespace, String name);

    /**
     * Whether a Pod bound to {@code node} in {@code namespace} references the object: a {@code
     * configmap} or {@code secret} through volumes, env or image pull secrets, or a {@code
     * serviceaccount} as its service account.
     */
    boolean referencedFromNode(String kind, String namespace, String name, String node);

    /** A Pod's uid, or empty when the Pod is unknown (by default nothing is known). */
    default Optional<String> podUid(String namespace, String name) {
        return Optional.empty();
    }
}
