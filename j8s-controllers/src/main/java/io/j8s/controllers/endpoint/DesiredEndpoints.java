package io.j8s.controllers.endpoint;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.j8s.controllers.util.Pods;
import io.j8s.controllers.util.Semantic;
import io.j8s.controllers.util.Services;
import io.j8s.controllers.util.endpoint.EndpointPods;
import io.j8s.controllers.util.endpoint.EndpointSubsets;
import io.j8s.controllers.util.endpoint.TriggerTimeTracker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The Endpoints object a Service should have, computed from the Service and the Pods its selector
 * matches — exactly the Kubernetes endpoints controller's {@code syncService} (see
 * docs/controllers.md, "Endpoints and EndpointSlices"). Pure functions; no I/O.
 */
public final class DesiredEndpoints {

    /** Maximum addresses (ready + not ready) in one Endpoints object. */
    public static final int MAX_CAPACITY = 1000;

    public static final String OVER_CAPACITY_ANNOTATION = "endpoints.kubernetes.io/over-capacity";
    public static final String TRUNCATED = "truncated";

    private DesiredEndpoints() {}

    /** The repacked subsets plus counts for logging. */
    public record Subsets(List<EndpointSubset> subsets, int ready, int notReady) {}

    /** The subsets for {@code service} given the Pods matched by its selector. */
    public static Subsets subsetsFor(Service service, List<Pod> pods) {
        boolean tolerateUnready = Services.publishNotReadyAddresses(service);
        List<ServicePort> servicePorts = Services.ports(service);
        List<EndpointSubset> subsets = new ArrayList<>();
        int ready = 0;
        int notReady = 0;
        for (Pod pod : pods) {
            if (!Services.shouldPodBeInEndpoints(pod, tolerateUnready)) {
                continue;
            }
            String ip = Services.podIpFor(service, pod);
            if (ip == null) {
                continue;
            }
            EndpointAddress address = addressFor(service, pod, ip);
            boolean podReady = tolerateUnready || Pods.isReady(pod);
            if (servicePorts.isEmpty()) {
                // a headless Service may have no ports: addresses without ports
                if (Services.isHeadless(service)) {
                    subsets.add(subset(address, null, podReady));
                    if (podReady) {
                        ready++;
                    } else {
                        notReady++;
                    }
                }
                continue;
            }
            for (ServicePort servicePort : servicePorts) {
                OptionalInt portNumber = Services.findPort(pod, servicePort);
                if (portNumber.isEmpty()) {
                    continue; // e.g. a named targetPort this Pod does not declare
                }
                EndpointPort port =
                        new EndpointPortBuilder()
                                .withName(
                                        servicePort.getName() == null
                                                        || servicePort.getName().isEmpty()
                                                ? null
                                                : servicePort.getName())
                                .withPort(portNumber.getAsInt())
                                .withProtocol(Services.protocol(servicePort))
                                .withAppProtocol(servicePort.getAppProtocol())
                                .build();
                subsets.add(subset(address, port, podReady));
                if (podReady) {
                    ready++;
                } else {
                    notReady++;
                }
            }
        }
        return new Subsets(EndpointSubsets.repack(subsets), ready, notReady);
    }

    private static EndpointSubset subset(
            EndpointAddress address, EndpointPort port, boolean ready) {
        EndpointSubsetBuilder b = new EndpointSubsetBuilder();
        if (ready) {
            b.withAddresses(address);
        } else {
            b.withNotReadyAddresses(address);
        }
        if (port != null) {
            b.withPorts(port);
        }
        return b.build();
    }

    static EndpointAddress addressFor(Service service, Pod pod, String ip) {
        return new EndpointAddressBuilder()
                .withIp(ip)
                .withTargetRef(EndpointPods.targetRef(pod))
                .withNodeName(EndpointPods.nodeName(pod))
                .withHostname(EndpointPods.hostname(pod, service))
                .build();
    }

    /**
     * The Endpoints to write, or empty when {@code current} already says everything: same subsets,
     * same labels (the headless label aside) and a correct over-capacity annotation. The trigger
     * time alone never causes a write.
     *
     * @param current the existing Endpoints (from the cache, not modified), or null
     * @param triggerTime the earliest change behind this sync, or null when unknown
     */
    public static Optional<Endpoints> endpointsToWrite(
            Service service, Endpoints current, List<EndpointSubset> subsets, Instant triggerTime) {
        Map<String, String> serviceLabels =
                service.getMetadata().getLabels() == null
                        ? Map.of()
                        : service.getMetadata().getLabels();
        if (current != null) {
            Map<String, String> compareLabels =
                    new HashMap<>(
                            current.getMetadata().getLabels() == null
                                    ? Map.of()
                                    : current.getMetadata().getLabels());
            compareLabels.remove(Services.HEADLESS_LABEL);
            if (Semantic.equal(current.getSubsets(), subsets)
                    && compareLabels.equals(serviceLabels)
                    && capacityAnnotationSetCorrectly(current)) {
                return Optional.empty();
            }
        }
        Endpoints desired =
                current == null
                        ? new EndpointsBuilder()
                                .withNewMetadata()
                                .withName(service.getMetadata().getName())
                                .withNamespace(service.getMetadata().getNamespace())
                                .endMetadata()
                                .build()
                        : Semantic.copy(current);
        desired.setSubsets(copySubsets(subsets));
        Map<String, String> labels = new LinkedHashMap<>(serviceLabels);
        if (Services.isClusterIpSet(service)) {
            labels.remove(Services.HEADLESS_LABEL);
        } else {
            labels.put(Services.HEADLESS_LABEL, "");
        }
        desired.getMetadata().setLabels(labels);
        Map<String, String> annotations =
                TriggerTimeTracker.withTriggerTime(
                        desired.getMetadata().getAnnotations(), triggerTime);
        if (truncate(desired)) {
            annotations.put(OVER_CAPACITY_ANNOTATION, TRUNCATED);
        } else {
            annotations.remove(OVER_CAPACITY_ANNOTATION);
        }
        desired.getMetadata().setAnnotations(annotations);
        return Optional.of(desired);
    }

    private static List<EndpointSubset> copySubsets(List<EndpointSubset> subsets) {
        List<EndpointSubset> copy = new ArrayList<>(subsets.size());
        for (EndpointSubset s : subsets) {
            copy.add(new EndpointSubsetBuilder(s).build());
        }
        return copy;
    }

    static int addressCount(List<EndpointSubset> subsets) {
        int n = 0;
        if (subsets != null) {
            for (EndpointSubset s : subsets) {
                n += size(s.getAddresses()) + size(s.getNotReadyAddresses());
            }
        }
        return n;
    }

    private static int size(List<?> list) {
        return list == null ? 0 : list.size();
    }

    /**
     * Over capacity means the annotation is "wrong" (a truncation is due); else it must be absent.
     */
    static boolean capacityAnnotationSetCorrectly(Endpoints current) {
        if (addressCount(current.getSubsets()) > MAX_CAPACITY) {
            return false;
        }
        Map<String, String> annotations = current.getMetadata().getAnnotations();
        return annotations == null || !annotations.containsKey(OVER_CAPACITY_ANNOTATION);
    }

    /**
     * {@code truncateEndpoints}: cuts the Endpoints down to {@link #MAX_CAPACITY} addresses,
     * keeping ready addresses first and sharing the cut between subsets in proportion to their
     * size.
     *
     * @return whether anything was cut
     */
    static boolean truncate(Endpoints endpoints) {
        List<EndpointSubset> subsets = endpoints.getSubsets();
        int totalReady = 0;
        int totalNotReady = 0;
        for (EndpointSubset s : subsets) {
            totalReady += size(s.getAddresses());
            totalNotReady += size(s.getNotReadyAddresses());
        }
        if (totalReady + totalNotReady <= MAX_CAPACITY) {
            return false;
        }
        boolean truncateReady = false;
        int max = MAX_CAPACITY - totalReady;
        int numTotal = totalNotReady;
        if (totalReady > MAX_CAPACITY) {
            truncateReady = true;
            max = MAX_CAPACITY;
            numTotal = totalReady;
        }
        int canBeAdded = max;
        for (EndpointSubset subset : subsets) {
            int inSubset =
                    truncateReady
                            ? size(subset.getAddresses())
                            : size(subset.getNotReadyAddresses());
            int allowed = (int) Math.round(max * ((double) inSubset / numTotal));
            if (allowed > canBeAdded) {
                allowed = canBeAdded;
            }
            if (truncateReady) {
                subset.setNotReadyAddresses(new ArrayList<>());
                if (allowed < size(subset.getAddresses())) {
                    subset.setAddresses(new ArrayList<>(subset.getAddresses().subList(0, allowed)));
                }
            } else if (allowed < size(subset.getNotReadyAddresses())) {
                subset.setNotReadyAddresses(
                        new ArrayList<>(subset.getNotReadyAddresses().subList(0, allowed)));
            }
            canBeAdded -= allowed;
        }
        return true;
    }
}
