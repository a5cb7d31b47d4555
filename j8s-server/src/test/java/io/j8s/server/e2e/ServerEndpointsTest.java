package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.testing.SharedEtcd;
import io.j8s.server.testing.TestCluster;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two servers on one etcd: the {@code kubernetes} Service's Endpoints and EndpointSlices list both
 * (each server renews a Lease in kube-system), stay put instead of flipping between the two, and
 * drop a server that stops or whose Lease expired.
 */
class ServerEndpointsTest {
    @RegisterExtension static final SharedEtcd etcd = new SharedEtcd();

    private static int port(TestCluster cluster) {
        return cluster.server().apiServer().address().getPort();
    }

    /** {@code address:port} of every endpoint of the Endpoints. */
    private static Set<String> endpoints(KubernetesClient client) {
        Endpoints ep = client.endpoints().inNamespace("default").withName("kubernetes").get();
        Set<String> all = new TreeSet<>();
        for (EndpointSubset subset : ep.getSubsets()) {
            subset.getAddresses()
                    .forEach(
                            a ->
                                    subset.getPorts()
                                            .forEach(p -> all.add(a.getIp() + ":" + p.getPort())));
        }
        return all;
    }

    /** {@code address:port} of every endpoint of the Service's EndpointSlices. */
    private static Set<String> slices(KubernetesClient client) {
        Set<String> all = new TreeSet<>();
        for (EndpointSlice slice :
                client.discovery()
                        .v1()
                        .endpointSlices()
                        .inNamespace("default")
                        .withLabel("kubernetes.io/service-name", "kubernetes")
                        .list()
                        .getItems()) {
            slice.getEndpoints()
                    .forEach(
                            e ->
                                    e.getAddresses()
                                            .forEach(
                                                    a ->
                                                            slice.getPorts()
                                                                    .forEach(
                                                                            p ->
                                                                                    all.add(
                                                                                            a
                                                                                                    + ":"
                                                                                                    + p
                                                                                                            .getPort()))));
        }
        return all;
    }

    @Test
    void theKubernetesEndpointsListEveryLiveServer() throws Exception {
        String prefix = "/ep-" + UUID.randomUUID() + "/";
        TestCluster a = etcd.server(prefix, null);
        TestCluster b = etcd.server(prefix, SharedEtcd.token(a));
        try (KubernetesClient client = a.client()) {
            Set<String> both = Set.of("127.0.0.1:" + port(a), "127.0.0.1:" + port(b));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> {
                                assertThat(endpoints(client)).isEqualTo(both);
                                assertThat(slices(client)).isEqualTo(both);
                            });
            assertThat(
                            client.leases()
                                    .inNamespace("kube-system")
                                    .withLabel("j8s.io/apiserver", "true")
                                    .list()
                                    .getItems())
                    .hasSize(2);

            // a server that died a minute ago: its Lease is deleted, it is not listed
            client.leases()
                    .inNamespace("kube-system")
                    .resource(
                            new LeaseBuilder()
                                    .withNewMetadata()
                                    .withName("j8s-apiserver-dead")
                                    .addToLabels("j8s.io/apiserver", "true")
                                    .addToAnnotations("j8s.io/apiserver-endpoint", "127.0.0.9:6443")
                                    .endMetadata()
                                    .withNewSpec()
                                    .withHolderIdentity("j8s-apiserver-dead")
                                    .withLeaseDurationSeconds(30)
                                    .withRenewTime(
                                            ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(1))
                                    .endSpec()
                                    .build())
                    .create();

            // both servers repair the endpoints every 10 s: they agree, so nothing is rewritten
            String rv =
                    client.endpoints()
                            .inNamespace("default")
                            .withName("kubernetes")
                            .get()
                            .getMetadata()
                            .getResourceVersion();
            Thread.sleep(12_000);
            assertThat(
                            client.endpoints()
                                    .inNamespace("default")
                                    .withName("kubernetes")
                                    .get()
                                    .getMetadata()
                                    .getResourceVersion())
                    .isEqualTo(rv);
            assertThat(
                            client.leases()
                                    .inNamespace("kube-system")
                                    .withName("j8s-apiserver-dead")
                                    .get())
                    .isNull();

            b.close();
            Set<String> onlyA = Set.of("127.0.0.1:" + port(a));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(15))
                    .untilAsserted(
                            () -> {
                                assertThat(endpoints(client)).isEqualTo(onlyA);
                                assertThat(slices(client)).isEqualTo(onlyA);
                            });
            assertThat(
                            client
                                    .leases()
                                    .inNamespace("kube-system")
                                    .withLabel("j8s.io/apiserver", "true")
                                    .list()
                                    .getItems()
                                    .stream()
                                    .map(l -> l.getMetadata().getName())
                                    .collect(Collectors.toList()))
                    .hasSize(1);
        } finally {
            a.close();
            b.close();
        }
    }
}
