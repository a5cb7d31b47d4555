package io.j8s.controllers.util.endpoint;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.j8s.controllers.util.Semantic;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code endpoints.RepackSubsets}: regroups subsets so that each address appears once per port,
 * ports served by the same set of (address, readiness) pairs share one subset, and everything is
 * sorted — the same input always gives the same output, so an unchanged Service writes nothing.
 *
 * <p>An address that is not ready for a port in any input subset is not ready for that port ("not
 * ready trumps ready"). Addresses are sorted as Kubernetes does (IP compared as text, then target
 * UID); ports by name, number and protocol; subsets by their content.
 */
public final class EndpointSubsets {

    private EndpointSubsets() {}

    /** Address identity: the same IP from two Pods is two addresses (for attribution). */
    private record AddressKey(String ip, String uid) {}

    private record PortKey(String name, int port, String protocol, String appProtocol) {
        static final PortKey SENTINEL = new PortKey(null, -1, null, null);

        static PortKey of(EndpointPort p) {
            return new PortKey(
                    emptyToNull(p.getName()),
                    p.getPort() == null ? 0 : p.getPort(),
                    p.getProtocol(),
                    p.getAppProtocol());
        }

        EndpointPort toPort() {
            return new EndpointPortBuilder()
                    .withName(name)
                    .withPort(port)
                    .withProtocol(protocol)
                    .withAppProtocol(appProtocol)
                    .build();
        }
    }

    public static List<EndpointSubset> repack(List<EndpointSubset> subsets) {
        Map<AddressKey, EndpointAddress> allAddresses = new LinkedHashMap<>();
        Map<PortKey, Map<AddressKey, Boolean>> readinessByPort = new LinkedHashMap<>();
        for (EndpointSubset subset : subsets) {
            List<EndpointPort> ports = subset.getPorts() == null ? List.of() : subset.getPorts();
            if (ports.isEmpty()) {
                mapAddresses(subset, PortKey.SENTINEL, allAddresses, readinessByPort);
            } else {
                for (EndpointPort port : ports) {
                    mapAddresses(subset, PortKey.of(port), allAddresses, readinessByPort);
                }
            }
        }

        // Group ports by the exact set of (address, ready) pairs that serve them.
        Map<String, Map<AddressKey, Boolean>> addressSetByKey = new LinkedHashMap<>();
        Map<String, List<PortKey>> portsByKey = new LinkedHashMap<>();
        for (Map.Entry<PortKey, Map<AddressKey, Boolean>> e : readinessByPort.entrySet()) {
            String key = addressSetKey(e.getValue());
            addressSetByKey.put(key, e.getValue());
            List<PortKey> ports = portsByKey.computeIfAbsent(key, k -> new ArrayList<>());
            if (e.getKey().port() > 0) {
                ports.add(e.getKey());
            }
        }

        List<EndpointSubset> result = new ArrayList<>();
        for (Map.Entry<String, List<PortKey>> e : portsByKey.entrySet()) {
            List<EndpointAddress> ready = new ArrayList<>();
            List<EndpointAddress> notReady = new ArrayList<>();
            for (Map.Entry<AddressKey, Boolean> a : addressSetByKey.get(e.getKey()).entrySet()) {
                (a.getValue() ? ready : notReady).add(allAddresses.get(a.getKey()));
            }
            ready.sort(ADDRESS_ORDER);
            notReady.sort(ADDRESS_ORDER);
            List<EndpointPort> ports =
                    e.getValue().stream().sorted(PORT_KEY_ORDER).map(PortKey::toPort).toList();
            result.add(
                    new EndpointSubsetBuilder()
                            .withAddresses(ready)
                            .withNotReadyAddresses(notReady)
                            .withPorts(ports)
                            .build());
        }
        result.sort(Comparator.comparing(Semantic::canonicalJson));
        return result;
    }

    private static void mapAddresses(
            EndpointSubset subset,
            PortKey port,
            Map<AddressKey, EndpointAddress> all,
            Map<PortKey, Map<AddressKey, Boolean>> readinessByPort) {
        if (subset.getAddresses() != null) {
            for (EndpointAddress a : subset.getAddresses()) {
                mapAddress(a, port, true, all, readinessByPort);
            }
        }
        if (subset.getNotReadyAddresses() != null) {
            for (EndpointAddress a : subset.getNotReadyAddresses()) {
                mapAddress(a, port, false, all, readinessByPort);
            }
        }
    }

    private static void mapAddress(
            EndpointAddress address,
            PortKey port,
            boolean ready,
            Map<AddressKey, EndpointAddress> all,
            Map<PortKey, Map<AddressKey, Boolean>> readinessByPort) {
        AddressKey key =
                new AddressKey(
                        address.getIp(),
                        address.getTargetRef() == null || address.getTargetRef().getUid() == null
                                ? ""
                                : address.getTargetRef().getUid());
        all.putIfAbsent(key, address);
        Map<AddressKey, Boolean> set =
                readinessByPort.computeIfAbsent(port, p -> new LinkedHashMap<>());
        Boolean wasReady = set.get(key);
        if (wasReady == null || wasReady) {
            set.put(key, ready); // not ready always trumps ready
        }
    }

    private static String addressSetKey(Map<AddressKey, Boolean> set) {
        return set.entrySet().stream()
                .sorted(
                        Comparator.comparing(
                                        (Map.Entry<AddressKey, Boolean> e) -> e.getKey().ip(),
                                        EndpointSubsets::compareBytes)
                                .thenComparing(e -> e.getKey().uid()))
                .map(e -> e.getKey().ip() + "|" + e.getKey().uid() + "|" + e.getValue())
                .reduce(
                        new StringBuilder(),
                        (sb, s) -> sb.append(s).append(';'),
                        StringBuilder::append)
                .toString();
    }

    /** {@code LessEndpointAddress}: IP compared byte-wise as text, then target UID (none first). */
    static final Comparator<EndpointAddress> ADDRESS_ORDER =
            (a, b) -> {
                int byIp = compareBytes(a.getIp(), b.getIp());
                if (byIp != 0) {
                    return byIp;
                }
                String ua = a.getTargetRef() == null ? null : a.getTargetRef().getUid();
                String ub = b.getTargetRef() == null ? null : b.getTargetRef().getUid();
                if (Objects.equals(ua, ub)) {
                    return 0;
                }
                if (ua == null) {
                    return -1;
                }
                if (ub == null) {
                    return 1;
                }
                return ua.compareTo(ub);
            };

    private static final Comparator<PortKey> PORT_KEY_ORDER =
            Comparator.comparing((PortKey p) -> p.name() == null ? "" : p.name())
                    .thenComparingInt(PortKey::port)
                    .thenComparing(p -> p.protocol() == null ? "" : p.protocol());

    static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(
                (a == null ? "" : a).getBytes(StandardCharsets.UTF_8),
                (b == null ? "" : b).getBytes(StandardCharsets.UTF_8));
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
