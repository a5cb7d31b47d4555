package io.j8s.apiserver.bootstrap;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.registry.DeleteOptions;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.registry.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The objects the API server itself keeps true: the four system namespaces, and the {@code
 * kubernetes} Service in {@code default} with its Endpoints and EndpointSlice naming this server
 * (the {@code kubernetes 10.0.0.30:6443} line of the seed's {@code kubectl get endpoints}).
 *
 * <p>Servers sharing a store each renew a Lease {@code kube-system/j8s-apiserver-<hash>} labelled
 * {@link #SERVER_LEASE_LABEL} with their address (Kubernetes' lease endpoint reconciler keeps its
 * master leases the same way), and the {@code kubernetes} Endpoints and EndpointSlices list every
 * server whose Lease is fresh, so that two servers do not overwrite each other's address and a dead
 * one drops out after {@link #SERVER_LEASE_SECONDS} (and its Lease is deleted). A server that stops
 * deletes its Lease ({@link #release()}).
 *
 * <p>Idempotent: {@link #reconcile()} creates what is missing and repairs what drifted, writing
 * nothing when all is as it should be.
 */
public final class SystemObjects {
    private static final Logger log = LoggerFactory.getLogger(SystemObjects.class);
    public static final List<String> NAMESPACES =
            List.of("default", "kube-system", "kube-public", "kube-node-lease");

    /** Label of the API servers' Leases in {@code kube-system}. */
    public static final String SERVER_LEASE_LABEL = "j8s.io/apiserver";

    /** Annotation of such a Lease: the server's {@code address:port}. */
    public static final String SERVER_ENDPOINT_ANNOTATION = "j8s.io/apiserver-endpoint";

    /** A server whose Lease was not renewed for this long is dropped from the endpoints. */
    public static final int SERVER_LEASE_SECONDS = 30;

    private static final DateTimeFormatter MICRO_TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final ObjectRegistry registry;
    private final Function<String, ResourceType> types;
    private final String clusterIp;
    private final String advertiseAddress;
    private final int securePort;
    private final WatchCache cache;
    private final Clock clock;
    private final String leaseName;

    /**
     * @param types looks a resource up by kind
     * @param clusterIp the {@code kubernetes} Service's address (the first of the Service CIDR)
     * @param cache where the other servers' Leases are read
     */
    public SystemObjects(
            ObjectRegistry registry,
            Function<String, ResourceType> types,
            String clusterIp,
            String advertiseAddress,
            int securePort,
            WatchCache cache,
            Clock clock) {
        this.registry = registry;
        this.types = types;
        this.clusterIp = clusterIp;
        this.advertiseAddress = advertiseAddress;
        this.securePort = securePort;
        this.cache = cache;
        this.clock = clock;
        this.leaseName =
                "j8s-apiserver-" + sha256(advertiseAddress + ":" + securePort).substring(0, 16);
    }

    public void reconcile() {
        ResourceType namespaces = types.apply("Namespace");
        for (String name : NAMESPACES) {
            ensure(
                    namespaces,
                    null,
                    name,
                    () -> {
                        ObjectNode ns = Json.object();
                        ns.putObject("metadata").put("name", name);
                        return ns;
                    },
                    null);
        }
        ensure(types.apply("Service"), "default", "kubernetes", this::service, null);
        renewLease();
        writeEndpoints(liveServers(true));
    }

    /**
     * Takes this server out of the {@code kubernetes} endpoints: deletes its Lease and lists the
     * other live servers (when there are none, the endpoints keep naming this one, as a single
     * server leaves them).
     */
    public void release() {
        try {
            registry.delete(
                    types.apply("Lease"), "kube-system", leaseName, DeleteOptions.defaults());
        } catch (ApiException e) {
            if (e.code() != 404) {
                throw e;
            }
        }
        Map<Integer, Set<String>> others = liveServers(false);
        if (!others.isEmpty()) {
            writeEndpoints(others);
        }
    }

    private void renewLease() {
        ResourceType type = types.apply("Lease");
        String now = MICRO_TIME.format(clock.instant());
        ensure(
                type,
                "kube-system",
                leaseName,
                () -> {
                    ObjectNode lease = Json.object();
                    ObjectNode metadata = lease.putObject("metadata");
                    metadata.put("name", leaseName);
                    metadata.put("namespace", "kube-system");
                    metadata.putObject("labels").put(SERVER_LEASE_LABEL, "true");
                    metadata.putObject("annotations")
                            .put(SERVER_ENDPOINT_ANNOTATION, advertiseAddress + ":" + securePort);
                    ObjectNode spec = lease.putObject("spec");
                    spec.put("holderIdentity", leaseName);
                    spec.put("leaseDurationSeconds", SERVER_LEASE_SECONDS);
                    spec.put("acquireTime", now);
                    spec.put("renewTime", now);
                    return lease;
                },
                null);
        try {
            registry.guaranteedUpdate(
                    type,
                    "kube-system",
                    leaseName,
                    null,
                    WriteOptions.internal(),
                    null,
                    existing -> {
                        ((ObjectNode) existing.path("spec")).put("renewTime", now);
                        return existing;
                    });
        } catch (ApiException e) {
            if (e.code() != 404 && e.code() != 409) {
                throw e;
            }
        }
    }

    /**
     * Port → addresses of the servers whose Lease is fresh (this one included when {@code self}).
     */
    private Map<Integer, Set<String>> liveServers(boolean self) {
        Map<Integer, Set<String>> servers = new TreeMap<>();
        if (self) {
            servers.computeIfAbsent(securePort, p -> new TreeSet<>()).add(advertiseAddress);
        }
        Instant now = clock.instant();
        for (CachedObject lease :
                cache.list(types.apply("Lease"), "kube-system", o -> true).items()) {
            var tree = lease.tree();
            var metadata = tree.path("metadata");
            if (!"true".equals(metadata.path("labels").path(SERVER_LEASE_LABEL).asString(""))
                    || metadata.path("name").asString("").equals(leaseName)) {
                continue;
            }
            String endpoint =
                    metadata.path("annotations").path(SERVER_ENDPOINT_ANNOTATION).asString("");
            int colon = endpoint.lastIndexOf(':');
            try {
                Instant renewed = Instant.parse(tree.path("spec").path("renewTime").asString(""));
                long seconds =
                        tree.path("spec").path("leaseDurationSeconds").asLong(SERVER_LEASE_SECONDS);
                if (!renewed.plusSeconds(seconds).isAfter(now)) {
                    // expired: gone, as an etcd lease's key would be
                    registry.delete(
                            types.apply("Lease"),
                            "kube-system",
                            metadata.path("name").asString(),
                            DeleteOptions.defaults());
                } else if (colon > 0) {
                    servers.computeIfAbsent(
                                    Integer.parseInt(endpoint.substring(colon + 1)),
                                    p -> new TreeSet<>())
                            .add(endpoint.substring(0, colon));
                }
            } catch (RuntimeException e) {
                // Not a lease this server understands, or deleted meanwhile: skip it.
            }
        }
        return servers;
    }

    /**
     * The Endpoints (one subset per port) and EndpointSlices ({@code kubernetes} for the lowest
     * port, {@code kubernetes-<port>} for others) of {@code servers}; slices of ports no longer
     * served are deleted.
     */
    private void writeEndpoints(Map<Integer, Set<String>> servers) {
        ensure(
                types.apply("Endpoints"),
                "default",
                "kubernetes",
                () -> endpoints(servers),
                () -> endpoints(servers));
        ResourceType sliceType = types.apply("EndpointSlice");
        List<String> wanted = new ArrayList<>();
        boolean first = true;
        for (Map.Entry<Integer, Set<String>> group : servers.entrySet()) {
            String name = first ? "kubernetes" : "kubernetes-" + group.getKey();
            first = false;
            wanted.add(name);
            ensure(
                    sliceType,
                    "default",
                    name,
                    () -> endpointSlice(name, group.getKey(), group.getValue()),
                    () -> endpointSlice(name, group.getKey(), group.getValue()));
        }
        for (CachedObject slice : cache.list(sliceType, "default", o -> true).items()) {
            var metadata = slice.tree().path("metadata");
            String name = metadata.path("name").asString("");
            if (name.startsWith("kubernetes-")
                    && !wanted.contains(name)
                    && "kubernetes"
                            .equals(
                                    metadata.path("labels")
                                            .path("kubernetes.io/service-name")
                                            .asString(""))
                    && metadata.path("labels")
                            .path("endpointslice.kubernetes.io/managed-by")
                            .isMissingNode()) {
                try {
                    registry.delete(sliceType, "default", name, DeleteOptions.defaults());
                } catch (ApiException e) {
                    if (e.code() != 404) {
                        throw e;
                    }
                }
            }
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void ensure(
            ResourceType type,
            String namespace,
            String name,
            java.util.function.Supplier<ObjectNode> wanted,
            java.util.function.Supplier<ObjectNode> repair) {
        var current = registry.read(type, namespace, name);
        try {
            if (current.isEmpty()) {
                registry.create(type, namespace, wanted.get(), WriteOptions.internal());
                log.atInfo()
                        .addKeyValue(
                                "object",
                                type.groupResource()
                                        + " "
                                        + (namespace == null ? "" : namespace + "/")
                                        + name)
                        .log("created system object");
            } else if (repair != null) {
                ObjectNode desired = repair.get();
                registry.guaranteedUpdate(
                        type,
                        namespace,
                        name,
                        null,
                        WriteOptions.internal(),
                        null,
                        existing -> {
                            ObjectNode merged = existing.deepCopy();
                            desired.properties()
                                    .forEach(
                                            e -> {
                                                if (!e.getKey().equals("metadata")) {
                                                    merged.set(e.getKey(), e.getValue().deepCopy());
                                                }
                                            });
                            ObjectNode metadata = (ObjectNode) merged.get("metadata");
                            metadata.set(
                                    "labels", desired.path("metadata").path("labels").deepCopy());
                            return merged;
                        });
            }
        } catch (ApiException e) {
            if (e.code() != 409) {
                throw e;
            }
        }
    }

    private ObjectNode service() {
        ObjectNode svc = Json.object();
        ObjectNode metadata = svc.putObject("metadata");
        metadata.put("name", "kubernetes");
        metadata.put("namespace", "default");
        ObjectNode labels = metadata.putObject("labels");
        labels.put("component", "apiserver");
        labels.put("provider", "kubernetes");
        ObjectNode spec = svc.putObject("spec");
        spec.put("type", "ClusterIP");
        spec.put("clusterIP", clusterIp);
        spec.putArray("clusterIPs").add(clusterIp);
        ObjectNode port = spec.putArray("ports").addObject();
        port.put("name", "https");
        port.put("port", 443);
        port.put("protocol", "TCP");
        port.put("targetPort", securePort);
        spec.put("sessionAffinity", "None");
        return svc;
    }

    private ObjectNode endpoints(Map<Integer, Set<String>> servers) {
        ObjectNode ep = Json.object();
        ObjectNode metadata = ep.putObject("metadata");
        metadata.put("name", "kubernetes");
        metadata.put("namespace", "default");
        metadata.putObject("labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
        ArrayNode subsets = ep.putArray("subsets");
        servers.forEach(
                (serverPort, addresses) -> {
                    ObjectNode subset = subsets.addObject();
                    ArrayNode list = subset.putArray("addresses");
                    addresses.forEach(address -> list.addObject().put("ip", address));
                    ObjectNode port = subset.putArray("ports").addObject();
                    port.put("name", "https");
                    port.put("port", serverPort);
                    port.put("protocol", "TCP");
                });
        return ep;
    }

    private ObjectNode endpointSlice(String name, int serverPort, Set<String> addresses) {
        ObjectNode slice = Json.object();
        ObjectNode metadata = slice.putObject("metadata");
        metadata.put("name", name);
        metadata.put("namespace", "default");
        metadata.putObject("labels").put("kubernetes.io/service-name", "kubernetes");
        slice.put("addressType", "IPv4");
        ArrayNode endpoints = slice.putArray("endpoints");
        for (String address : addresses) {
            ObjectNode endpoint = endpoints.addObject();
            endpoint.putArray("addresses").add(address);
            endpoint.putObject("conditions").put("ready", true);
        }
        ObjectNode port = slice.putArray("ports").addObject();
        port.put("name", "https");
        port.put("port", serverPort);
        port.put("protocol", "TCP");
        return slice;
    }
}
