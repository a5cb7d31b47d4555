package io.j8s.apiserver.admission;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.kinds.ServiceStrategy;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.registry.Admission;
import io.j8s.store.KeyValue;
import io.j8s.store.RangeResult;
import io.j8s.store.Store;
import io.j8s.store.TxnOp;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Allocates Services' ClusterIPs from the Service CIDR and nodePorts from the node-port range.
 *
 * <p>Every allocation is a store key ({@code /registry/serviceips/<ip>}, {@code
 * /registry/servicenodeports/<port>}) created in the same transaction as the Service, so two API
 * servers sharing a store can never hand out the same address, and a failed write leaves nothing
 * allocated. The in-memory sets are a cache of those keys, refreshed from the store whenever a
 * transaction finds one taken.
 *
 * <p>As in Kubernetes, random picks come from the upper part of the range; the lower band (1/16 of
 * the range, 16 to 256 addresses) is left for addresses requested explicitly, such as the {@code
 * kubernetes} Service's first address and DNS's.
 *
 * <p>Thread safe: the sets are guarded by {@code this}.
 */
public final class ServiceAllocations implements Admission {
    private static final Logger log = LoggerFactory.getLogger(ServiceAllocations.class);
    static final String IP_PREFIX = "/registry/serviceips/";
    static final String NODE_PORT_PREFIX = "/registry/servicenodeports/";

    private final Store store;
    private final Cidr serviceCidr;
    private final int nodePortMin;
    private final int nodePortMax;
    private final SecureRandom random = new SecureRandom();
    private final Set<Long> ips = new HashSet<>();
    private final Set<Integer> nodePorts = new HashSet<>();

    public ServiceAllocations(Store store, Cidr serviceCidr, int nodePortMin, int nodePortMax) {
        this.store = store;
        this.serviceCidr = serviceCidr;
        this.nodePortMin = nodePortMin;
        this.nodePortMax = nodePortMax;
        refresh();
    }

    public Cidr serviceCidr() {
        return serviceCidr;
    }

    /** The address at {@code offset} in the Service CIDR (1: the {@code kubernetes} Service's). */
    public String serviceIp(int offset) {
        return serviceCidr.address(offset);
    }

    /** Reloads what is allocated from the store. */
    public synchronized void refresh() {
        ips.clear();
        nodePorts.clear();
        for (KeyValue kv : all(IP_PREFIX)) {
            String ip = kv.key().substring(IP_PREFIX.length());
            if (serviceCidr.contains(ip)) {
                ips.add(serviceCidr.offsetOf(ip));
            }
        }
        for (KeyValue kv : all(NODE_PORT_PREFIX)) {
            try {
                nodePorts.add(Integer.parseInt(kv.key().substring(NODE_PORT_PREFIX.length())));
            } catch (NumberFormatException e) {
                log.atWarn()
                        .addKeyValue("key", kv.key())
                        .log("ignoring a malformed node port allocation key");
            }
        }
    }

    private List<KeyValue> all(String prefix) {
        List<KeyValue> result = new ArrayList<>();
        String after = null;
        while (true) {
            RangeResult page = store.range(prefix, 10_000, after, 0);
            result.addAll(page.kvs());
            if (!page.more() || page.kvs().isEmpty()) {
                return result;
            }
            after = page.kvs().get(page.kvs().size() - 1).key();
        }
    }

    @Override
    public List<TxnOp> admitCreate(ResourceType type, ObjectNode service) {
        if (!type.kind().equals("Service")) {
            return List.of();
        }
        ObjectNode spec = spec(service);
        String owner = owner(service);
        List<TxnOp> ops = new ArrayList<>();
        String serviceType = spec.path("type").asString("ClusterIP");
        if (!serviceType.equals("ExternalName")) {
            String requested = spec.path("clusterIP").asString("");
            if (requested.isEmpty()
                    && spec.path("clusterIPs").isArray()
                    && !spec.path("clusterIPs").isEmpty()) {
                requested = spec.path("clusterIPs").get(0).asString("");
            }
            String ip;
            if (requested.equals("None")) {
                ip = "None";
            } else {
                ip = requested.isEmpty() ? allocateIp(service) : claimIp(service, requested);
                ops.add(new TxnOp.Create(IP_PREFIX + ip, owner.getBytes(StandardCharsets.UTF_8)));
            }
            spec.put("clusterIP", ip);
            ArrayNode ipsNode = spec.putArray("clusterIPs");
            ipsNode.add(ip);
        }
        ops.addAll(allocateNodePorts(service, spec, null));
        return ops;
    }

    @Override
    public List<TxnOp> admitUpdate(ResourceType type, ObjectNode service, ObjectNode old) {
        if (!type.kind().equals("Service")) {
            return List.of();
        }
        ServiceStrategy.carryOverAllocatedValues(service, old);
        ObjectNode spec = spec(service);
        JsonNode oldSpec = old.path("spec");
        List<TxnOp> ops = new ArrayList<>(allocateNodePorts(service, spec, oldSpec));
        for (int port : portsOf(oldSpec)) {
            if (!portsOf(spec).contains(port)) {
                ops.add(new TxnOp.Delete(NODE_PORT_PREFIX + port, io.j8s.store.Store.ANY_REVISION));
                synchronized (this) {
                    nodePorts.remove(port);
                }
            }
        }
        return ops;
    }

    @Override
    public List<TxnOp> admitDelete(ResourceType type, ObjectNode old) {
        if (!type.kind().equals("Service")) {
            return List.of();
        }
        List<TxnOp> ops = new ArrayList<>();
        String ip = old.path("spec").path("clusterIP").asString("");
        if (!ip.isEmpty() && !ip.equals("None") && store.get(IP_PREFIX + ip).isPresent()) {
            ops.add(new TxnOp.Delete(IP_PREFIX + ip, io.j8s.store.Store.ANY_REVISION));
            if (serviceCidr.contains(ip)) {
                synchronized (this) {
                    ips.remove(serviceCidr.offsetOf(ip));
                }
            }
        }
        for (int port : portsOf(old.path("spec"))) {
            if (store.get(NODE_PORT_PREFIX + port).isPresent()) {
                ops.add(new TxnOp.Delete(NODE_PORT_PREFIX + port, io.j8s.store.Store.ANY_REVISION));
            }
            synchronized (this) {
                nodePorts.remove(port);
            }
        }
        return ops;
    }

    @Override
    public void writeFailed(ResourceType type, List<TxnOp> ops, boolean conflict) {
        if (conflict) {
            refresh();
            return;
        }
        synchronized (this) {
            for (TxnOp op : ops) {
                if (op instanceof TxnOp.Create create) {
                    if (create.key().startsWith(IP_PREFIX)) {
                        String ip = create.key().substring(IP_PREFIX.length());
                        if (serviceCidr.contains(ip)) {
                            ips.remove(serviceCidr.offsetOf(ip));
                        }
                    } else if (create.key().startsWith(NODE_PORT_PREFIX)) {
                        nodePorts.remove(
                                Integer.parseInt(
                                        create.key().substring(NODE_PORT_PREFIX.length())));
                    }
                }
            }
        }
    }

    private synchronized String allocateIp(ObjectNode service) {
        long size = serviceCidr.size();
        long band = Math.min(Math.max(16, size / 16), 256);
        long first = Math.min(band, size - 2);
        // Random probe in the upper band, then a scan of the whole range.
        for (int i = 0; i < 64; i++) {
            long offset = first + (long) (random.nextDouble() * (size - 1 - first));
            if (offset >= 1 && offset < size - 1 && ips.add(offset)) {
                return serviceCidr.address(offset);
            }
        }
        for (long offset = first; offset < size - 1; offset++) {
            if (ips.add(offset)) {
                return serviceCidr.address(offset);
            }
        }
        for (long offset = 2; offset < first; offset++) {
            if (ips.add(offset)) {
                return serviceCidr.address(offset);
            }
        }
        throw invalidIp(service, "", "range is full");
    }

    private synchronized String claimIp(ObjectNode service, String ip) {
        if (!serviceCidr.contains(ip)) {
            throw invalidIp(
                    service,
                    ip,
                    "the provided IP ("
                            + ip
                            + ") is not in the valid range. The range of valid"
                            + " IPs is "
                            + serviceCidr);
        }
        long offset = serviceCidr.offsetOf(ip);
        if (offset == 0 || offset == serviceCidr.size() - 1) {
            throw invalidIp(
                    service,
                    ip,
                    "the provided IP ("
                            + ip
                            + ") is the network or broadcast address of "
                            + serviceCidr);
        }
        if (!ips.add(offset)) {
            throw invalidIp(service, ip, "provided IP is already allocated");
        }
        return ip;
    }

    private List<TxnOp> allocateNodePorts(ObjectNode service, ObjectNode spec, JsonNode oldSpec) {
        String serviceType = spec.path("type").asString("ClusterIP");
        boolean wantsNodePorts =
                serviceType.equals("NodePort") || serviceType.equals("LoadBalancer");
        List<TxnOp> ops = new ArrayList<>();
        JsonNode ports = spec.path("ports");
        if (!ports.isArray()) {
            return ops;
        }
        Set<Integer> owned = oldSpec == null ? Set.of() : portsOf(oldSpec);
        for (int i = 0; i < ports.size(); i++) {
            if (!(ports.get(i) instanceof ObjectNode port)) {
                continue;
            }
            if (!wantsNodePorts) {
                port.remove("nodePort");
                continue;
            }
            int requested = port.path("nodePort").asInt(0);
            int allocated;
            synchronized (this) {
                if (requested != 0) {
                    if (owned.contains(requested)) {
                        port.put("nodePort", requested);
                        continue;
                    }
                    if (requested < nodePortMin || requested > nodePortMax) {
                        throw ApiException.invalid(
                                "Service",
                                "",
                                name(service),
                                List.of(
                                        new FieldError(
                                                "spec.ports[" + i + "].nodePort",
                                                FieldError.Type.INVALID,
                                                requested,
                                                "provided port is not in the valid range. The range of valid ports is "
                                                        + nodePortMin
                                                        + "-"
                                                        + nodePortMax)));
                    }
                    if (!nodePorts.add(requested)) {
                        throw ApiException.invalid(
                                "Service",
                                "",
                                name(service),
                                List.of(
                                        new FieldError(
                                                "spec.ports[" + i + "].nodePort",
                                                FieldError.Type.INVALID,
                                                requested,
                                                "provided port is already allocated")));
                    }
                    allocated = requested;
                } else {
                    allocated = randomNodePort(service);
                }
            }
            port.put("nodePort", allocated);
            ops.add(
                    new TxnOp.Create(
                            NODE_PORT_PREFIX + allocated,
                            owner(service).getBytes(StandardCharsets.UTF_8)));
        }
        return ops;
    }

    private int randomNodePort(ObjectNode service) {
        int span = nodePortMax - nodePortMin + 1;
        for (int i = 0; i < 64; i++) {
            int port = nodePortMin + random.nextInt(span);
            if (nodePorts.add(port)) {
                return port;
            }
        }
        for (int port = nodePortMin; port <= nodePortMax; port++) {
            if (nodePorts.add(port)) {
                return port;
            }
        }
        throw ApiException.invalid(
                "Service",
                "",
                name(service),
                List.of(
                        new FieldError(
                                "spec.ports[0].nodePort",
                                FieldError.Type.INVALID,
                                0,
                                "range is full")));
    }

    private static Set<Integer> portsOf(JsonNode spec) {
        Set<Integer> result = new HashSet<>();
        for (JsonNode port : spec.path("ports")) {
            int nodePort = port.path("nodePort").asInt(0);
            if (nodePort != 0) {
                result.add(nodePort);
            }
        }
        return result;
    }

    private ApiException invalidIp(ObjectNode service, String ip, String why) {
        ArrayNode value = Json.array();
        value.add(ip);
        return ApiException.invalid(
                "Service",
                "",
                name(service),
                List.of(
                        new FieldError(
                                "spec.clusterIPs",
                                FieldError.Type.INVALID,
                                List.of(ip),
                                "failed to allocate IP " + ip + ": " + why)));
    }

    private static ObjectNode spec(ObjectNode service) {
        return service.get("spec") instanceof ObjectNode s ? s : service.putObject("spec");
    }

    private static String name(ObjectNode service) {
        return service.path("metadata").path("name").asString("");
    }

    private static String owner(ObjectNode service) {
        return service.path("metadata").path("namespace").asString("") + "/" + name(service);
    }
}
