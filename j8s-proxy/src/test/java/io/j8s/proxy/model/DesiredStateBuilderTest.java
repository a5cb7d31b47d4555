package io.j8s.proxy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DesiredStateBuilderTest {

    private static final ServiceKey KEY = new ServiceKey("default", "web");

    private static ServiceBuilder service() {
        return new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withClusterIP("127.96.0.20")
                .endSpec();
    }

    private static EndpointSliceBuilder slice(String name) {
        return new EndpointSliceBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName(name)
                .withLabels(Map.of("kubernetes.io/service-name", "web"))
                .endMetadata()
                .withAddressType("IPv4");
    }

    private static io.fabric8.kubernetes.api.model.discovery.v1.Endpoint endpoint(
            String ip, Boolean ready, Boolean serving, Boolean terminating) {
        return new EndpointBuilder()
                .withAddresses(ip)
                .withConditions(new EndpointConditions(ready, serving, terminating))
                .build();
    }

    private static ServiceState build(Service svc, EndpointSlice... slices) {
        return DesiredStateBuilder.build(KEY, svc, List.of(slices), LbPolicy.ROUND_ROBIN);
    }

    @Test
    void build_singleUnnamedPort_takesSliceEndpointsWithDefaults() {
        Service svc = service().editSpec().addNewPort().withPort(80).endPort().endSpec().build();
        EndpointSlice s =
                slice("web-abc")
                        .addToPorts(new EndpointPortBuilder().withPort(8080).build())
                        .addToEndpoints(
                                new EndpointBuilder()
                                        .withAddresses("127.244.1.5")
                                        .withNodeName("node-1")
                                        .withNewTargetRef()
                                        .withKind("Pod")
                                        .withName("web-1")
                                        .endTargetRef()
                                        .build())
                        .build();

        ServiceState state = build(svc, s);

        assertThat(state.ports()).hasSize(1);
        ServicePortState port = state.ports().get(0);
        assertThat(port.name()).isEqualTo(new ServicePortName(KEY, "", Protocol.TCP));
        assertThat(port.clusterIp()).isEqualTo("127.96.0.20");
        assertThat(port.port()).isEqualTo(80);
        assertThat(port.nodePort()).isZero();
        assertThat(port.policy()).isEqualTo(LbPolicy.ROUND_ROBIN);
        assertThat(port.affinityTimeout()).isEmpty();
        assertThat(port.internalTrafficPolicy()).isEqualTo(TrafficPolicy.CLUSTER);
        // No conditions at all: ready and serving, not terminating.
        assertThat(port.endpoints())
                .containsExactly(
                        new EndpointState(
                                "127.244.1.5", 8080, true, true, false, "node-1", "web-1"));
        assertThat(state.warnings()).isEmpty();
    }

    @Test
    void build_namedPorts_matchSlicePortsByNameAndProtocol_acrossSlices() {
        Service svc =
                service()
                        .editSpec()
                        .addNewPort()
                        .withName("http")
                        .withPort(80)
                        .endPort()
                        .addNewPort()
                        .withName("dns")
                        .withProtocol("UDP")
                        .withPort(53)
                        .endPort()
                        .endSpec()
                        .build();
        EndpointSlice first =
                slice("web-1")
                        .addToPorts(
                                new EndpointPortBuilder().withName("http").withPort(8080).build())
                        .addToPorts(
                                new EndpointPortBuilder()
                                        .withName("dns")
                                        .withProtocol("UDP")
                                        .withPort(5353)
                                        .build())
                        .addToEndpoints(endpoint("127.244.1.2", true, true, false))
                        .build();
        EndpointSlice second =
                slice("web-2")
                        .addToPorts(
                                new EndpointPortBuilder().withName("http").withPort(9090).build())
                        // Same name, wrong protocol: does not feed the UDP port.
                        .addToPorts(
                                new EndpointPortBuilder()
                                        .withName("dns")
                                        .withProtocol("TCP")
                                        .withPort(53)
                                        .build())
                        .addToEndpoints(endpoint("127.244.1.1", null, null, null))
                        .build();

        ServiceState state = build(svc, second, first);

        ServicePortState http = state.ports().get(0);
        ServicePortState dns = state.ports().get(1);
        assertThat(http.name().portName()).isEqualTo("http");
        assertThat(http.endpoints())
                .extracting(EndpointState::address)
                .containsExactly("127.244.1.1:9090", "127.244.1.2:8080");
        assertThat(dns.name()).isEqualTo(new ServicePortName(KEY, "dns", Protocol.UDP));
        assertThat(dns.port()).isEqualTo(53);
        assertThat(dns.endpoints())
                .extracting(EndpointState::address)
                .containsExactly("127.244.1.2:5353");
    }

    @Test
    void build_endpointInSeveralSlices_appearsOnce_readyCopyWins() {
        Service svc = service().editSpec().addNewPort().withPort(80).endPort().endSpec().build();
        EndpointSlice notReady =
                slice("web-a")
                        .addToPorts(new EndpointPortBuilder().withPort(8080).build())
                        .addToEndpoints(endpoint("127.244.1.7", false, false, false))
                        .build();
        EndpointSlice ready =
                slice("web-b")
                        .addToPorts(new EndpointPortBuilder().withPort(8080).build())
                        .addToEndpoints(endpoint("127.244.1.7", true, true, false))
                        .addToEndpoints(endpoint("127.244.1.7", false, false, false))
                        .build();

        ServiceState state = build(svc, ready, notReady);

        assertThat(state.ports().get(0).endpoints())
                .singleElement()
                .satisfies(e -> assertThat(e.ready()).isTrue());
    }

    @Test
    void build_conditions_mapReadyServingTerminating() {
        Service svc = service().editSpec().addNewPort().withPort(80).endPort().endSpec().build();
        EndpointSlice s =
                slice("web-a")
                        .addToPorts(new EndpointPortBuilder().withPort(8080).build())
                        .addToEndpoints(endpoint("127.244.1.1", false, true, true))
                        .addToEndpoints(endpoint("127.244.1.2", false, false, false))
                        .addToEndpoints(endpoint("127.244.1.3", null, false, null))
                        .build();

        List<EndpointState> endpoints = build(svc, s).ports().get(0).endpoints();

        assertThat(endpoints).extracting(EndpointState::ready).containsExactly(false, false, true);
        assertThat(endpoints)
                .extracting(EndpointState::serving)
                .containsExactly(true, false, false);
        assertThat(endpoints)
                .extracting(EndpointState::terminating)
                .containsExactly(true, false, false);
    }

    @Test
    void build_ignoresOtherServicesSlices_ipv6Slices_andPortlessOrAddresslessEntries() {
        Service svc = service().editSpec().addNewPort().withPort(80).endPort().endSpec().build();
        EndpointSlice otherService =
                slice("other-1")
                        .editMetadata()
                        .withLabels(Map.of("kubernetes.io/service-name", "other"))
                        .endMetadata()
                        .addToPorts(new EndpointPortBuilder().withPort(8080).build())
                        .addToEndpoints(endpoint("127.244.9.1", true, true, false))
                        .build();
        EndpointSlice otherNamespace =
                slice("web-x")
                        .editMetadata()
                        .withNamespace("kube-system")
                        .endMetadata()
                        .addToPorts(new EndpointPortBuilder().withPort(8080).build())
                        .addToEndpoints(endpoint("127.244.9.2", true, true, false))
                        .build();
        EndpointSlice ipv6 =
                slice("web-v6")
                        .withAddressType("IPv6")
                        .addToPorts(new EndpointPortBuilder().withPort(8080).build())
                        .addToEndpoints(endpoint("::1", true, true, false))
                        .build();
        EndpointSlice odd =
                slice("web-odd")
                        .addToPorts(new EndpointPortBuilder().build()) // no port number
                        .addToEndpoints(endpoint("127.244.9.3", true, true, false))
                        .build();
        EndpointSlice good =
                slice("web-good")
                        .addToPorts(new EndpointPortBuilder().withPort(8080).build())
                        .addToEndpoints(new EndpointBuilder().build()) // no address
                        .addToEndpoints(endpoint("127.244.1.1", true, true, false))
                        .build();

        ServiceState state = build(svc, otherService, otherNamespace, ipv6, odd, good);

        assertThat(state.ports().get(0).endpoints())
                .extracting(EndpointState::address)
                .containsExactly("127.244.1.1:8080");
    }

    @Test
    void build_noSlices_givesPortWithoutEndpoints() {
        Service svc = service().editSpec().addNewPort().withPort(80).endPort().endSpec().build();
        ServiceState state = build(svc);
        assertThat(state.ports())
                .singleElement()
                .satisfies(p -> assertThat(p.endpoints()).isEmpty());
    }

    @Test
    void build_headlessExternalNameUnallocatedOrMissing_isNotProxied() {
        Service headless =
                service()
                        .editSpec()
                        .withClusterIP("None")
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build();
        Service external =
                service()
                        .editSpec()
                        .withType("ExternalName")
                        .withExternalName("example.org")
                        .withClusterIP(null)
                        .endSpec()
                        .build();
        Service unallocated =
                service()
                        .editSpec()
                        .withClusterIP("")
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build();

        assertThat(build(headless).ports()).isEmpty();
        assertThat(build(external).ports()).isEmpty();
        assertThat(build(unallocated).ports()).isEmpty();
        assertThat(DesiredStateBuilder.build(KEY, null, List.of(), LbPolicy.RANDOM))
                .isEqualTo(ServiceState.absent(KEY));
    }

    @Test
    void build_ipv6ClusterIp_isNotProxied_withWarning() {
        Service svc =
                service()
                        .editSpec()
                        .withClusterIP("fd00::10")
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build();
        ServiceState state = build(svc);
        assertThat(state.ports()).isEmpty();
        assertThat(state.warnings()).singleElement().asString().contains("fd00::10");
    }

    @Test
    void build_policyAnnotation_overridesHostDefault() {
        Service svc =
                service()
                        .editMetadata()
                        .withAnnotations(Map.of("j8s.io/lb-policy", "least-connections"))
                        .endMetadata()
                        .editSpec()
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build();

        ServiceState state = DesiredStateBuilder.build(KEY, svc, List.of(), LbPolicy.RANDOM);

        assertThat(state.ports().get(0).policy()).isEqualTo(LbPolicy.LEAST_CONNECTIONS);
        assertThat(state.warnings()).isEmpty();
    }

    @Test
    void build_unknownPolicyAnnotation_usesHostDefault_andWarns() {
        Service svc =
                service()
                        .editMetadata()
                        .withAnnotations(Map.of("j8s.io/lb-policy", "fastest"))
                        .endMetadata()
                        .editSpec()
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build();

        ServiceState state = DesiredStateBuilder.build(KEY, svc, List.of(), LbPolicy.RANDOM);

        assertThat(state.ports().get(0).policy()).isEqualTo(LbPolicy.RANDOM);
        assertThat(state.warnings())
                .singleElement()
                .asString()
                .contains("\"fastest\"")
                .contains("j8s.io/lb-policy")
                .contains("random");
    }

    @Test
    void build_clientIpAffinity_defaultsToThreeHours_orTakesTheConfiguredTimeout() {
        Service defaulted =
                service()
                        .editSpec()
                        .withSessionAffinity("ClientIP")
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build();
        Service configured =
                service()
                        .editSpec()
                        .withSessionAffinity("ClientIP")
                        .withNewSessionAffinityConfig()
                        .withNewClientIP()
                        .withTimeoutSeconds(60)
                        .endClientIP()
                        .endSessionAffinityConfig()
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build();
        Service none =
                service()
                        .editSpec()
                        .withSessionAffinity("None")
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build();

        assertThat(build(defaulted).ports().get(0).affinityTimeout())
                .contains(Duration.ofSeconds(10800));
        assertThat(build(configured).ports().get(0).affinityTimeout())
                .contains(Duration.ofSeconds(60));
        assertThat(build(none).ports().get(0).affinityTimeout()).isEmpty();
    }

    @Test
    void build_trafficPoliciesAndNodePorts() {
        Service nodePort =
                service()
                        .editSpec()
                        .withType("NodePort")
                        .withInternalTrafficPolicy("Local")
                        .withExternalTrafficPolicy("Local")
                        .addNewPort()
                        .withPort(80)
                        .withNodePort(30080)
                        .endPort()
                        .endSpec()
                        .build();
        Service clusterIpWithStrayNodePort =
                service()
                        .editSpec()
                        .addNewPort()
                        .withPort(80)
                        .withNodePort(30081)
                        .endPort()
                        .endSpec()
                        .build();

        ServicePortState port = build(nodePort).ports().get(0);
        assertThat(port.nodePort()).isEqualTo(30080);
        assertThat(port.internalTrafficPolicy()).isEqualTo(TrafficPolicy.LOCAL);
        assertThat(port.externalTrafficPolicy()).isEqualTo(TrafficPolicy.LOCAL);
        assertThat(build(clusterIpWithStrayNodePort).ports().get(0).nodePort()).isZero();
    }

    @Test
    void build_sctpPort_isSkippedWithWarning() {
        Service svc =
                service()
                        .editSpec()
                        .addNewPort()
                        .withName("sig")
                        .withProtocol("SCTP")
                        .withPort(3868)
                        .endPort()
                        .addNewPort()
                        .withName("http")
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build();

        ServiceState state = build(svc);

        assertThat(state.ports()).extracting(p -> p.name().portName()).containsExactly("http");
        assertThat(state.warnings()).singleElement().asString().contains("SCTP");
    }

    @Test
    void build_doesNotMutateItsInputs() {
        Service svc = service().editSpec().addNewPort().withPort(80).endPort().endSpec().build();
        EndpointSlice s =
                slice("web-a")
                        .addToPorts(new EndpointPortBuilder().withPort(8080).build())
                        .addToEndpoints(endpoint("127.244.1.2", true, true, false))
                        .addToEndpoints(endpoint("127.244.1.1", true, true, false))
                        .build();
        Service svcCopy = new ServiceBuilder(svc).build();
        EndpointSlice sliceCopy = new EndpointSliceBuilder(s).build();

        build(svc, s);

        assertThat(svc).isEqualTo(svcCopy);
        assertThat(s).isEqualTo(sliceCopy);
    }

    @Test
    void lbPolicy_parse_namesTheBadValue() {
        assertThat(LbPolicy.parse("random")).isEqualTo(LbPolicy.RANDOM);
        assertThatThrownBy(() -> LbPolicy.parse("weighted"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"weighted\"")
                .hasMessageContaining("round-robin, random, least-connections");
    }

    @Test
    void servicePortState_rejectsBadValues() {
        ServicePortName name = new ServicePortName(KEY, "", Protocol.TCP);
        assertThatThrownBy(() -> ServicePortState.of(name, "web.local", 80, List.of()))
                .hasMessageContaining("web.local");
        assertThatThrownBy(() -> ServicePortState.of(name, "127.96.0.1", 0, List.of()))
                .hasMessageContaining("got 0");
        assertThatThrownBy(
                        () ->
                                new EndpointState(
                                        "127.244.1.1", 70000, true, true, false, null, null))
                .hasMessageContaining("70000");
        assertThat(ServicePortState.of(name, "127.96.0.1", 80, List.of()).affinityTimeout())
                .isEqualTo(Optional.empty());
    }
}
