package io.j8s.api.kinds;

import io.j8s.api.json.Json;
import io.j8s.api.table.Columns;
import io.j8s.api.table.Durations;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import io.j8s.api.validation.NameRules;
import io.j8s.api.validation.ObjectMetaValidation;
import io.j8s.api.validation.ObjectMetaValidation.NameRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * EndpointSlices ({@code discovery.k8s.io/v1}): port name {@code ""} and protocol TCP defaults,
 * {@code ValidateEndpointSlice}, {@code printEndpointSlice}.
 */
public final class EndpointSliceStrategy extends BaseStrategy {

    public static final int MAX_ENDPOINTS = 1000;
    public static final int MAX_ADDRESSES = 100;
    public static final int MAX_PORTS = 20000;
    static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");

    public EndpointSliceStrategy() {
        super(true, NameRule.DNS_SUBDOMAIN);
    }

    @Override
    public void applyDefaults(ObjectNode object) {
        withEndpointsList(object);
        for (JsonNode p : Json.elements(object, "ports")) {
            if (p instanceof ObjectNode port) {
                if (!port.has("name") || port.get("name").isNull()) {
                    port.put("name", "");
                }
                if (!port.has("protocol") || port.get("protocol").isNull()) {
                    port.put("protocol", "TCP");
                }
            }
        }
    }

    /**
     * A slice stored without {@code endpoints} (before j8s wrote them on every write) is served
     * with {@code []}.
     */
    @Override
    public void prepareForServing(ObjectNode object) {
        withEndpointsList(object);
    }

    /**
     * Sets {@code endpoints: []} where the slice has none. The Go field is not {@code omitempty},
     * so Kubernetes serves a slice without endpoints as {@code "endpoints": null}, which the Python
     * and Java clients refuse (the field is required in their models); j8s stores and serves an
     * empty list instead. Returns {@code object}.
     */
    public static ObjectNode withEndpointsList(ObjectNode object) {
        JsonNode endpoints = object.get("endpoints");
        if (endpoints == null || endpoints.isNull()) {
            object.putArray("endpoints");
        }
        return object;
    }

    @Override
    void validateKind(ObjectNode object, ObjectNode old, List<FieldError> errs) {
        String addressType = Json.str(object, "addressType");
        validateEndpoints(Json.elements(object, "endpoints"), addressType, errs);
        validatePorts(Json.elements(object, "ports"), errs);
        if (old == null) {
            if (addressType.isEmpty()) {
                errs.add(FieldError.required("addressType"));
            } else if (!ADDRESS_TYPES.contains(addressType)) {
                errs.add(FieldError.notSupported("addressType", addressType, ADDRESS_TYPES));
            }
        } else if (!Objects.equals(addressType, Json.str(old, "addressType"))) {
            errs.add(FieldError.invalid("addressType", addressType, "field is immutable"));
        }
    }

    private static void validateEndpoints(
            List<JsonNode> endpoints, String addressType, List<FieldError> errs) {
        if (endpoints.size() > MAX_ENDPOINTS) {
            errs.add(FieldError.tooMany("endpoints", endpoints.size(), MAX_ENDPOINTS));
            return;
        }
        for (int i = 0; i < endpoints.size(); i++) {
            JsonNode ep = endpoints.get(i);
            String p = "endpoints[" + i + "]";
            List<String> addresses = Json.stringList(ep, "addresses");
            if (addresses.isEmpty()) {
                errs.add(FieldError.required(p + ".addresses", "must contain at least 1 address"));
            } else if (addresses.size() > MAX_ADDRESSES) {
                errs.add(FieldError.tooMany(p + ".addresses", addresses.size(), MAX_ADDRESSES));
            }
            for (int a = 0; a < addresses.size(); a++) {
                String ap = p + ".addresses[" + a + "]";
                String address = addresses.get(a);
                switch (addressType) {
                    case "IPv4" -> {
                        if (!IpAddresses.isIpv4(address)) {
                            errs.add(FieldError.invalid(ap, address, IpAddresses.INVALID_IPV4));
                        } else {
                            errs.addAll(IpAddresses.validateNonSpecial(ap, address));
                        }
                    }
                    case "IPv6" -> {
                        if (!IpAddresses.isIpv6(address)) {
                            errs.add(FieldError.invalid(ap, address, IpAddresses.INVALID_IPV6));
                        } else {
                            errs.addAll(IpAddresses.validateNonSpecial(ap, address));
                        }
                    }
                    case "FQDN" -> {
                        for (String msg : NameRules.dns1123Subdomain(address)) {
                            errs.add(FieldError.invalid(ap, address, msg));
                        }
                    }
                    default -> {}
                }
            }
            if (ep.has("nodeName") && ep.get("nodeName").isString()) {
                String node = ep.get("nodeName").stringValue();
                for (String msg : NameRules.dns1123Subdomain(node)) {
                    errs.add(FieldError.invalid(p + ".nodeName", node, msg));
                }
            }
            errs.addAll(
                    ObjectMetaValidation.validateLabels(
                            Json.stringMap(ep, "deprecatedTopology"), p + ".deprecatedTopology"));
            if (ep.has("hostname") && ep.get("hostname").isString()) {
                String hostname = ep.get("hostname").stringValue();
                for (String msg : NameRules.dns1123Label(hostname)) {
                    errs.add(FieldError.invalid(p + ".hostname", hostname, msg));
                }
            }
        }
    }

    private static void validatePorts(List<JsonNode> ports, List<FieldError> errs) {
        if (ports.size() > MAX_PORTS) {
            errs.add(FieldError.tooMany("ports", ports.size(), MAX_PORTS));
            return;
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.get(i);
            String p = "ports[" + i + "]";
            String name = Json.str(port, "name");
            if (!name.isEmpty()) {
                for (String msg : NameRules.dns1123Label(name)) {
                    errs.add(FieldError.invalid(p + ".name", name, msg));
                }
            }
            if (!names.add(name)) {
                errs.add(FieldError.duplicate(p + ".name", name));
            }
            JsonNode number = port.get("port");
            if (number != null && !number.isNull()) {
                for (String msg : NameRules.portNum(number.asLong(0))) {
                    errs.add(FieldError.invalid(p + ".port", number.asLong(0), msg));
                }
            }
            PodSpecs.protocol(port, p, errs);
            if (port.has("appProtocol") && port.get("appProtocol").isString()) {
                String ap = port.get("appProtocol").stringValue();
                for (String msg : NameRules.qualifiedName(ap)) {
                    errs.add(FieldError.invalid(p + ".appProtocol", ap, msg));
                }
            }
        }
    }

    @Override
    public List<TableColumn> tableColumns() {
        return List.of(
                Columns.name(),
                Columns.string("AddressType", Descriptions.SLICE_ADDRESS_TYPE),
                Columns.string("Ports", Descriptions.SLICE_PORTS),
                Columns.string("Endpoints", Descriptions.SLICE_ENDPOINTS),
                Columns.age());
    }

    @Override
    public List<Object> tableCells(ObjectNode slice, Instant now) {
        return List.of(
                Json.name(slice),
                Json.str(slice, "addressType"),
                formatPorts(Json.elements(slice, "ports")),
                formatEndpoints(Json.elements(slice, "endpoints")),
                Durations.age(created(slice), now));
    }

    static String formatPorts(List<JsonNode> ports) {
        List<String> list = new ArrayList<>();
        int max = 3;
        boolean more = false;
        int count = 0;
        for (JsonNode port : ports) {
            if (list.size() < max) {
                JsonNode number = port.get("port");
                String text = "*";
                if (number != null && !number.isNull()) {
                    text = String.valueOf(number.asLong());
                } else if (port.has("name") && port.get("name").isString()) {
                    text = port.get("name").stringValue();
                }
                list.add(text);
            } else if (list.size() == max) {
                more = true;
            }
            count++;
        }
        return listWithMore(list, more, count, max);
    }

    static String formatEndpoints(List<JsonNode> endpoints) {
        List<String> list = new ArrayList<>();
        int max = 3;
        boolean more = false;
        int count = 0;
        for (JsonNode ep : endpoints) {
            for (String address : Json.stringList(ep, "addresses")) {
                if (list.size() < max) {
                    list.add(address);
                } else if (list.size() == max) {
                    more = true;
                }
                count++;
            }
        }
        return listWithMore(list, more, count, max);
    }

    private static String listWithMore(List<String> list, boolean more, int count, int max) {
        String ret = String.join(",", list);
        if (more) {
            return ret + " + " + (count - max) + " more...";
        }
        return ret.isEmpty() ? "<unset>" : ret;
    }
}
