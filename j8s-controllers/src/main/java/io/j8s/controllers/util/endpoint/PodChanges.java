package io.j8s.controllers.util.endpoint;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.j8s.api.selector.LabelSelector;
import io.j8s.client.cache.Cache;
import io.j8s.client.cache.EventHandlers;
import io.j8s.client.cache.Keys;
import io.j8s.controllers.util.Pods;
import io.j8s.controllers.util.Services;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Which Pod updates matter to the Services that select the Pod ({@code podEndpointsChanged} and
 * {@code GetServicesToUpdateOnPodChange} in Kubernetes), for the endpoints and EndpointSlice
 * controllers. Functions of their arguments; a Service cache given is only read.
 */
public final class PodChanges {

    private PodChanges() {}

    /**
     * The Pod event handler of a controller that syncs Services from their Pods: an added or
     * deleted Pod enqueues the Services that select it, an update those of {@link
     * #servicesToUpdate}.
     */
    public static ResourceEventHandler<Pod> enqueueServices(
            Cache<Service> services, Consumer<String> enqueue) {
        return EventHandlers.of(
                pod -> servicesSelecting(services, pod).forEach(enqueue),
                (oldPod, newPod) -> servicesToUpdate(services, oldPod, newPod).forEach(enqueue),
                pod -> servicesSelecting(services, pod).forEach(enqueue));
    }

    /** Readiness, deletion, IPs, node, phase or hostname changed: the Pod's endpoint changed. */
    public static boolean endpointsChanged(Pod oldPod, Pod newPod) {
        if (Pods.isReady(oldPod) != Pods.isReady(newPod)) {
            return true;
        }
        if (!Objects.equals(
                oldPod.getMetadata().getDeletionTimestamp(),
                newPod.getMetadata().getDeletionTimestamp())) {
            return true;
        }
        if (!Objects.equals(podIps(oldPod), podIps(newPod))) {
            return true;
        }
        if (!Pods.nodeName(oldPod).equals(Pods.nodeName(newPod))) {
            return true;
        }
        if (Pods.isTerminal(oldPod) != Pods.isTerminal(newPod)) {
            return true;
        }
        return !hostnameAndSubdomainEqual(oldPod, newPod);
    }

    /** Labels (or hostname/subdomain) changed: the Pod may have joined or left Services. */
    public static boolean membershipMayChange(Pod oldPod, Pod newPod) {
        return !Objects.equals(
                        normalize(oldPod.getMetadata().getLabels()),
                        normalize(newPod.getMetadata().getLabels()))
                || !hostnameAndSubdomainEqual(oldPod, newPod);
    }

    /**
     * {@code GetPodServiceMemberships}: the keys of the Services in the Pod's namespace that select
     * it.
     */
    public static Set<String> servicesSelecting(Cache<Service> services, Pod pod) {
        Set<String> keys = new HashSet<>();
        for (Service svc : services.list(pod.getMetadata().getNamespace())) {
            Map<String, String> selector = Services.selector(svc);
            if (selector != null
                    && LabelSelector.matchesSet(selector, pod.getMetadata().getLabels())) {
                keys.add(Keys.keyOf(svc));
            }
        }
        return keys;
    }

    /**
     * {@code GetServicesToUpdateOnPodChange}: the keys of the Services to sync after {@code oldPod}
     * became {@code newPod}; none for a resync or a change that matters to no Service.
     */
    public static Set<String> servicesToUpdate(Cache<Service> services, Pod oldPod, Pod newPod) {
        return servicesToUpdate(pod -> servicesSelecting(services, pod), oldPod, newPod);
    }

    /** {@link #servicesToUpdate(Cache, Pod, Pod)} with the Service memberships of a Pod given. */
    public static Set<String> servicesToUpdate(
            Function<Pod, Set<String>> memberships, Pod oldPod, Pod newPod) {
        if (Objects.equals(
                oldPod.getMetadata().getResourceVersion(),
                newPod.getMetadata().getResourceVersion())) {
            return Set.of(); // a resync: periodic resyncs of Services cover it
        }
        boolean podChanged = endpointsChanged(oldPod, newPod);
        boolean membershipMayChange = membershipMayChange(oldPod, newPod);
        if (!podChanged && !membershipMayChange) {
            return Set.of();
        }
        Set<String> current = memberships.apply(newPod);
        if (!membershipMayChange) {
            return current;
        }
        return neededServiceUpdates(memberships.apply(oldPod), current, podChanged);
    }

    /**
     * {@code determineNeededServiceUpdates}: if the Pod itself changed, every Service old or new;
     * otherwise only those it joined or left.
     */
    private static Set<String> neededServiceUpdates(
            Set<String> oldServices, Set<String> newServices, boolean podChanged) {
        Set<String> result = new HashSet<>();
        if (podChanged) {
            result.addAll(oldServices);
            result.addAll(newServices);
            return result;
        }
        for (String s : oldServices) {
            if (!newServices.contains(s)) {
                result.add(s);
            }
        }
        for (String s : newServices) {
            if (!oldServices.contains(s)) {
                result.add(s);
            }
        }
        return result;
    }

    private static Object normalize(java.util.Map<String, String> labels) {
        return labels == null ? java.util.Map.of() : labels;
    }

    private static Object podIps(Pod pod) {
        if (pod.getStatus() == null) {
            return null;
        }
        return java.util.List.of(
                String.valueOf(pod.getStatus().getPodIP()),
                String.valueOf(pod.getStatus().getPodIPs()));
    }

    private static boolean hostnameAndSubdomainEqual(Pod a, Pod b) {
        String ha = a.getSpec() == null ? null : a.getSpec().getHostname();
        String hb = b.getSpec() == null ? null : b.getSpec().getHostname();
        String sa = a.getSpec() == null ? null : a.getSpec().getSubdomain();
        String sb = b.getSpec() == null ? null : b.getSpec().getSubdomain();
        return Objects.equals(ha, hb) && Objects.equals(sa, sb);
    }
}
