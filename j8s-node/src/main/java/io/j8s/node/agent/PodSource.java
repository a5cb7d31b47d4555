package io.j8s.node.agent;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Where a node agent takes the Pods bound to it ({@code spec.nodeName}) from: by default a watch of
 * its own with the node's identity, as the kubelet ({@link #ownWatch}); the agents of one process
 * can share one watch of all bound Pods instead ({@link SharedNodePods}, docs/architecture.md,
 * "Node agents").
 */
@FunctionalInterface
public interface PodSource {

    /**
     * Begins following the Pods bound to {@code nodeName}: {@code changed} gets the {@code
     * namespace/name} key of each such Pod when it is added, changed or deleted, and of every one
     * already there. Level-triggered: a key may come more than once; read the Pod with {@link
     * View#get}.
     */
    View follow(String nodeName, Consumer<String> changed);

    /** One node's Pods. Thread-safe. */
    interface View extends AutoCloseable {
        /** Completes when the Pods that existed when following began have been delivered. */
        CompletableFuture<Void> synced();

        /** The Pod {@code namespace/name} bound to this node, or null. */
        Pod get(String key);

        /** Every Pod bound to this node. */
        List<Pod> list();

        /** Stops following; {@code changed} gets no more keys. */
        @Override
        void close();
    }

    /**
     * Each node a watch of its own: an informer over {@code spec.nodeName=<node>} with the node's
     * client (the only Pods the Node authorizer lets a node list).
     */
    static PodSource ownWatch(KubernetesClient nodeClient) {
        return (nodeName, changed) -> new NodePodWatch(nodeClient, nodeName, changed);
    }
}
