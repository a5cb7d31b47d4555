package io.j8s.controllers.endpointslicemirroring;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.j8s.controllers.util.endpoint.EndpointSubsets;
import io.j8s.controllers.util.endpoint.TriggerTimeTracker;
import io.j8s.controllers.util.endpointslice.EndpointSliceReconciler;
import io.j8s.controllers.util.endpointslice.ObjectSliceOwner;
import io.j8s.controllers.util.endpointslice.SliceEndpoints;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the mirroring controller derives from a hand-written Endpoints: per address type, groups of
 * slice endpoints keyed by their ports, at most {@code maxPerSubset} addresses from each subset,
 * {@code ready: true} for {@code addresses} and {@code false} for {@code notReadyAddresses}. Pure
 * functions.
 */
public final class MirroredSlices {

    public static final String MANAGED_BY = "endpointslicemirroring-controller.k8s.io";
    public static final String SKIP_MIRROR_LABEL = "endpointslice.kubernetes.io/skip-mirror";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    private static final Pattern IPV4 =
            Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");

    private MirroredSlices() {}

    /** The desired groups by address type, and how many addresses were left out. */
    public record Desired(
            Map<String, Map<String, EndpointSliceReconciler.DesiredGroup>> groupsByAddressType,
            int skippedOverCapacity,
            int invalid) {}

    /** Whether this Endpoints is mirrored at all (the Service check is the controller's). */
    public static boolean shouldMirror(Endpoints endpoints) {
        Map<String, String> labels = endpoints.getMetadata().getLabels();
        if (labels != null && "true".equals(labels.get(SKIP_MIRROR_LABEL))) {
            return false;
        }
        Map<String, String> annotations = endpoints.getMetadata().getAnnotations();
        return annotations == null
                || !annotations.containsKey("control-plane.alpha.kubernetes.io/leader");
    }

    public static Desired desired(Endpoints endpoints, int maxPerSubset) {
        Map<String, Map<String, List<Endpoint>>> endpointsByType = new LinkedHashMap<>();
        Map<String, List<EndpointPort>> portsByKey = new LinkedHashMap<>();
        int skipped = 0;
        int invalid = 0;
        List<EndpointSubset> subsets =
                endpoints.getSubsets() == null
                        ? List.of()
                        : EndpointSubsets.repack(endpoints.getSubsets());
        for (EndpointSubset subset : subsets) {
            List<EndpointPort> ports = new ArrayList<>();
            if (subset.getPorts() != null) {
                for (io.fabric8.kubernetes.api.model.EndpointPort p : subset.getPorts()) {
                    ports.add(
                            new EndpointPortBuilder()
                                    .withName(p.getName() == null ? "" : p.getName())
                                    .withPort(p.getPort())
                                    .withProtocol(p.getProtocol() == null ? "TCP" : p.getProtocol())
                                    .withAppProtocol(p.getAppProtocol())
                                    .build());
                }
            }
            String portKey = SliceEndpoints.portMapKey(ports);
            portsByKey.putIfAbsent(portKey, ports);
            int total = size(subset.getAddresses()) + size(subset.getNotReadyAddresses());
            int added = 0;
            List<AddressAndReadiness> all = new ArrayList<>();
            if (subset.getAddresses() != null) {
                subset.getAddresses().forEach(a -> all.add(new AddressAndReadiness(a, true)));
            }
            if (subset.getNotReadyAddresses() != null) {
                subset.getNotReadyAddresses()
                        .forEach(a -> all.add(new AddressAndReadiness(a, false)));
            }
            for (AddressAndReadiness ar : all) {
                if (added >= maxPerSubset) {
                    break;
                }
                String type = addressType(ar.address().getIp());
                if (type == null) {
                    invalid++;
                    continue;
                }
                endpointsByType
                        .computeIfAbsent(type, t -> new LinkedHashMap<>())
                        .computeIfAbsent(portKey, k -> new ArrayList<>())
                        .add(endpointFor(ar.address(), ar.ready()));
                added++;
            }
            skipped += total - added;
        }
        Map<String, Map<String, EndpointSliceReconciler.DesiredGroup>> groups =
                new LinkedHashMap<>();
        endpointsByType.forEach(
                (type, byPorts) -> {
                    Map<String, EndpointSliceReconciler.DesiredGroup> g = new LinkedHashMap<>();
                    byPorts.forEach(
                            (key, eps) ->
                                    g.put(
                                            key,
                                            new EndpointSliceReconciler.DesiredGroup(
                                                    portsByKey.get(key), eps)));
                    groups.put(type, g);
                });
        return new Desired(groups, skipped - invalid, invalid);
    }

    private record AddressAndReadiness(EndpointAddress address, boolean ready) {}

    static Endpoint endpointFor(EndpointAddress address, boolean ready) {
        EndpointBuilder b =
                new EndpointBuilder()
                        .withAddresses(address.getIp())
                        .withNewConditions()
                        .withReady(ready)
                        .endConditions();
        if (address.getTargetRef() != null) {
            b.withTargetRef(address.getTargetRef());
        }
        if (address.getNodeName() != null && !address.getNodeName().isEmpty()) {
            b.withNodeName(address.getNodeName());
        }
        if (address.getHostname() != null && !address.getHostname().isEmpty()) {
            b.withHostname(address.getHostname());
        }
        return b.build();
    }

    /** IPv4 or IPv6 for a literal IP address; null for anything else. */
    static String addressType(String ip) {
        if (ip == null || ip.isEmpty()) {
            return null;
        }
        var m = IPV4.matcher(ip);
        if (m.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(m.group(i)) > 255) {
                    return null;
                }
            }
            return "IPv4";
        }
        if (ip.contains(":") && ip.matches("^[0-9a-fA-F:.]+$")) {
            try {
                InetAddress.getByName(ip); // literal: no lookup happens
                return "IPv6";
            } catch (java.net.UnknownHostException e) {
                return null;
            }
        }
        return null;
    }

    private static int size(List<?> l) {
        return l == null ? 0 : l.size();
    }

    /** Slices mirrored from one Endpoints: its labels and annotations, owned by it. */
    static final class EndpointsOwner extends ObjectSliceOwner {
        private final Map<String, String> annotations;

        EndpointsOwner(Endpoints endpoints) {
            super(endpoints, "v1", "Endpoints", labelsOf(endpoints));
            Map<String, String> a =
                    new LinkedHashMap<>(
                            endpoints.getMetadata().getAnnotations() == null
                                    ? Map.of()
                                    : endpoints.getMetadata().getAnnotations());
            a.remove(LAST_APPLIED);
            a.remove(TriggerTimeTracker.TRIGGER_TIME_ANNOTATION);
            this.annotations = Map.copyOf(a);
        }

        private static Map<String, String> labelsOf(Endpoints endpoints) {
            Map<String, String> l =
                    new LinkedHashMap<>(
                            endpoints.getMetadata().getLabels() == null
                                    ? Map.of()
                                    : endpoints.getMetadata().getLabels());
            l.put(EndpointSliceReconciler.LABEL_SERVICE_NAME, endpoints.getMetadata().getName());
            l.put(EndpointSliceReconciler.LABEL_MANAGED_BY, MANAGED_BY);
            return l;
        }

        @Override
        public Map<String, String> annotations(EndpointSlice existing) {
            return annotations;
        }
    }
}
