package io.j8s.apiserver.bootstrap;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.registry.WriteOptions;
import io.j8s.apiserver.rest.ApiException;
import java.util.List;
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
 * <p>Idempotent: {@link #reconcile()} creates what is missing and repairs what drifted, writing
 * nothing when all is as it should be.
 */
public final class SystemObjects {
    private static final Logger log = LoggerFactory.getLogger(SystemObjects.class);
    public static final List<String> NAMESPACES = List.of("default", "kube-system", "kube-public",
            "kube-node-lease");

    private final ObjectRegistry registry;
    private final Function<String, ResourceType> types;
    private final String clusterIp;
    private final String advertiseAddress;
    private final int securePort;

    /**
     * @param types looks a resource up by kind
     * @param clusterIp the {@code kubernetes} Service's address (the first of the Service CIDR)
     */
    public SystemObjects(ObjectRegistry registry, Function<String, ResourceType> types, String clusterIp,
            String advertiseAddress, int securePort) {
        this.registry = registry;
        this.types = types;
        this.clusterIp = clusterIp;
        this.advertiseAddress = advertiseAddress;
        this.securePort = securePort;
    }

    public void reconcile() {
        ResourceType namespaces = types.apply("Namespace");
        for (String name : NAMESPACES) {
            ensure(namespaces, null, name, () -> {
                ObjectNode ns = Json.object();
                ns.putObject("metadata").put("name", name);
                return ns;
            }, null);
        }
        ensure(types.apply("Service"), "default", "kubernetes", this::service, null);
        ensure(types.apply("Endpoints"), "default", "kubernetes", this::endpoints, this::endpoints);
        ensure(types.apply("EndpointSlice"), "default", "kubernetes", this::endpointSlice, this::endpointSlice);
    }

    private void ensure(ResourceType type, String namespace, String name, java.util.function.Supplier<ObjectNode> wanted,
            java.util.function.Supplier<ObjectNode> repair) {
        var current = registry.read(type, namespace, name);
        try {
            if (current.isEmpty()) {
                registry.create(type, namespace, wanted.get(), WriteOptions.internal());
                log.atInfo().addKeyValue("object", type.groupResource() + " " + (namespace == null ? "" : namespace
                        + "/") + name).log("created system object");
            } else if (repair != null) {
                ObjectNode desired = repair.get();
                registry.guaranteedUpdate(type, namespace, name, null, WriteOptions.internal(), null, existing -> {
                    ObjectNode merged = existing.deepCopy();
                    desired.properties().forEach(e -> {
                        if (!e.getKey().equals("metadata")) {
                            merged.set(e.getKey(), e.getValue().deepCopy());
                        }
                    });
                    ObjectNode metadata = (ObjectNode) merged.get("metadata");
                    metadata.set("labels", desired.path("metadata").path("labels").deepCopy());
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

    private ObjectNode endpoints() {
        ObjectNode ep = Json.object();
        ObjectNode metadata = ep.putObject("metadata");
        metadata.put("name", "kubernetes");
        metadata.put("namespace", "default");
        metadata.putObject("labels").put("endpointslice.kubernetes.io/skip-mirror", "true");
        ObjectNode subset = ep.putArray("subsets").addObject();
        subset.putArray("addresses").addObject().put("ip", advertiseAddress);
        ObjectNode port = subset.putArray("ports").addObject();
        port.put("name", "https");
        port.put("port", securePort);
        port.put("protocol", "TCP");
        return ep;
    }

    private ObjectNode endpointSlice() {
        ObjectNode slice = Json.object();
        ObjectNode metadata = slice.putObject("metadata");
        metadata.put("name", "kubernetes");
        metadata.put("namespace", "default");
        metadata.putObject("labels").put("kubernetes.io/service-name", "kubernetes");
        slice.put("addressType", "IPv4");
        ArrayNode endpoints = slice.putArray("endpoints");
        ObjectNode endpoint = endpoints.addObject();
        endpoint.putArray("addresses").add(advertiseAddress);
        endpoint.putObject("conditions").put("ready", true);
        ObjectNode port = slice.putArray("ports").addObject();
        port.put("name", "https");
        port.put("port", securePort);
        port.put("protocol", "TCP");
        return slice;
    }
}
