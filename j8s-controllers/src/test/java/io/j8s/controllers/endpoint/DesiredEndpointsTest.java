package io.j8s.controllers.endpoint;

import static io.j8s.controllers.testing.TestObjects.pod;
import static io.j8s.controllers.testing.TestObjects.port;
import static io.j8s.controllers.testing.TestObjects.readyPod;
import static io.j8s.controllers.testing.TestObjects.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.j8s.controllers.util.Semantic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DesiredEndpointsTest {

    private final Service web = service("web", port(null, 80, 8080)).build();

    private static List<String> ips(List<EndpointAddress> addresses) {
        return addresses == null
                ? List.of()
                : addresses.stream().map(EndpointAddress::getIp).toList();
    }

    @Test
    void subsetsFor_readyAndNotReadyPods() {
        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(
                                web,
                                List.of(
                                        readyPod("a", "127.244.1.2"),
                                        pod("b", "127.244.1.3", false).build(),
                                        readyPod("c", "127.244.1.4")))
                        .subsets();

        assertThat(subsets).hasSize(1);
        EndpointSubset s = subsets.get(0);
        assertThat(ips(s.getAddresses())).containsExactly("127.244.1.2", "127.244.1.4");
        assertThat(ips(s.getNotReadyAddresses())).containsExactly("127.244.1.3");
        assertThat(s.getPorts())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.getPort()).isEqualTo(8080);
                            assertThat(p.getProtocol()).isEqualTo("TCP");
                            assertThat(p.getName()).isNull();
                        });
        EndpointAddress a = s.getAddresses().get(0);
        assertThat(a.getNodeName()).isEqualTo("node01");
        assertThat(a.getTargetRef().getKind()).isEqualTo("Pod");
        assertThat(a.getTargetRef().getName()).isEqualTo("a");
        assertThat(a.getTargetRef().getNamespace()).isEqualTo("default");
        assertThat(a.getTargetRef().getUid()).isEqualTo("uid-a");
    }

    @Test
    void subsetsFor_skipsPodsWithoutIpTerminalOrTerminating() {
        Pod noIp =
                new PodBuilder(readyPod("a", "127.244.1.2"))
                        .editStatus()
                        .withPodIP(null)
                        .withPodIPs()
                        .endStatus()
                        .build();
        Pod failed =
                new PodBuilder(readyPod("b", "127.244.1.3"))
                        .editStatus()
                        .withPhase("Failed")
                        .endStatus()
                        .build();
        Pod terminating =
                new PodBuilder(readyPod("c", "127.244.1.4"))
                        .editMetadata()
                        .withDeletionTimestamp("2024-05-01T10:01:00Z")
                        .endMetadata()
                        .build();

        assertThat(DesiredEndpoints.subsetsFor(web, List.of(noIp, failed, terminating)).subsets())
                .isEmpty();
    }

    @Test
    void subsetsFor_publishNotReadyAddressesKeepsTerminatingAndUnreadyAsReady() {
        Service svc =
                new ServiceBuilder(web)
                        .editSpec()
                        .withPublishNotReadyAddresses(true)
                        .endSpec()
                        .build();
        Pod terminating =
                new PodBuilder(readyPod("c", "127.244.1.4"))
                        .editMetadata()
                        .withDeletionTimestamp("2024-05-01T10:01:00Z")
                        .endMetadata()
                        .build();

        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(
                                svc, List.of(pod("b", "127.244.1.3", false).build(), terminating))
                        .subsets();

        assertThat(ips(subsets.get(0).getAddresses()))
                .containsExactly("127.244.1.3", "127.244.1.4");
        assertThat(subsets.get(0).getNotReadyAddresses()).isEmpty();
    }

    @Test
    void subsetsFor_namedTargetPortResolvesPerPod() {
        Service svc = service("web", port("http", 80, "http"), port("metrics", 9090, 9090)).build();
        Pod withHttp = readyPod("a", "127.244.1.2");
        Pod withoutHttp =
                new PodBuilder(readyPod("b", "127.244.1.3"))
                        .editSpec()
                        .editFirstContainer()
                        .withPorts()
                        .endContainer()
                        .endSpec()
                        .build();

        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(svc, List.of(withHttp, withoutHttp)).subsets();

        // http (8080) is served by a only; metrics (9090) by both: two subsets
        assertThat(subsets).hasSize(2);
        EndpointSubset both =
                subsets.stream()
                        .filter(s -> s.getAddresses().size() == 2)
                        .findFirst()
                        .orElseThrow();
        EndpointSubset onlyA =
                subsets.stream()
                        .filter(s -> s.getAddresses().size() == 1)
                        .findFirst()
                        .orElseThrow();
        assertThat(both.getPorts())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.getName()).isEqualTo("metrics");
                            assertThat(p.getPort()).isEqualTo(9090);
                        });
        assertThat(onlyA.getPorts())
                .singleElement()
                .satisfies(
                        p -> {
                            assertThat(p.getName()).isEqualTo("http");
                            assertThat(p.getPort()).isEqualTo(8080);
                        });
        assertThat(ips(onlyA.getAddresses())).containsExactly("127.244.1.2");
    }

    @Test
    void subsetsFor_portsWithSameAddressesShareOneSubset() {
        Service svc = service("web", port("http", 80, 8080), port("https", 443, 8443)).build();
        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(
                                svc,
                                List.of(readyPod("a", "127.244.1.2"), readyPod("b", "127.244.1.3")))
                        .subsets();

        assertThat(subsets)
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(s.getPorts())
                                    .extracting(p -> p.getName())
                                    .containsExactly("http", "https");
                            assertThat(ips(s.getAddresses()))
                                    .containsExactly("127.244.1.2", "127.244.1.3");
                        });
    }

    @Test
    void subsetsFor_headlessWithoutPortsListsAddressesOnly() {
        Service svc =
                new ServiceBuilder(service("db").build())
                        .editSpec()
                        .withClusterIP("None")
                        .withPorts()
                        .endSpec()
                        .build();
        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(svc, List.of(readyPod("a", "127.244.1.2"))).subsets();

        assertThat(subsets)
                .singleElement()
                .satisfies(
                        s -> {
                            assertThat(ips(s.getAddresses())).containsExactly("127.244.1.2");
                            assertThat(s.getPorts()).isEmpty();
                        });
    }

    @Test
    void subsetsFor_hostnameOnlyWhenSubdomainIsTheService() {
        Pod named =
                new PodBuilder(readyPod("a", "127.244.1.2"))
                        .editSpec()
                        .withHostname("a0")
                        .withSubdomain("web")
                        .endSpec()
                        .build();
        Pod otherSubdomain =
                new PodBuilder(readyPod("b", "127.244.1.3"))
                        .editSpec()
                        .withHostname("b0")
                        .withSubdomain("other")
                        .endSpec()
                        .build();

        List<EndpointAddress> addresses =
                DesiredEndpoints.subsetsFor(web, List.of(named, otherSubdomain))
                        .subsets()
                        .get(0)
                        .getAddresses();

        assertThat(addresses.get(0).getHostname()).isEqualTo("a0");
        assertThat(addresses.get(1).getHostname()).isNull();
    }

    @Test
    void subsetsFor_isDeterministicWhateverThePodOrder() {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pods.add(pod("p" + i, "127.244.1." + (10 + i), i % 3 != 0).build());
        }
        Service svc = service("web", port("http", 80, 8080), port("https", 443, 8443)).build();
        String expected = Semantic.canonicalJson(DesiredEndpoints.subsetsFor(svc, pods).subsets());
        Random random = new Random(42);
        for (int round = 0; round < 10; round++) {
            List<Pod> shuffled = new ArrayList<>(pods);
            Collections.shuffle(shuffled, random);
            assertThat(Semantic.canonicalJson(DesiredEndpoints.subsetsFor(svc, shuffled).subsets()))
                    .isEqualTo(expected);
        }
    }

    @Test
    void subsetsFor_sortsAddressesLikeKubernetes_ipAsText() {
        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(
                                web,
                                List.of(
                                        readyPod("a", "127.244.1.9"),
                                        readyPod("b", "127.244.1.10")))
                        .subsets();
        assertThat(ips(subsets.get(0).getAddresses()))
                .containsExactly("127.244.1.10", "127.244.1.9");
    }

    @Test
    void endpointsToWrite_newEndpointsCarryLabelsAndTriggerTime() {
        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(web, List.of(readyPod("a", "127.244.1.2"))).subsets();
        Instant trigger = Instant.parse("2024-05-01T10:00:00.120Z");

        Endpoints ep = DesiredEndpoints.endpointsToWrite(web, null, subsets, trigger).orElseThrow();

        assertThat(ep.getMetadata().getName()).isEqualTo("web");
        assertThat(ep.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(ep.getMetadata().getLabels()).isEqualTo(Map.of("app", "web"));
        assertThat(ep.getMetadata().getAnnotations())
                .containsEntry(
                        "endpoints.kubernetes.io/last-change-trigger-time",
                        "2024-05-01T10:00:00.12Z")
                .doesNotContainKey("endpoints.kubernetes.io/over-capacity");
        assertThat(ep.getSubsets()).isEqualTo(subsets);
    }

    @Test
    void endpointsToWrite_nothingWhenUnchanged_evenIfTheTriggerTimeMoved() {
        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(web, List.of(readyPod("a", "127.244.1.2"))).subsets();
        Endpoints written =
                DesiredEndpoints.endpointsToWrite(web, null, subsets, Instant.EPOCH).orElseThrow();
        // what the server returns: a JSON round trip
        Endpoints stored = Semantic.copy(written);
        stored.getMetadata().setResourceVersion("7");
        List<EndpointSubset> again =
                DesiredEndpoints.subsetsFor(web, List.of(readyPod("a", "127.244.1.2"))).subsets();

        assertThat(DesiredEndpoints.endpointsToWrite(web, stored, again, Instant.now())).isEmpty();
    }

    @Test
    void endpointsToWrite_labelChangeOnServiceIsWritten() {
        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(web, List.of(readyPod("a", "127.244.1.2"))).subsets();
        Endpoints stored =
                DesiredEndpoints.endpointsToWrite(web, null, subsets, null).orElseThrow();
        Service relabelled =
                new ServiceBuilder(web)
                        .editMetadata()
                        .addToLabels("tier", "front")
                        .endMetadata()
                        .build();

        Endpoints update =
                DesiredEndpoints.endpointsToWrite(relabelled, stored, subsets, null).orElseThrow();

        assertThat(update.getMetadata().getLabels()).containsEntry("tier", "front");
        assertThat(stored.getMetadata().getLabels()).doesNotContainKey("tier");
    }

    @Test
    void endpointsToWrite_headlessServiceGetsTheHeadlessLabel_andStaysUnchangedAfterwards() {
        Service headless =
                new ServiceBuilder(web).editSpec().withClusterIP("None").endSpec().build();
        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(headless, List.of(readyPod("a", "127.244.1.2")))
                        .subsets();

        Endpoints ep =
                DesiredEndpoints.endpointsToWrite(headless, null, subsets, null).orElseThrow();

        assertThat(ep.getMetadata().getLabels())
                .containsEntry("service.kubernetes.io/headless", "")
                .containsEntry("app", "web");
        assertThat(DesiredEndpoints.endpointsToWrite(headless, ep, subsets, null)).isEmpty();
    }

    @Test
    void endpointsToWrite_overCapacityTruncatesTo1000ReadyFirstAndAnnotates() {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 900; i++) {
            pods.add(readyPod("r" + i, "127.244." + (i / 250 + 1) + "." + (i % 250 + 1)));
        }
        for (int i = 0; i < 300; i++) {
            pods.add(
                    pod("n" + i, "127.244." + (i / 250 + 10) + "." + (i % 250 + 1), false).build());
        }
        List<EndpointSubset> subsets = DesiredEndpoints.subsetsFor(web, pods).subsets();

        Endpoints ep = DesiredEndpoints.endpointsToWrite(web, null, subsets, null).orElseThrow();

        assertThat(ep.getMetadata().getAnnotations())
                .containsEntry("endpoints.kubernetes.io/over-capacity", "truncated");
        EndpointSubset s = ep.getSubsets().get(0);
        assertThat(s.getAddresses()).hasSize(900);
        assertThat(s.getNotReadyAddresses()).hasSize(100);
        assertThat(DesiredEndpoints.addressCount(ep.getSubsets())).isEqualTo(1000);
    }

    @Test
    void endpointsToWrite_overCapacityWithMoreThan1000ReadyDropsNotReady() {
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 1100; i++) {
            pods.add(readyPod("r" + i, "127.244." + (i / 250 + 1) + "." + (i % 250 + 1)));
        }
        pods.add(pod("n", "127.244.20.1", false).build());
        List<EndpointSubset> subsets = DesiredEndpoints.subsetsFor(web, pods).subsets();

        Endpoints ep = DesiredEndpoints.endpointsToWrite(web, null, subsets, null).orElseThrow();

        assertThat(ep.getSubsets().get(0).getAddresses()).hasSize(1000);
        assertThat(ep.getSubsets().get(0).getNotReadyAddresses()).isEmpty();
    }

    @Test
    void endpointsToWrite_annotationRemovedWhenBackUnderCapacity() {
        List<EndpointSubset> subsets =
                DesiredEndpoints.subsetsFor(web, List.of(readyPod("a", "127.244.1.2"))).subsets();
        Endpoints stored =
                DesiredEndpoints.endpointsToWrite(web, null, subsets, null).orElseThrow();
        stored.getMetadata()
                .getAnnotations()
                .put("endpoints.kubernetes.io/over-capacity", "truncated");

        Endpoints update =
                DesiredEndpoints.endpointsToWrite(web, stored, subsets, null).orElseThrow();

        assertThat(update.getMetadata().getAnnotations())
                .doesNotContainKey("endpoints.kubernetes.io/over-capacity");
    }

    @Test
    void endpointsToWrite_noPodsMeansNoSubsets() {
        Endpoints ep =
                DesiredEndpoints.endpointsToWrite(
                                web,
                                null,
                                DesiredEndpoints.subsetsFor(web, List.of()).subsets(),
                                null)
                        .orElseThrow();
        assertThat(ep.getSubsets()).isEmpty();
        assertThat(Semantic.canonicalJson(ep)).doesNotContain("subsets");
    }
}
