package io.j8s.controllers.util.endpoint;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.j8s.controllers.util.Pods;
import io.j8s.controllers.util.Services;

/**
 * What a Pod contributes to its endpoint, the same in an Endpoints address and in an EndpointSlice
 * endpoint ({@code podToEndpointAddressForService} and {@code podToEndpoint} in Kubernetes): the
 * target reference, the node name and the hostname. Pure functions.
 */
public final class EndpointPods {

    private EndpointPods() {}

    /** {@code kind: Pod}, the Pod's namespace, name and UID. */
    public static ObjectReference targetRef(Pod pod) {
        return new ObjectReferenceBuilder()
                .withKind("Pod")
                .withNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid())
                .build();
    }

    /** The Pod's node, or null while it is not bound (the field is then left out). */
    public static String nodeName(Pod pod) {
        String node = Pods.nodeName(pod);
        return node.isEmpty() ? null : node;
    }

    /**
     * The Pod's {@code spec.hostname} when its subdomain is the Service (so DNS names the
     * endpoint), else null.
     */
    public static String hostname(Pod pod, Service service) {
        return Services.shouldSetHostname(pod, service) ? pod.getSpec().getHostname() : null;
    }
}
