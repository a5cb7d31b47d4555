package io.j8s.node.pod;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Receives the Events a Pod worker emits (the kubelet's {@code Pulled}, {@code Created}, {@code
 * Started}, {@code Killing}, {@code Unhealthy}, {@code BackOff}, {@code Failed}). Implementations
 * must not block: the agent's recorder queues them for writing.
 */
public interface PodEventSink {

    /**
     * @param fieldPath {@code spec.containers{name}} for container events, or null for the Pod
     * @param type {@code Normal} or {@code Warning}
     */
    void event(Pod pod, String fieldPath, String type, String reason, String message);

    /** Drops all events. */
    PodEventSink NONE = (pod, fieldPath, type, reason, message) -> {};
}
