package io.j8s.controllers.util;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** Service helpers shared by the Endpoints and EndpointSlice controllers. */
public final class Services {

    public static final String TYPE_EXTERNAL_NAME = "ExternalName";
    public static final String CLUSTER_IP_NONE = "None";

    /** Label put on Endpoints and EndpointSlices of headless Services. */
    public static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

    private Services() {}

    public static boolean isExternalName(Service service) {
        return service.getSpec() != null && TYPE_EXTERNAL_NAME.equals(service.getSpec().getType());
    }

    /**
     * The Service's selector, or null when it has none. An empty map counts as none: the API drops
     * empty maps, so Kubernetes never sees {@code selector: {}} as a selector either.
     */
    public static Map<String, String> selector(Service service) {
        if (service.getSpec() == null) {
            return null;
        }
        Map<String, String> selector = service.getSpec().getSelector();
        return selector == null || selector.isEmpty() ? null : selector;
    }

    /** {@code spec.clusterIP} is {@code None}. */
    public static boolean isHeadless(Service service) {
        return service.getSpec() != null
                && CLUSTER_IP_NONE.equals(service.getSpec().getClusterIP());
    }

    /** {@code helper.IsServiceIPSet}: a real cluster IP (neither empty nor None). */
    public static boolean isClusterIpSet(Service service) {
        String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
        return ip != null && !ip.isEmpty() && !CLUSTER_IP_NONE.equals(ip);
    }

    public static boolean publishNotReadyAddresses(Service service) {
        return service.getSpec() != null
                && Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
    }

    public static List<ServicePort> ports(Service service) {
        return service.getSpec() == null || service.getSpec().getPorts() == null
                ? List.of()
                : service.getSpec().getPorts();
    }

    public static String protocol(ServicePort port) {
        return port.getProtocol() == null || port.getProtocol().isEmpty()
                ? "TCP"
                : port.getProtocol();
    }

    /**
     * Whether the Service is IPv6 ({@code spec.ipFamilies[0]}, else the form of its cluster IP).
     */
    public static boolean isIpv6(Service service) {
        if (service.getSpec() == null) {
            return false;
        }
        List<String> families = service.getSpec().getIpFamilies();
        if (families != null && !families.isEmpty()) {
            return "IPv6".equals(families.get(0));
        }
        String ip = service.getSpec().getClusterIP();
        return ip != null && ip.contains(":");
    }

    /** The Pod IP of the Service's address family, or null when the Pod has none. */
    public static String podIpFor(Service service, Pod pod) {
        boolean wantV6 = isIpv6(service);
        List<String> candidates = new ArrayList<>();
        if (pod.getStatus() != null) {
            if (pod.getStatus().getPodIPs() != null) {
                for (PodIP ip : pod.getStatus().getPodIPs()) {
                    if (ip.getIp() != null && !ip.getIp().isEmpty()) {
                        candidates.add(ip.getIp());
                    }
                }
            }
            if (candidates.isEmpty()
                    && pod.getStatus().getPodIP() != null
                    && !pod.getStatus().getPodIP().isEmpty()) {
                candidates.add(pod.getStatus().getPodIP());
            }
        }
        for (String ip : candidates) {
            if (ip.contains(":") == wantV6) {
                return ip;
            }
        }
        return null;
    }

    /**
     * {@code podutil.FindPort}: the port a Service port reaches on {@code pod}. A numeric
     * targetPort (or none: it defaults to {@code port}) is used as is; a named one is the container
     * port of that name and the Service port's protocol, absent when no container declares it.
     */
    public static OptionalInt findPort(Pod pod, ServicePort servicePort) {
        IntOrString target = servicePort.getTargetPort();
        if (target == null
                || (target.getIntVal() == null
                        && (target.getStrVal() == null || target.getStrVal().isEmpty()))) {
            return servicePort.getPort() == null
                    ? OptionalInt.empty()
                    : OptionalInt.of(servicePort.getPort());
        }
        if (target.getIntVal() != null) {
            int value = target.getIntVal();
            return value == 0 && servicePort.getPort() != null
                    ? OptionalInt.of(servicePort.getPort())
                    : OptionalInt.of(value);
        }
        String name = target.getStrVal();
        String protocol = protocol(servicePort);
        if (pod.getSpec() != null) {
            List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
            // restartable init containers (sidecars) also serve ports
            for (Container c : pod.getSpec().getInitContainers()) {
                if ("Always".equals(c.getRestartPolicy())) {
                    containers.add(c);
                }
            }
            for (Container container : containers) {
                if (container.getPorts() == null) {
                    continue;
                }
                for (ContainerPort port : container.getPorts()) {
                    String portProtocol =
                            port.getProtocol() == null || port.getProtocol().isEmpty()
                                    ? "TCP"
                                    : port.getProtocol();
                    if (name.equals(port.getName())
                            && protocol.equals(portProtocol)
                            && port.getContainerPort() != null) {
                        return OptionalInt.of(port.getContainerPort());
                    }
                }
            }
        }
        return OptionalInt.empty();
    }

    /**
     * {@code endpointutil.ShouldSetHostname}: the Pod's hostname is published when it sets {@code
     * spec.hostname} and its {@code spec.subdomain} is the Service's name.
     */
    public static boolean shouldSetHostname(Pod pod, Service service) {
        return pod.getSpec() != null
                && pod.getSpec().getHostname() != null
                && !pod.getSpec().getHostname().isEmpty()
                && service.getMetadata().getName().equals(pod.getSpec().getSubdomain())
                && java.util.Objects.equals(
                        service.getMetadata().getNamespace(), pod.getMetadata().getNamespace());
    }

    /**
     * {@code endpointsliceutil.ShouldPodBeInEndpoints}: not terminal, has an IP, and not
     * terminating unless {@code includeTerminating}.
     */
    public static boolean shouldPodBeInEndpoints(Pod pod, boolean includeTerminating) {
        if (Pods.isTerminal(pod)) {
            return false;
        }
        if (Pods.primaryIp(pod).isEmpty()) {
            return false;
        }
        return includeTerminating || !Pods.isTerminating(pod);
    }
}
