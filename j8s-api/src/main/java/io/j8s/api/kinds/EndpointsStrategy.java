package io.j8s.api.kinds;

import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.NameRules;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Endpoints ({@code v1}): port protocol TCP, {@code ValidateEndpoints}, {@code printEndpoints}. */
public final class EndpointsStrategy extends BaseStrategy {

    public EndpointsStrategy() {
        super(true, NameRule.DNS_SUBDOMAIN);
    }

    /**
     * A PUT creates missing Endpoints, as the endpoints controller expects ({@code
     * endpointsStrategy.AllowCreateOnUpdate}).
     */
    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        for (JsonNode subset : Json.elements(object, "subsets")) {
            for (JsonNode p : Json.elements(subset, "ports")) {
                if (p instanceof ObjectNode port) {
                    Json.defaultString(port, "protocol", "TCP");
                }
            }
        }
    }

    @Override
    void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {
        List<JsonNode> subsets = Json.elements(object, "subsets");
        for (int i = 0; i < subsets.size(); i++) {
            JsonNode ss = subsets.get(i);
            String p = "subsets[" + i + "]";
            List<JsonNode> addresses = Json.elements(ss, "addresses");
            List<JsonNode> notReady = Json.elements(ss, "notReadyAddresses");
            if (addresses.isEmpty() && notReady.isEmpty()) {
                errs.add(FieldError.required(p, "must specify `addresses` or `notReadyAddresses`"));
            }
            for (int a = 0; a < addresses.size(); a++) {
                validateAddress(addresses.get(a), p + ".addresses[" + a + "]", errs);
            }
            for (int a = 0; a < notReady.size(); a++) {
                validateAddress(notReady.get(a), p + ".notReadyAddresses[" + a + "]", errs);
            }
            List<JsonNode> ports = Json.elements(ss, "ports");
            for (int n = 0; n < ports.size(); n++) {
                validatePort(ports.get(n), ports.size() > 1, p + ".ports[" + n + "]", errs);
            }
        }
    }

    private static void validateAddress(JsonNode address, String p, List<FieldError> errs) {
        String ip = Json.str(address, "ip");
        boolean valid = IpAddresses.isIp(ip);
        if (!valid) {
            errs.add(FieldError.invalid(p + ".ip", ip, IpAddresses.INVALID_IP));
        }
        String hostname = Json.str(address, "hostname");
        if (!hostname.isEmpty()) {
            for (String msg : NameRules.dns1123Label(hostname)) {
                errs.add(FieldError.invalid(p + ".hostname", hostname, msg));
            }
        }
        if (address.has("nodeName") && address.get("nodeName").isString()) {
            String node = address.get("nodeName").stringValue();
            for (String msg : NameRules.dns1123Subdomain(node)) {
                errs.add(FieldError.invalid(p + ".nodeName", node, msg));
            }
        }
        if (valid) {
            errs.addAll(IpAddresses.validateNonSpecial(p + ".ip", ip));
        } else {
            errs.add(FieldError.invalid(p + ".ip", ip, "must be a valid IP address"));
        }
    }

    private static void validatePort(
            JsonNode port, boolean requireName, String p, List<FieldError> errs) {
        String name = Json.str(port, "name");
        if (requireName && name.isEmpty()) {
            errs.add(FieldError.required(p + ".name"));
        } else if (!name.isEmpty()) {
            for (String msg : NameRules.dns1123Label(name)) {
                errs.add(FieldError.invalid(p + ".name", name, msg));
            }
        }
        long number = port.path("port").asLong(0);
        for (String msg : NameRules.portNum(number)) {
            errs.add(FieldError.invalid(p + ".port", number, msg));
        }
        PodSpecs.protocol(port, p, errs);
        if (port.has("appProtocol")) {
            String ap = Json.str(port, "appProtocol");
            for (String msg : NameRules.qualifiedName(ap)) {
                errs.add(FieldError.invalid(p + ".appProtocol", ap, msg));
            }
        }
    }

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(
                Columns.name(),
                Columns.string("Endpoints", Descriptions.ENDPOINTS_SUBSETS),
                Columns.age());
    }

    @Override
    public List<Object> tableCells(ObjectNode object, Instant now) {
        return List.of(
                Json.name(object), formatEndpoints(object), Durations.age(created(object), now));
    }

    /** {@code formatEndpoints} with all ports: {@code ip:port} per (port, address), 3 at most. */
    static String formatEndpoints(JsonNode endpoints) {
        List<JsonNode> subsets = Json.elements(endpoints, "subsets");
        if (subsets.isEmpty()) {
            return "<none>";
        }
        int max = 3;
        boolean more = false;
        int count = 0;
        List<String> list = new ArrayList<>();
        for (JsonNode ss : subsets) {
            List<JsonNode> addresses = Json.elements(ss, "addresses");
            List<JsonNode> ports = Json.elements(ss, "ports");
            if (ports.isEmpty()) {
                count += addresses.size();
                for (JsonNode a : addresses) {
                    if (list.size() == max) {
                        more = true;
                        break;
                    }
                    list.add(Json.str(a, "ip"));
                }
                continue;
            }
            for (JsonNode port : ports) {
                count += addresses.size();
                for (JsonNode a : addresses) {
                    if (list.size() == max) {
                        more = true;
                        break;
                    }
                    list.add(joinHostPort(Json.str(a, "ip"), port.path("port").asLong(0)));
                }
            }
        }
        String ret = String.join(",", list);
        return more ? ret + " + " + (count - max) + " more..." : ret;
    }

    static String joinHostPort(String host, long port) {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
