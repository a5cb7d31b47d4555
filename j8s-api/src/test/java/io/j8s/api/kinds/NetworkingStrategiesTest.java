package io.j8s.api.kinds;

import static io.j8s.api.TestData.obj;
import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.TestData;
import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class NetworkingStrategiesTest {

    private final EndpointsStrategy endpoints = new EndpointsStrategy();
    private final EndpointSliceStrategy slices = new EndpointSliceStrategy();

    @Test
    void seedEndpoints_defaultedAndValid() {
        ObjectNode ep = (ObjectNode) TestData.yaml("seed/ep.yaml").get(0);
        ((ObjectNode) ep.get("metadata")).put("namespace", "default");
        ((ObjectNode) ep.at("/subsets/0/ports/0")).remove("protocol");
        endpoints.applyDefaults(ep);
        assertThat(ep.at("/subsets/0/ports/0"))
                .isEqualTo(Json.parse("{\"port\":80,\"protocol\":\"TCP\"}"));
        assertThat(endpoints.validate(ep, null)).isEmpty();
        // j8s runs on loopback: 127.0.0.250 is accepted (real Kubernetes refuses loopback
        // endpoints).
        ((ObjectNode) ep.at("/subsets/0/addresses/0")).put("ip", "127.0.0.250");
        assertThat(endpoints.validate(ep, null)).isEmpty();
    }

    @Test
    void endpoints_invalid() {
        ObjectNode ep =
                obj(
                        """
                metadata: {name: e, namespace: default}
                subsets:
                - addresses: [{ip: 10.0.0.300}, {ip: 169.254.1.1}]
                  ports: [{port: 0, protocol: TCP}, {name: b, port: 80, protocol: FOO}]
                - ports: [{port: 80}]
                """);
        endpoints.applyDefaults(ep);
        List<String> errs =
                endpoints.validate(ep, null).stream().map(FieldError::toString).toList();
        assertThat(errs)
                .containsExactly(
                        "subsets[0].addresses[0].ip: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                        "subsets[0].addresses[0].ip: Invalid value: \"10.0.0.300\": must be a valid IP address",
                        "subsets[0].addresses[1].ip: Invalid value: \"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
                        "subsets[0].ports[0].name: Required value",
                        "subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                        "subsets[0].ports[1].protocol: Unsupported value: \"FOO\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                        "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`");
    }

    @Test
    void endpointSlice_defaultsAndValidation() {
        ObjectNode slice =
                obj(
                        """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: s, namespace: default}
                addressType: IPv4
                endpoints: [{addresses: [127.244.1.5]}]
                ports: [{port: 80}]
                """);
        slices.applyDefaults(slice);
        assertThat(slice.at("/ports/0"))
                .isEqualTo(Json.parse("{\"port\":80,\"name\":\"\",\"protocol\":\"TCP\"}"));
        assertThat(slices.validate(slice, null)).isEmpty();

        ObjectNode bad =
                obj(
                        """
                metadata: {name: s, namespace: default}
                addressType: IPv4
                endpoints: [{addresses: ["fd00::1"]}, {addresses: []}]
                ports: [{port: 70000, protocol: TCP, name: ""}, {name: "", protocol: TCP}]
                """);
        assertThat(slices.validate(bad, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address",
                        "endpoints[1].addresses: Required value: must contain at least 1 address",
                        "ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
                        "ports[1].name: Duplicate value: \"\"");

        ObjectNode noType = obj("metadata: {name: s, namespace: default}\naddressType: IPX");
        assertThat(slices.validate(noType, null))
                .extracting(FieldError::toString)
                .containsExactly(
                        "addressType: Unsupported value: \"IPX\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"");
        ObjectNode changed = slice.deepCopy().put("addressType", "IPv6");
        assertThat(slices.validate(changed, slice))
                .extracting(FieldError::toString)
                .contains("addressType: Invalid value: \"IPv6\": field is immutable");
    }

    @Test
    void endpointSlice_tooManyEndpoints() {
        ObjectNode slice = obj("metadata: {name: s, namespace: default}\naddressType: IPv4");
        var eps = slice.putArray("endpoints");
        for (int i = 0; i < 1001; i++) {
            eps.addObject().putArray("addresses").add("10.0." + (i / 250) + "." + (i % 250 + 1));
        }
        assertThat(slices.validate(slice, null))
                .extracting(FieldError::toString)
                .containsExactly("endpoints: Too many: 1001: must have at most 1000 items");
    }
}
