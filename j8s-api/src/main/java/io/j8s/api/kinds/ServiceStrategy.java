package io.j8s.api.kinds;

import io.j8s.api.json.Json;
import io.j8s.api.selector.LabelSelector;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.GoValues;
import io.j8s.api.validation.NameRules;
import io.j8s.api.validation.ObjectMetaValidation;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Services ({@code v1}): defaults of {@code SetDefaults_Service} plus the IP family fields the
 * apiserver's allocator fills in, {@code ValidateService}/{@code ValidateServiceUpdate}, and the
 * {@code printService} Table. The ClusterIP itself is allocated by the API server, not here.
 */
public final class ServiceStrategy extends BaseStrategy {

    public static final int DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;
    public static final int MAX_CLIENT_IP_TIMEOUT_SECONDS = 86400;
    static final List<String> TYPES =
            List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    static final List<String> AFFINITIES = List.of("ClientIP", "None");
    static final List<String> FAMILY_POLICIES =
            List.of("PreferDualStack", "RequireDualStack", "SingleStack");
    static final List<String> FAMILIES = List.of("IPv4", "IPv6");
    static final List<String> TRAFFIC_POLICIES = List.of("Cluster", "Local");

    public ServiceStrategy() {
        super(true, NameRule.DNS1035_LABEL);
    }

    /**
     * A new Service's status is an empty {@code loadBalancer}, whatever the client sent ({@code
     * svcStrategy.PrepareForCreate}); its ClusterIP is allocated by the API server's admission.
     */
    @Override
    public void prepareForCreate(ObjectNode object) {
        ObjectNode status = Json.object();
        status.putObject("loadBalancer");
        object.set("status", status);
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        ObjectNode spec = Json.child(object, "spec");
        Json.defaultString(spec, "sessionAffinity", "None");
        if ("None".equals(Json.str(spec, "sessionAffinity"))) {
            spec.remove("sessionAffinityConfig");
        }
        if ("ClientIP".equals(Json.str(spec, "sessionAffinity"))) {
            JsonNode timeout =
                    spec.path("sessionAffinityConfig").path("clientIP").path("timeoutSeconds");
            if (timeout.isMissingNode() || timeout.isNull()) {
                ObjectNode config = spec.putObject("sessionAffinityConfig");
                config.putObject("clientIP")
                        .put("timeoutSeconds", DEFAULT_CLIENT_IP_TIMEOUT_SECONDS);
            }
        }
        Json.defaultString(spec, "type", "ClusterIP");
        String type = Json.str(spec, "type");
        for (JsonNode p : Json.elements(spec, "ports")) {
            if (p instanceof ObjectNode port) {
                Json.defaultString(port, "protocol", "TCP");
                JsonNode target = port.get("targetPort");
                boolean unset =
                        target == null
                                || target.isNull()
                                || (target.isNumber() && target.longValue() == 0)
                                || (target.isString() && target.stringValue().isEmpty());
                if (unset && port.has("port")) {
                    port.set("targetPort", port.get("port"));
                }
            }
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            Json.defaultString(spec, "externalTrafficPolicy", "Cluster");
        }
        if (type.equals("NodePort") || type.equals("LoadBalancer") || type.equals("ClusterIP")) {
            Json.defaultString(spec, "internalTrafficPolicy", "Cluster");
        }
        if (type.equals("LoadBalancer") && !spec.has("allocateLoadBalancerNodePorts")) {
            spec.put("allocateLoadBalancerNodePorts", true);
        }
        // What the REST layer does in Kubernetes: mirror clusterIP into clusterIPs ...
        String clusterIP = Json.str(spec, "clusterIP");
        if (!clusterIP.isEmpty() && Json.elements(spec, "clusterIPs").isEmpty()) {
            spec.putArray("clusterIPs").add(clusterIP);
        }
        // ... and, on a single-stack IPv4 cluster, fill in the IP family fields.
        if (!type.equals("ExternalName")) {
            boolean headlessWithoutSelector =
                    clusterIP.equals("None") && Json.stringMap(spec, "selector").isEmpty();
            Json.defaultString(
                    spec,
                    "ipFamilyPolicy",
                    headlessWithoutSelector ? "PreferDualStack" : "SingleStack");
            if (Json.elements(spec, "ipFamilies").isEmpty()) {
                spec.putArray("ipFamilies").add("IPv4");
            }
        }
    }

    /**
     * Copies the allocated {@code clusterIP}/{@code clusterIPs} (and IP family fields) of the
     * stored Service into an update that left them out, as Kubernetes' {@code patchAllocatedValues}
     * does before validation. Mutates {@code updated}.
     */
    public static void carryOverAllocatedValues(ObjectNode updated, ObjectNode old) {
        ObjectNode spec = Json.child(updated, "spec");
        JsonNode oldSpec = old.path("spec");
        boolean oldNeedsIp = !"ExternalName".equals(Json.str(oldSpec, "type"));
        boolean newNeedsIp = !"ExternalName".equals(Json.str(spec, "type"));
        if (oldNeedsIp && newNeedsIp) {
            if (Json.str(spec, "clusterIP").isEmpty() && oldSpec.has("clusterIP")) {
                spec.set("clusterIP", oldSpec.get("clusterIP").deepCopy());
            }
            if (Json.elements(spec, "clusterIPs").isEmpty() && oldSpec.has("clusterIPs")) {
                spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
            }
        }
        for (String type : List.of("NodePort", "LoadBalancer")) {
            if (type.equals(Json.str(spec, "type")) && type.equals(Json.str(oldSpec, "type"))) {
                List<JsonNode> oldPorts = Json.elements(oldSpec, "ports");
                for (JsonNode p : Json.elements(spec, "ports")) {
                    if (p instanceof ObjectNode port && port.path("nodePort").asLong(0) == 0) {
                        for (JsonNode op : oldPorts) {
                            if (op.path("port").asLong() == port.path("port").asLong()
                                    && Json.str(op, "protocol").equals(Json.str(port, "protocol"))
                                    && op.has("nodePort")) {
                                port.set("nodePort", op.get("nodePort"));
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {
        JsonNode spec = object.path("spec");
        if (old != null) {
            validateUpdate(spec, old.path("spec"), errs);
        }
        String type = Json.str(spec, "type");
        String clusterIP = Json.str(spec, "clusterIP");
        boolean headless = clusterIP.equals("None");
        List<JsonNode> ports = Json.elements(spec, "ports");

        if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
            errs.add(FieldError.required("spec.ports"));
        }
        switch (type) {
            case "LoadBalancer" -> {
                if (headless) {
                    errs.add(
                            FieldError.invalid(
                                    "spec.clusterIP",
                                    clusterIP,
                                    "may not be set to 'None' for LoadBalancer services"));
                }
            }
            case "NodePort" -> {
                if (headless) {
                    errs.add(
                            FieldError.invalid(
                                    "spec.clusterIP",
                                    clusterIP,
                                    "may not be set to 'None' for NodePort services"));
                }
            }
            case "ExternalName" -> {
                if (!Json.elements(spec, "clusterIPs").isEmpty()) {
                    errs.add(
                            FieldError.forbidden(
                                    "spec.clusterIPs", "may not be set for ExternalName services"));
                }
                if (!Json.elements(spec, "ipFamilies").isEmpty()) {
                    errs.add(
                            FieldError.forbidden(
                                    "spec.ipFamilies", "may not be set for ExternalName services"));
                }
                if (!Json.str(spec, "ipFamilyPolicy").isEmpty()) {
                    errs.add(
                            FieldError.forbidden(
                                    "spec.ipFamilyPolicy",
                                    "may not be set for ExternalName services"));
                }
                String cname = Json.str(spec, "externalName");
                if (cname.endsWith(".")) {
                    cname = cname.substring(0, cname.length() - 1);
                }
                if (cname.isEmpty()) {
                    errs.add(FieldError.required("spec.externalName"));
                } else {
                    for (String msg : NameRules.dns1123Subdomain(cname)) {
                        errs.add(FieldError.invalid("spec.externalName", cname, msg));
                    }
                }
            }
            default -> {}
        }

        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            validatePort(ports.get(i), ports.size() > 1, names, "spec.ports[" + i + "]", errs);
        }
        if (spec.has("selector") && !spec.get("selector").isNull()) {
            errs.addAll(
                    ObjectMetaValidation.validateLabels(
                            Json.stringMap(spec, "selector"), "spec.selector"));
        }

        String affinity = Json.str(spec, "sessionAffinity");
        if (affinity.isEmpty()) {
            errs.add(FieldError.required("spec.sessionAffinity"));
        } else if (!AFFINITIES.contains(affinity)) {
            errs.add(FieldError.notSupported("spec.sessionAffinity", affinity, AFFINITIES));
        }
        JsonNode affinityConfig = spec.get("sessionAffinityConfig");
        if (affinity.equals("ClientIP")) {
            validateClientIpAffinity(affinityConfig, errs);
        } else if (affinity.equals("None") && affinityConfig != null && !affinityConfig.isNull()) {
            // Unreachable after defaulting (which clears it), kept for callers that skip defaults.
            errs.add(
                    FieldError.forbidden(
                            "spec.sessionAffinityConfig",
                            "must not be set when session affinity is None"));
        }

        validateClusterIps(spec, old == null ? null : old.path("spec"), type, errs);

        List<String> externalIPs = Json.stringList(spec, "externalIPs");
        for (int i = 0; i < externalIPs.size(); i++) {
            errs.addAll(
                    IpAddresses.validateIp(
                            "spec.externalIPs[" + i + "]", externalIPs.get(i), false));
        }

        if (type.isEmpty()) {
            errs.add(FieldError.required("spec.type"));
        } else if (!TYPES.contains(type)) {
            errs.add(FieldError.notSupported("spec.type", type, TYPES));
        }
        if (type.equals("ClusterIP")) {
            for (int i = 0; i < ports.size(); i++) {
                if (ports.get(i).path("nodePort").asLong(0) != 0) {
                    errs.add(
                            FieldError.forbidden(
                                    "spec.ports[" + i + "].nodePort",
                                    "may not be used when `type` is 'ClusterIP'"));
                }
            }
        }
        Set<String> nodePorts = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.get(i);
            long nodePort = p.path("nodePort").asLong(0);
            if (nodePort == 0) {
                continue;
            }
            String key = Json.str(p, "protocol") + "/" + nodePort;
            if (!nodePorts.add(key)) {
                errs.add(
                        FieldError.duplicate(
                                "spec.ports[" + i + "].nodePort",
                                new GoValues.Raw(
                                        servicePortKey(Json.str(p, "protocol"), 0, nodePort))));
            }
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode p = ports.get(i);
            String key = Json.str(p, "protocol") + "/" + p.path("port").asLong(0);
            if (!seen.add(key)) {
                errs.add(
                        FieldError.duplicate(
                                "spec.ports[" + i + "]",
                                new GoValues.Raw(
                                        servicePortKey(
                                                Json.str(p, "protocol"),
                                                p.path("port").asLong(0),
                                                0))));
            }
        }

        String etp = Json.str(spec, "externalTrafficPolicy");
        if (!etp.isEmpty()) {
            if (!type.equals("NodePort") && !type.equals("LoadBalancer")) {
                errs.add(
                        FieldError.invalid(
                                "spec.externalTrafficPolicy",
                                etp,
                                "may only be set for externally-accessible services"));
            } else if (!TRAFFIC_POLICIES.contains(etp)) {
                errs.add(
                        FieldError.notSupported(
                                "spec.externalTrafficPolicy", etp, TRAFFIC_POLICIES));
            }
        } else if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            errs.add(FieldError.required("spec.externalTrafficPolicy"));
        }
        String itp = Json.str(spec, "internalTrafficPolicy");
        if (itp.isEmpty()) {
            if (!type.equals("ExternalName")) {
                errs.add(FieldError.required("spec.internalTrafficPolicy"));
            }
        } else if (!TRAFFIC_POLICIES.contains(itp)) {
            errs.add(FieldError.notSupported("spec.internalTrafficPolicy", itp, TRAFFIC_POLICIES));
        }
    }

    private static String servicePortKey(String protocol, long port, long nodePort) {
        return "core.ServicePort{Name:\"\", Protocol:\""
                + protocol
                + "\", AppProtocol:(*string)(nil), Port:"
                + port
                + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:"
                + nodePort
                + "}";
    }

    private static void validatePort(
            JsonNode port,
            boolean requireName,
            Set<String> names,
            String p,
            List<FieldError> errs) {
        String name = Json.str(port, "name");
        if (requireName && name.isEmpty()) {
            errs.add(FieldError.required(p + ".name"));
        } else if (!name.isEmpty()) {
            for (String msg : NameRules.dns1123Label(name)) {
                errs.add(FieldError.invalid(p + ".name", name, msg));
            }
            if (!names.add(name)) {
                errs.add(FieldError.duplicate(p + ".name", name));
            }
        }
        long number = port.path("port").asLong(0);
        for (String msg : NameRules.portNum(number)) {
            errs.add(FieldError.invalid(p + ".port", number, msg));
        }
        PodSpecs.protocol(port, p, errs);
        PodSpecs.validatePortNumOrName(port.get("targetPort"), p + ".targetPort", errs);
        String appProtocol = Json.str(port, "appProtocol");
        if (port.has("appProtocol")) {
            for (String msg : NameRules.qualifiedName(appProtocol)) {
                errs.add(FieldError.invalid(p + ".appProtocol", appProtocol, msg));
            }
        }
    }

    private static void validateClientIpAffinity(JsonNode config, List<FieldError> errs) {
        String when = "when session affinity type is ClientIP";
        if (config == null || config.isNull()) {
            errs.add(FieldError.required("spec.sessionAffinityConfig", when));
            return;
        }
        JsonNode clientIp = config.get("clientIP");
        if (clientIp == null || clientIp.isNull()) {
            errs.add(FieldError.required("spec.sessionAffinityConfig.clientIP", when));
            return;
        }
        JsonNode timeout = clientIp.get("timeoutSeconds");
        if (timeout == null || timeout.isNull()) {
            errs.add(
                    FieldError.required(
                            "spec.sessionAffinityConfig.clientIP.timeoutSeconds", when));
            return;
        }
        long t = timeout.asLong(0);
        if (t <= 0 || t > MAX_CLIENT_IP_TIMEOUT_SECONDS) {
            errs.add(
                    FieldError.invalid(
                            "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                            t,
                            "must be greater than 0 and less than "
                                    + MAX_CLIENT_IP_TIMEOUT_SECONDS));
        }
    }

    /** {@code ValidateServiceClusterIPsRelatedFields}, on the normalized {@code clusterIPs}. */
    private static void validateClusterIps(
            JsonNode spec, JsonNode oldSpec, String type, List<FieldError> errs) {
        if (type.equals("ExternalName")) {
            return;
        }
        String clusterIP = Json.str(spec, "clusterIP");
        List<String> clusterIPs = normalizedClusterIps(spec, oldSpec);
        if (!clusterIP.isEmpty()) {
            if (clusterIPs.isEmpty()) {
                errs.add(FieldError.required("spec.clusterIPs"));
            } else if (!clusterIPs.get(0).equals(clusterIP)) {
                errs.add(
                        FieldError.invalid(
                                "spec.clusterIPs",
                                clusterIPs,
                                "first value must match `clusterIP`"));
            }
        } else if (!clusterIPs.isEmpty()) {
            errs.add(
                    FieldError.invalid(
                            "spec.clusterIPs",
                            clusterIPs,
                            "must be empty when `clusterIP` is not specified"));
        }
        List<String> families = Json.stringList(spec, "ipFamilies");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < families.size(); i++) {
            String f = families.get(i);
            if (!FAMILIES.contains(f)) {
                errs.add(FieldError.notSupported("spec.ipFamilies[" + i + "]", f, FAMILIES));
            }
            if (!seen.add(f)) {
                errs.add(FieldError.duplicate("spec.ipFamilies[" + i + "]", f));
            }
        }
        if (spec.has("ipFamilyPolicy") && !spec.get("ipFamilyPolicy").isNull()) {
            String policy = Json.str(spec, "ipFamilyPolicy");
            if (!FAMILY_POLICIES.contains(policy)) {
                errs.add(FieldError.notSupported("spec.ipFamilyPolicy", policy, FAMILY_POLICIES));
            }
        }
        boolean invalidIps = false;
        for (int i = 0; i < clusterIPs.size(); i++) {
            String ip = clusterIPs.get(i);
            if (i == 0 && ip.equals("None")) {
                if (clusterIPs.size() > 1) {
                    invalidIps = true;
                    errs.add(
                            FieldError.invalid(
                                    "spec.clusterIPs",
                                    clusterIPs,
                                    "'None' must be the first and only value"));
                }
                continue;
            }
            if (!IpAddresses.isIp(ip)) {
                invalidIps = true;
                errs.add(
                        FieldError.invalid(
                                "spec.clusterIPs[" + i + "]", ip, IpAddresses.INVALID_IP));
            }
        }
        if (clusterIPs.size() > 2) {
            errs.add(
                    FieldError.invalid(
                            "spec.clusterIPs", clusterIPs, "may only hold up to 2 values"));
        }
        if (invalidIps) {
            return;
        }
        if (clusterIPs.size() > 1
                && IpAddresses.isIpv4(clusterIPs.get(0)) == IpAddresses.isIpv4(clusterIPs.get(1))) {
            errs.add(
                    FieldError.invalid(
                            "spec.clusterIPs",
                            clusterIPs,
                            "may specify no more than one IP for each IP family"));
        }
        boolean headless = clusterIPs.size() == 1 && clusterIPs.get(0).equals("None");
        if (!headless) {
            for (int i = 0; i < Math.min(families.size(), clusterIPs.size()); i++) {
                String ip = clusterIPs.get(i);
                boolean v6 = !IpAddresses.isIpv4(ip);
                if (families.get(i).equals("IPv4") && v6) {
                    errs.add(
                            FieldError.invalid(
                                    "spec.clusterIPs[" + i + "]",
                                    ip,
                                    "expected an IPv4 value as indicated by `ipFamilies["
                                            + i
                                            + "]`"));
                }
                if (families.get(i).equals("IPv6") && !v6) {
                    errs.add(
                            FieldError.invalid(
                                    "spec.clusterIPs[" + i + "]",
                                    ip,
                                    "expected an IPv6 value as indicated by `ipFamilies["
                                            + i
                                            + "]`"));
                }
            }
        }
    }

    /**
     * {@code clusterIPs} as Kubernetes' {@code normalizeClusterIPs} leaves them before validation:
     * on create a lone {@code clusterIP} fills them; on update a changed {@code clusterIP} with
     * untouched {@code clusterIPs} replaces them.
     */
    static List<String> normalizedClusterIps(JsonNode spec, JsonNode oldSpec) {
        String ip = Json.str(spec, "clusterIP");
        List<String> ips = Json.stringList(spec, "clusterIPs");
        if (oldSpec == null || oldSpec.isMissingNode()) {
            return !ip.isEmpty() && ips.isEmpty() ? List.of(ip) : ips;
        }
        if (!ip.equals(Json.str(oldSpec, "clusterIP"))
                && ips.equals(Json.stringList(oldSpec, "clusterIPs"))) {
            return ip.isEmpty() ? List.of() : List.of(ip);
        }
        return !ip.isEmpty() && ips.isEmpty() ? List.of(ip) : ips;
    }

    /**
     * {@code validateUpgradeDowngradeClusterIPs}: allocated ClusterIPs may not change or be unset
     * (unless moving to or from ExternalName, or staying headless).
     */
    private static void validateUpdate(JsonNode spec, JsonNode oldSpec, List<FieldError> errs) {
        if ("ExternalName".equals(Json.str(spec, "type"))
                || "ExternalName".equals(Json.str(oldSpec, "type"))) {
            return;
        }
        List<String> before = normalizedClusterIps(oldSpec, null);
        List<String> now = normalizedClusterIps(spec, oldSpec);
        boolean oldHeadless = before.size() == 1 && before.get(0).equals("None");
        boolean newHeadless = now.size() == 1 && now.get(0).equals("None");
        if (oldHeadless && newHeadless) {
            return;
        }
        if (before.size() == now.size()) {
            for (int i = 0; i < before.size(); i++) {
                if (!before.get(i).equals(now.get(i))) {
                    errs.add(
                            FieldError.invalid(
                                    "spec.clusterIPs[" + i + "]", now, "may not change once set"));
                }
            }
        } else if (before.size() > now.size()) {
            if (now.isEmpty()) {
                errs.add(
                        FieldError.invalid(
                                "spec.clusterIPs[0]", now, "primary clusterIP can not be unset"));
            } else if (!now.get(0).equals(before.get(0))) {
                errs.add(FieldError.invalid("spec.clusterIPs[0]", now, "may not change once set"));
            }
        } else if (!before.isEmpty() && !now.get(0).equals(before.get(0))) {
            errs.add(FieldError.invalid("spec.clusterIPs[0]", now, "may not change once set"));
        }
    }

    // ---------------------------------------------------------------- fields and table

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(
                Columns.name(),
                Columns.string("Type", Descriptions.SERVICE_TYPE),
                Columns.string("Cluster-IP", Descriptions.SERVICE_CLUSTER_IP),
                Columns.string("External-IP", Descriptions.SERVICE_EXTERNAL_IPS),
                Columns.string("Port(s)", Descriptions.SERVICE_PORTS),
                Columns.age(),
                Columns.wide("Selector", Descriptions.SERVICE_SELECTOR));
    }

    @Override
    public List<Object> tableCells(ObjectNode object, Instant now) {
        JsonNode spec = object.path("spec");
        List<String> clusterIPs = Json.stringList(spec, "clusterIPs");
        String internalIp =
                !clusterIPs.isEmpty()
                        ? clusterIPs.get(0)
                        : !Json.str(spec, "clusterIP").isEmpty()
                                ? Json.str(spec, "clusterIP")
                                : "<none>";
        String ports = portString(Json.elements(spec, "ports"));
        return List.of(
                Json.name(object),
                Json.str(spec, "type"),
                internalIp,
                externalIp(object),
                ports.isEmpty() ? "<none>" : ports,
                Durations.age(created(object), now),
                LabelSelector.formatLabels(Json.stringMap(spec, "selector")));
    }

    /** {@code makePortString}: {@code 80/TCP}, {@code 80:30080/TCP}, comma-joined. */
    static String portString(List<JsonNode> ports) {
        List<String> pieces = new ArrayList<>();
        for (JsonNode p : ports) {
            long nodePort = p.path("nodePort").asLong(0);
            String protocol = Json.str(p, "protocol");
            long port = p.path("port").asLong(0);
            pieces.add(
                    nodePort > 0 ? port + ":" + nodePort + "/" + protocol : port + "/" + protocol);
        }
        return String.join(",", pieces);
    }

    /** {@code getServiceExternalIP} with {@code wide}: what the External-IP column shows. */
    static String externalIp(JsonNode svc) {
        JsonNode spec = svc.path("spec");
        List<String> externalIPs = Json.stringList(spec, "externalIPs");
        switch (Json.str(spec, "type")) {
            case "ClusterIP", "NodePort":
                return externalIPs.isEmpty() ? "<none>" : String.join(",", externalIPs);
            case "LoadBalancer":
                {
                    Set<String> lb = new LinkedHashSet<>();
                    for (JsonNode ing : Json.elements(svc, "status.loadBalancer.ingress")) {
                        if (!Json.str(ing, "ip").isEmpty()) {
                            lb.add(Json.str(ing, "ip"));
                        } else if (!Json.str(ing, "hostname").isEmpty()) {
                            lb.add(Json.str(ing, "hostname"));
                        }
                    }
                    List<String> results = new ArrayList<>(lb);
                    if (!externalIPs.isEmpty()) {
                        results.addAll(externalIPs);
                        return String.join(",", results);
                    }
                    return lb.isEmpty() ? "<pending>" : String.join(",", lb);
                }
            case "ExternalName":
                return Json.str(spec, "externalName");
            default:
                return "<unknown>";
        }
    }
}
