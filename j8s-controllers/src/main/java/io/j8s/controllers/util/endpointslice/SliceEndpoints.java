package io.j8s.controllers.util.endpointslice;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.client.cache.Keys;
import io.j8s.controllers.util.Pods;
import io.j8s.controllers.util.Semantic;
import io.j8s.controllers.util.Services;
import io.j8s.controllers.util.endpoint.EndpointPods;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * How Pods and ports become EndpointSlice entries ({@code podToEndpoint}, {@code getEndpointPorts}
 * and the endpoint/port-map hashing of {@code staging/src/k8s.io/endpointslice}). Pure functions.
 */
public final class SliceEndpoints {

    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";

    private SliceEndpoints() {}

    /**
     * The slice ports of {@code service} as served by {@code pod}: one per Service port the Pod
     * resolves, with {@code name} always present ({@code ""} when the Service port is unnamed, or
     * {@code kubectl describe svc} crashes).
     */
    public static List<EndpointPort> portsFor(Service service, Pod pod) {
        List<EndpointPort> ports = new ArrayList<>();
        for (ServicePort sp : Services.ports(service)) {
            OptionalInt number = Services.findPort(pod, sp);
            if (number.isEmpty()) {
                continue;
            }
            ports.add(
                    new EndpointPortBuilder()
                            .withName(sp.getName() == null ? "" : sp.getName())
                            .withPort(number.getAsInt())
                            .withProtocol(Services.protocol(sp))
                            .withAppProtocol(sp.getAppProtocol())
                            .build());
        }
        return ports;
    }

    /**
     * The endpoint of {@code pod}: {@code serving} = Pod ready, {@code terminating} = being
     * deleted, {@code ready} = publishNotReadyAddresses or (serving and not terminating); node
     * name, target reference, zone from the node's {@value #ZONE_LABEL} label, hostname when the
     * subdomain is the Service.
     *
     * @param node the Pod's Node from the cache, or null when unknown
     */
    public static Endpoint endpointFor(Pod pod, Node node, Service service, String ip) {
        boolean serving = Pods.isReady(pod);
        boolean terminating = Pods.isTerminating(pod);
        boolean ready = Services.publishNotReadyAddresses(service) || (serving && !terminating);
        EndpointBuilder b =
                new EndpointBuilder()
                        .withAddresses(ip)
                        .withNewConditions()
                        .withReady(ready)
                        .withServing(serving)
                        .withTerminating(terminating)
                        .endConditions()
                        .withTargetRef(EndpointPods.targetRef(pod))
                        .withNodeName(EndpointPods.nodeName(pod))
                        .withHostname(EndpointPods.hostname(pod, service));
        if (node != null && node.getMetadata().getLabels() != null) {
            String zone = node.getMetadata().getLabels().get(ZONE_LABEL);
            if (zone != null && !zone.isEmpty()) {
                b.withZone(zone);
            }
        }
        return b.build();
    }

    /** Ports in a canonical order: by name, number, protocol. */
    public static List<EndpointPort> sortedPorts(List<EndpointPort> ports) {
        List<EndpointPort> sorted = new ArrayList<>(ports);
        sorted.sort(
                Comparator.comparing((EndpointPort p) -> p.getName() == null ? "" : p.getName())
                        .thenComparing(p -> p.getPort() == null ? 0 : p.getPort())
                        .thenComparing(p -> p.getProtocol() == null ? "" : p.getProtocol()));
        return sorted;
    }

    /** {@code NewPortMapKey}: slices group endpoints that serve exactly the same ports. */
    public static String portMapKey(List<EndpointPort> ports) {
        return Semantic.canonicalJson(sortedPorts(ports));
    }

    /**
     * An endpoint's identity within a slice group ({@code hashEndpoint}): its addresses, hostname
     * and target. Two entries with the same identity but other conditions are one endpoint that
     * changed.
     */
    public static String identity(Endpoint e) {
        List<String> addresses =
                new ArrayList<>(e.getAddresses() == null ? List.of() : e.getAddresses());
        addresses.sort(null);
        String ref =
                e.getTargetRef() == null
                        ? ""
                        : e.getTargetRef().getNamespace() + "/" + e.getTargetRef().getName();
        return String.join(",", addresses)
                + "|"
                + (e.getHostname() == null ? "" : e.getHostname())
                + "|"
                + ref;
    }

    /**
     * {@code EndpointsEqualBeyondHash}: conditions, zone, node, target and hints all equal, with
     * {@link Semantic#equal}'s meaning (a null and an empty list or object are equal). The fields
     * an endpoint of this controller has are compared directly: this runs for every endpoint of a
     * Service at every sync, and the generic comparison converted both endpoints to trees each time
     * (the hottest method of the churn profile, docs/benchmarks.md). Hints, deprecated topology and
     * unknown fields, which it never writes, go through the generic comparison when present.
     */
    public static boolean equalBeyondIdentity(Endpoint a, Endpoint b) {
        if (!java.util.Objects.equals(a.getHostname(), b.getHostname())
                || !java.util.Objects.equals(a.getNodeName(), b.getNodeName())
                || !java.util.Objects.equals(a.getZone(), b.getZone())
                || !sameList(a.getAddresses(), b.getAddresses())
                || !sameConditions(a.getConditions(), b.getConditions())
                || !sameRef(a.getTargetRef(), b.getTargetRef())) {
            return false;
        }
        if (onlyKnownFields(a) && onlyKnownFields(b)) {
            return true;
        }
        return Semantic.equal(a, b);
    }

    private static boolean sameList(List<String> a, List<String> b) {
        return (a == null || a.isEmpty()) ? (b == null || b.isEmpty()) : a.equals(b);
    }

    private static boolean sameConditions(EndpointConditions a, EndpointConditions b) {
        EndpointConditions x = a == null ? EMPTY_CONDITIONS : a;
        EndpointConditions y = b == null ? EMPTY_CONDITIONS : b;
        return java.util.Objects.equals(x.getReady(), y.getReady())
                && java.util.Objects.equals(x.getServing(), y.getServing())
                && java.util.Objects.equals(x.getTerminating(), y.getTerminating());
    }

    private static final EndpointConditions EMPTY_CONDITIONS = new EndpointConditions();
    private static final ObjectReference EMPTY_REF = new ObjectReference();

    private static boolean sameRef(ObjectReference a, ObjectReference b) {
        ObjectReference x = a == null ? EMPTY_REF : a;
        ObjectReference y = b == null ? EMPTY_REF : b;
        return java.util.Objects.equals(x.getKind(), y.getKind())
                && java.util.Objects.equals(x.getNamespace(), y.getNamespace())
                && java.util.Objects.equals(x.getName(), y.getName())
                && java.util.Objects.equals(x.getUid(), y.getUid())
                && java.util.Objects.equals(x.getApiVersion(), y.getApiVersion())
                && java.util.Objects.equals(x.getResourceVersion(), y.getResourceVersion())
                && java.util.Objects.equals(x.getFieldPath(), y.getFieldPath());
    }

    /** No hints, deprecated topology or unknown fields anywhere in {@code e}. */
    private static boolean onlyKnownFields(Endpoint e) {
        return e.getHints() == null
                && (e.getDeprecatedTopology() == null || e.getDeprecatedTopology().isEmpty())
                && e.getAdditionalProperties().isEmpty()
                && (e.getConditions() == null
                        || e.getConditions().getAdditionalProperties().isEmpty())
                && (e.getTargetRef() == null
                        || e.getTargetRef().getAdditionalProperties().isEmpty());
    }

    /** Whether {@code key} is one of the reserved label keys no owner label may override. */
    public static boolean isReservedLabel(String key) {
        return key.equals(EndpointSliceReconciler.LABEL_SERVICE_NAME)
                || key.equals(EndpointSliceReconciler.LABEL_MANAGED_BY)
                || key.equals(Services.HEADLESS_LABEL);
    }

    public static Map<String, String> orEmpty(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    /**
     * The key ({@code namespace/name}) of the object whose slices {@code slice} holds, read from
     * its {@code kubernetes.io/service-name} label, when {@code slice} is managed by {@code
     * managedBy}; else none. Both slice controllers index their slices by it.
     */
    public static List<String> ownerKey(EndpointSlice slice, String managedBy) {
        Map<String, String> labels = slice.getMetadata().getLabels();
        if (labels == null
                || !managedBy.equals(labels.get(EndpointSliceReconciler.LABEL_MANAGED_BY))
                || labels.get(EndpointSliceReconciler.LABEL_SERVICE_NAME) == null) {
            return List.of();
        }
        return List.of(
                Keys.keyOf(
                        slice.getMetadata().getNamespace(),
                        labels.get(EndpointSliceReconciler.LABEL_SERVICE_NAME)));
    }
}
