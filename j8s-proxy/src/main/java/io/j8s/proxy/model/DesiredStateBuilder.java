package io.j8s.proxy.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Computes a Service's {@link ServiceState} from the API objects, as kube-proxy's service and
 * EndpointSlice caches do. A pure function: it reads its arguments, never mutates them, and keeps
 * no state, so it may be called from any thread.
 *
 * <p>Rules (from kubernetes {@code pkg/proxy/endpointslicecache.go} and {@code service.go}):
 *
 * <ul>
 *   <li>Headless ({@code clusterIP: None}), ExternalName, not-yet-allocated and non-IPv4 ClusterIPs
 *       are not proxied; SCTP ports are skipped with a warning.
 *   <li>A slice port feeds the Service port with the same name ({@code ""} when unnamed) and
 *       protocol; slice ports without a number are ignored.
 *   <li>Only {@code addressType: IPv4} slices count, and of each endpoint its first address.
 *   <li>Conditions: {@code ready} and {@code serving} unset count as true, {@code terminating}
 *       unset as false.
 *   <li>An {@code ip:port} listed by several slices appears once; a ready copy wins over a
 *       not-ready one, otherwise the first seen (slices taken in name order) stays.
 * </ul>
 */
public final class DesiredStateBuilder {

    /** Per-Service override of the host's load-balancing policy. */
    public static final String LB_POLICY_ANNOTATION = "j8s.io/lb-policy";

    /** The label linking an EndpointSlice to its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** Kubernetes's default ClientIP affinity timeout: three hours. */
    public static final Duration DEFAULT_AFFINITY_TIMEOUT = Duration.ofSeconds(10800);

    private DesiredStateBuilder() {}

    /**
     * Builds the desired state of one Service.
     *
     * @param key the Service's namespace/name
     * @param service the Service from the cache, or {@code null} when it does not exist
     * @param slices the EndpointSlices labelled with the Service's name in its namespace (others
     *     are ignored)
     * @param hostDefault the policy used when the Service does not override it
     */
    public static ServiceState build(
            ServiceKey key,
            Service service,
            Collection<EndpointSlice> slices,
            LbPolicy hostDefault) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(hostDefault, "hostDefault");
        if (service == null || service.getSpec() == null) {
            return ServiceState.absent(key);
        }
        ServiceSpec spec = service.getSpec();
        List<String> warnings = new ArrayList<>();
        String clusterIp = spec.getClusterIP();
        if ("ExternalName".equals(spec.getType())
                || clusterIp == null
                || clusterIp.isEmpty()
                || "None".equals(clusterIp)) {
            return ServiceState.absent(key);
        }
        if (!Ipv4.isLiteral(clusterIp)) {
            warnings.add("clusterIP " + clusterIp + " is not IPv4; the proxy forwards IPv4 only");
            return new ServiceState(key, List.of(), warnings);
        }

        LbPolicy policy = policy(service.getMetadata(), hostDefault, warnings);
        Optional<Duration> affinity = affinityTimeout(spec);
        TrafficPolicy internal = TrafficPolicy.fromKubernetes(spec.getInternalTrafficPolicy());
        TrafficPolicy external = TrafficPolicy.fromKubernetes(spec.getExternalTrafficPolicy());
        boolean hasNodePorts =
                "NodePort".equals(spec.getType()) || "LoadBalancer".equals(spec.getType());
        List<EndpointSlice> ownSlices = ownSlices(key, slices);

        List<ServicePortState> ports = new ArrayList<>();
        for (ServicePort sp : nullToEmpty(spec.getPorts())) {
            String portName = sp.getName() == null ? "" : sp.getName();
            Optional<Protocol> protocol = Protocol.fromKubernetes(sp.getProtocol());
            if (protocol.isEmpty()) {
                warnings.add(
                        "port \""
                                + portName
                                + "\" has protocol "
                                + sp.getProtocol()
                                + ", which the proxy does not forward");
                continue;
            }
            if (sp.getPort() == null || sp.getPort() < 1 || sp.getPort() > 65535) {
                warnings.add("port \"" + portName + "\" has no valid port number: " + sp.getPort());
                continue;
            }
            int nodePort = hasNodePorts && sp.getNodePort() != null ? sp.getNodePort() : 0;
            ServicePortName name = new ServicePortName(key, portName, protocol.get());
            ports.add(
                    new ServicePortState(
                            name,
                            clusterIp,
                            sp.getPort(),
                            nodePort,
                            policy,
                            affinity,
                            internal,
                            external,
                            endpointsFor(name, ownSlices)));
        }
        return new ServiceState(key, ports, warnings);
    }

    private static LbPolicy policy(ObjectMeta meta, LbPolicy hostDefault, List<String> warnings) {
        String value =
                meta == null || meta.getAnnotations() == null
                        ? null
                        : meta.getAnnotations().get(LB_POLICY_ANNOTATION);
        if (value == null) {
            return hostDefault;
        }
        Optional<LbPolicy> parsed = LbPolicy.fromValue(value.trim());
        if (parsed.isEmpty()) {
            warnings.add(
                    "unknown "
                            + LB_POLICY_ANNOTATION
                            + " \""
                            + value
                            + "\" (expected one of "
                            + LbPolicy.spellings()
                            + "); using the host default "
                            + hostDefault);
            return hostDefault;
        }
        return parsed.get();
    }

    private static Optional<Duration> affinityTimeout(ServiceSpec spec) {
        if (!"ClientIP".equals(spec.getSessionAffinity())) {
            return Optional.empty();
        }
        Integer seconds =
                spec.getSessionAffinityConfig() == null
                                || spec.getSessionAffinityConfig().getClientIP() == null
                        ? null
                        : spec.getSessionAffinityConfig().getClientIP().getTimeoutSeconds();
        return Optional.of(
                seconds == null || seconds <= 0
                        ? DEFAULT_AFFINITY_TIMEOUT
                        : Duration.ofSeconds(seconds));
    }

    /** The IPv4 slices of this Service, in name order so that de-duplication is deterministic. */
    private static List<EndpointSlice> ownSlices(ServiceKey key, Collection<EndpointSlice> slices) {
        List<EndpointSlice> own = new ArrayList<>();
        for (EndpointSlice slice : nullToEmpty(slices)) {
            ObjectMeta meta = slice.getMetadata();
            if (meta == null
                    || !key.namespace().equals(meta.getNamespace())
                    || meta.getLabels() == null
                    || !key.name().equals(meta.getLabels().get(SERVICE_NAME_LABEL))
                    || !"IPv4".equals(slice.getAddressType())) {
                continue;
            }
            own.add(slice);
        }
        own.sort(Comparator.comparing(s -> Objects.toString(s.getMetadata().getName(), "")));
        return own;
    }

    private static List<EndpointState> endpointsFor(
            ServicePortName name, List<EndpointSlice> slices) {
        Map<String, EndpointState> byAddress = new LinkedHashMap<>();
        for (EndpointSlice slice : slices) {
            for (EndpointPort port : nullToEmpty(slice.getPorts())) {
                String portName = port.getName() == null ? "" : port.getName();
                Optional<Protocol> protocol = Protocol.fromKubernetes(port.getProtocol());
                if (!portName.equals(name.portName())
                        || protocol.isEmpty()
                        || protocol.get() != name.protocol()
                        || port.getPort() == null
                        || port.getPort() < 1
                        || port.getPort() > 65535) {
                    continue;
                }
                for (Endpoint endpoint : nullToEmpty(slice.getEndpoints())) {
                    EndpointState state = endpointState(endpoint, port.getPort());
                    if (state == null) {
                        continue;
                    }
                    EndpointState seen = byAddress.get(state.address());
                    if (seen == null || (!seen.ready() && state.ready())) {
                        byAddress.put(state.address(), state);
                    }
                }
            }
        }
        List<EndpointState> endpoints = new ArrayList<>(byAddress.values());
        endpoints.sort(
                Comparator.comparing(
                                (EndpointState e) -> Ipv4.toAddress(e.ip()).getAddress(),
                                Arrays::compareUnsigned)
                        .thenComparingInt(EndpointState::port));
        return endpoints;
    }

    private static EndpointState endpointState(Endpoint endpoint, int port) {
        if (endpoint.getAddresses() == null
                || endpoint.getAddresses().isEmpty()
                || !Ipv4.isLiteral(endpoint.getAddresses().get(0))) {
            return null;
        }
        EndpointConditions c = endpoint.getConditions();
        boolean ready = c == null || c.getReady() == null || c.getReady();
        boolean serving = c == null || c.getServing() == null || c.getServing();
        boolean terminating = c != null && c.getTerminating() != null && c.getTerminating();
        ObjectReference ref = endpoint.getTargetRef();
        String podName = ref != null && "Pod".equals(ref.getKind()) ? ref.getName() : null;
        return new EndpointState(
                endpoint.getAddresses().get(0),
                port,
                ready,
                serving,
                terminating,
                endpoint.getNodeName(),
                podName);
    }

    private static <T> Collection<T> nullToEmpty(Collection<T> c) {
        return c == null ? List.of() : c;
    }
}
