package io.j8s.dns;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory index the resolver answers from: what DNS needs of each Service (kind, ClusterIPs,
 * named ports, the endpoints it serves), the reverse map of addresses to names (PTR), and the
 * namespaces that exist. Reads from any thread; writes ({@link #put}, {@link #remove}, {@link
 * #setNamespaces}) are serialized by the caller's single informer thread, and synchronized anyway.
 * Names are kept lower case (the specification compares case-insensitively).
 */
public final class ServiceRecords {

    /** How a Service is served. */
    public enum Kind {
        /** {@code A} is the ClusterIP */
        CLUSTER_IP,
        /** {@code clusterIP: None}: {@code A} are the ready endpoints */
        HEADLESS,
        /** {@code type: ExternalName}: a {@code CNAME} */
        EXTERNAL_NAME
    }

    /** A port: its name (lower case, may be empty), protocol (lower case) and number. */
    public record Port(String name, String protocol, int port) {}

    /**
     * An endpoint DNS serves (ready, or any with {@code publishNotReadyAddresses}).
     *
     * @param hostname the endpoint's {@code hostname} (lower case), or null
     * @param ports the ports of its EndpointSlice
     */
    public record EndpointEntry(String ip, String hostname, List<Port> ports) {
        /**
         * The endpoint's name under its Service: its hostname, else the address with '-' for '.'
         * (CoreDNS's "system-assigned identifier" of the specification).
         */
        public String label() {
            return hostname != null ? hostname : ip.replace('.', '-').replace(':', '-');
        }
    }

    /** What DNS needs of one Service. */
    public record Entry(
            String namespace,
            String name,
            Kind kind,
            List<String> clusterIps,
            String externalName,
            List<Port> ports,
            List<EndpointEntry> endpoints) {

        /**
         * The entry of {@code service} with the endpoints of its {@code slices} (IPv4 ones; a
         * Service with no ClusterIP only).
         */
        public static Entry of(Service service, Collection<EndpointSlice> slices) {
            var metadata = service.getMetadata();
            var spec = service.getSpec();
            String ns = metadata.getNamespace().toLowerCase(Locale.ROOT);
            String name = metadata.getName().toLowerCase(Locale.ROOT);
            List<Port> ports = new ArrayList<>();
            if (spec != null && spec.getPorts() != null) {
                for (ServicePort p : spec.getPorts()) {
                    if (p.getPort() != null) {
                        ports.add(
                                new Port(
                                        lower(p.getName()),
                                        protocol(p.getProtocol()),
                                        p.getPort()));
                    }
                }
            }
            if (spec != null
                    && "ExternalName".equals(spec.getType())
                    && spec.getExternalName() != null
                    && !spec.getExternalName().isEmpty()) {
                return new Entry(
                        ns,
                        name,
                        Kind.EXTERNAL_NAME,
                        List.of(),
                        spec.getExternalName().toLowerCase(Locale.ROOT),
                        ports,
                        List.of());
            }
            String clusterIp = spec == null ? null : spec.getClusterIP();
            if (clusterIp != null && !clusterIp.isEmpty() && !"None".equals(clusterIp)) {
                List<String> ips =
                        spec.getClusterIPs() == null || spec.getClusterIPs().isEmpty()
                                ? List.of(clusterIp)
                                : List.copyOf(spec.getClusterIPs());
                return new Entry(ns, name, Kind.CLUSTER_IP, ips, null, ports, List.of());
            }
            if (clusterIp == null || clusterIp.isEmpty()) {
                // Not allocated yet: nothing to serve, as an unknown name.
                return null;
            }
            boolean notReadyToo = Boolean.TRUE.equals(spec.getPublishNotReadyAddresses());
            Map<String, EndpointEntry> endpoints = new LinkedHashMap<>();
            for (EndpointSlice slice : slices) {
                if (!"IPv4".equals(slice.getAddressType()) || slice.getEndpoints() == null) {
                    continue;
                }
                List<Port> slicePorts = new ArrayList<>();
                if (slice.getPorts() != null) {
                    for (EndpointPort p : slice.getPorts()) {
                        if (p.getPort() != null) {
                            slicePorts.add(
                                    new Port(
                                            lower(p.getName()),
                                            protocol(p.getProtocol()),
                                            p.getPort()));
                        }
                    }
                }
                for (Endpoint e : slice.getEndpoints()) {
                    boolean ready =
                            e.getConditions() == null
                                    || e.getConditions().getReady() == null
                                    || e.getConditions().getReady();
                    if ((!ready && !notReadyToo) || e.getAddresses() == null) {
                        continue;
                    }
                    String host =
                            e.getHostname() == null || e.getHostname().isEmpty()
                                    ? null
                                    : e.getHostname().toLowerCase(Locale.ROOT);
                    for (String ip : e.getAddresses()) {
                        String key = ip + "/" + host;
                        EndpointEntry known = endpoints.get(key);
                        if (known == null) {
                            endpoints.put(
                                    key, new EndpointEntry(ip, host, List.copyOf(slicePorts)));
                        } else {
                            List<Port> merged = new ArrayList<>(known.ports());
                            slicePorts.stream()
                                    .filter(p -> !merged.contains(p))
                                    .forEach(merged::add);
                            endpoints.put(key, new EndpointEntry(ip, host, List.copyOf(merged)));
                        }
                    }
                }
            }
            return new Entry(
                    ns,
                    name,
                    Kind.HEADLESS,
                    List.of(),
                    null,
                    List.copyOf(ports),
                    List.copyOf(endpoints.values()));
        }

        /** {@code <name>.<namespace>.svc}: the Service's name under the zone. */
        public String relativeName() {
            return name + "." + namespace + ".svc";
        }

        /** Address → names under the zone that PTR answers with. */
        Map<String, List<String>> reverse() {
            Map<String, List<String>> out = new HashMap<>();
            if (kind == Kind.CLUSTER_IP) {
                clusterIps.forEach(
                        ip -> out.computeIfAbsent(ip, k -> new ArrayList<>()).add(relativeName()));
            } else if (kind == Kind.HEADLESS) {
                endpoints.forEach(
                        e ->
                                out.computeIfAbsent(e.ip(), k -> new ArrayList<>())
                                        .add(e.label() + "." + relativeName()));
            }
            return out;
        }

        private static String lower(String s) {
            return s == null ? "" : s.toLowerCase(Locale.ROOT);
        }

        private static String protocol(String p) {
            return p == null ? "tcp" : p.toLowerCase(Locale.ROOT);
        }
    }

    private final Map<String, Entry> services = new ConcurrentHashMap<>();

    /** address → (service key → names) */
    private final Map<String, Map<String, List<String>>> reverse = new ConcurrentHashMap<>();

    private volatile Set<String> namespaces = Set.of();

    /** The zone's SOA serial: seconds since the epoch of the last change (as CoreDNS's). */
    private volatile long serial = System.currentTimeMillis() / 1000;

    private static String key(String namespace, String name) {
        return namespace.toLowerCase(Locale.ROOT) + "/" + name.toLowerCase(Locale.ROOT);
    }

    /** The Service, or null. */
    public Entry get(String namespace, String name) {
        return services.get(key(namespace, name));
    }

    /** Sets (or with null, removes) the entry of {@code namespace/name}. */
    public synchronized void put(String namespace, String name, Entry entry) {
        String key = key(namespace, name);
        serial = Math.max(serial + 1, System.currentTimeMillis() / 1000);
        Entry old = entry == null ? services.remove(key) : services.put(key, entry);
        if (old != null) {
            for (String ip : old.reverse().keySet()) {
                reverse.computeIfPresent(
                        ip,
                        (k, owners) -> {
                            Map<String, List<String>> copy = new HashMap<>(owners);
                            copy.remove(key);
                            return copy.isEmpty() ? null : Map.copyOf(copy);
                        });
            }
        }
        if (entry != null) {
            entry.reverse()
                    .forEach(
                            (ip, names) ->
                                    reverse.merge(
                                            ip,
                                            Map.of(key, List.copyOf(names)),
                                            (a, b) -> {
                                                Map<String, List<String>> copy = new HashMap<>(a);
                                                copy.putAll(b);
                                                return Map.copyOf(copy);
                                            }));
        }
    }

    public void remove(String namespace, String name) {
        put(namespace, name, null);
    }

    /** The names (under the zone) an address has, sorted; empty if none. */
    public List<String> ptr(String ip) {
        Map<String, List<String>> owners = reverse.get(ip);
        if (owners == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        owners.values().forEach(names::addAll);
        names.sort(null);
        return names;
    }

    /** The namespaces that exist (from the Namespace informer). */
    public void setNamespaces(Set<String> names) {
        Set<String> lower = new java.util.HashSet<>();
        names.forEach(n -> lower.add(n.toLowerCase(Locale.ROOT)));
        namespaces = Set.copyOf(lower);
    }

    /** Whether the namespace exists, or holds a Service. */
    public boolean namespaceExists(String namespace) {
        String ns = namespace.toLowerCase(Locale.ROOT);
        if (namespaces.contains(ns)) {
            return true;
        }
        String prefix = ns + "/";
        return services.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    /** The SOA serial (unsigned 32 bits). */
    public long serial() {
        return serial & 0xffffffffL;
    }

    /** How many Services are indexed. */
    public int size() {
        return services.size();
    }
}
