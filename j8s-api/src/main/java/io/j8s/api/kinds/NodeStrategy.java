package io.j8s.api.kinds;

import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Nodes ({@code v1}, cluster-scoped): allocatable defaults to capacity, CIDR checks, {@code
 * printNode}.
 */
public final class NodeStrategy extends BaseStrategy {

    public NodeStrategy() {
        super(false, NameRule.DNS_SUBDOMAIN);
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        JsonNode status = object.get("status");
        if (status instanceof ObjectNode s
                && s.get("capacity") instanceof ObjectNode capacity
                && (!s.has("allocatable") || s.get("allocatable").isNull())) {
            s.set("allocatable", capacity.deepCopy());
        }
    }

    @Override
    void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {
        List<String> cidrs = Json.stringList(object, "spec.podCIDRs");
        for (int i = 0; i < cidrs.size(); i++) {
            if (!isCidr(cidrs.get(i))) {
                errs.add(
                        FieldError.invalid(
                                "spec.podCIDRs[" + i + "]",
                                cidrs.get(i),
                                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
            }
        }
        if (cidrs.size() > 2) {
            errs.add(
                    FieldError.invalid(
                            "spec.podCIDRs",
                            cidrs,
                            "may specify no more than one CIDR for each IP family"));
        }
        String podCidr = Json.text(object, "spec.podCIDR");
        if (!podCidr.isEmpty() && !cidrs.isEmpty() && !cidrs.get(0).equals(podCidr)) {
            errs.add(
                    FieldError.invalid("spec.podCIDRs", cidrs, "first value must match `podCIDR`"));
        }
        if (old != null) {
            List<String> oldCidrs = Json.stringList(old, "spec.podCIDRs");
            if (!oldCidrs.isEmpty() && !oldCidrs.equals(cidrs)) {
                errs.add(
                        FieldError.forbidden(
                                "spec.podCIDRs",
                                "node updates may not change podCIDR except from \"\" to valid"));
            }
        }
    }

    static boolean isCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        if (!bits.matches("[0-9]{1,3}")) {
            return false;
        }
        int n = Integer.parseInt(bits);
        return IpAddresses.isIpv4(ip) ? n <= 32 : IpAddresses.isIpv6(ip) && n <= 128;
    }

    @Override
    public Map<String, String> selectableFields(ObjectNode node) {
        Map<String, String> f = fields(node, false);
        f.put("spec.unschedulable", String.valueOf(Json.boolAt(node, "spec.unschedulable", false)));
        return f;
    }

    @Override
    public Set<String> fieldLabels() {
        return Set.of("metadata.name", "spec.unschedulable");
    }

    @Override
    boolean customFieldLabels() {
        return true;
    }

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(
                Columns.name(),
                Columns.string("Status", Descriptions.NODE_STATUS),
                Columns.string("Roles", Descriptions.NODE_ROLES),
                Columns.age(),
                Columns.string("Version", Descriptions.NODE_VERSION),
                Columns.wide("Internal-IP", Descriptions.NODE_ADDRESSES),
                Columns.wide("External-IP", Descriptions.NODE_ADDRESSES),
                Columns.wide("OS-Image", Descriptions.NODE_OS_IMAGE),
                Columns.wide("Kernel-Version", Descriptions.NODE_KERNEL),
                Columns.wide("Container-Runtime", Descriptions.NODE_RUNTIME));
    }

    @Override
    public List<Object> tableCells(ObjectNode node, Instant now) {
        List<String> status = new ArrayList<>();
        for (JsonNode c : Json.elements(node, "status.conditions")) {
            if ("Ready".equals(Json.str(c, "type"))) {
                status.clear();
                status.add("True".equals(Json.str(c, "status")) ? "Ready" : "NotReady");
            }
        }
        if (status.isEmpty()) {
            status.add("Unknown");
        }
        if (Json.boolAt(node, "spec.unschedulable", false)) {
            status.add("SchedulingDisabled");
        }
        Set<String> roles = new LinkedHashSet<>();
        for (Map.Entry<String, String> l :
                new java.util.TreeMap<>(Json.stringMap(node, "metadata.labels")).entrySet()) {
            if (l.getKey().startsWith("node-role.kubernetes.io/")) {
                String role = l.getKey().substring("node-role.kubernetes.io/".length());
                if (!role.isEmpty()) {
                    roles.add(role);
                }
            } else if (l.getKey().equals("kubernetes.io/role") && !l.getValue().isEmpty()) {
                roles.add(l.getValue());
            }
        }
        return List.of(
                Json.name(node),
                String.join(",", status),
                roles.isEmpty() ? "<none>" : String.join(",", roles),
                Durations.age(created(node), now),
                Json.text(node, "status.nodeInfo.kubeletVersion"),
                address(node, "InternalIP"),
                address(node, "ExternalIP"),
                orUnknown(Json.text(node, "status.nodeInfo.osImage")),
                orUnknown(Json.text(node, "status.nodeInfo.kernelVersion")),
                orUnknown(Json.text(node, "status.nodeInfo.containerRuntimeVersion")));
    }

    private static String address(JsonNode node, String type) {
        for (JsonNode a : Json.elements(node, "status.addresses")) {
            if (type.equals(Json.str(a, "type"))) {
                return Json.str(a, "address");
            }
        }
        return "<none>";
    }

    private static String orUnknown(String s) {
        return s.isEmpty() ? "<unknown>" : s;
    }
}
