package io.j8s.server.manyclusters;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.apiserver.admission.Cidr;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.ranges.HostClaims;
import io.j8s.server.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * One of eight clusters started at once: the {@code many-clusters} surefire execution of this
 * module runs each subclass in its own fork, all eight in parallel (forkCount=8, reuseForks=false),
 * so eight j8s servers start together on this host without any range or port given. Each runs the
 * seed's Deployment ({@code examples/seed/nginx-deploy.yaml}, three builtin nginx Pods on a real
 * node) and must see its own three Pods behind its own ClusterIP: no Pod IP, ClusterIP or port is
 * shared (docs/architecture.md, "Many clusters on one host").
 */
abstract class SeedClusterCase {

    @Test
    void theSeedsDeploymentAnswersThroughItsOwnClusterIp() throws Exception {
        long begin = System.nanoTime();
        try (TestCluster cluster =
                        TestCluster.start(
                                o ->
                                        o.withDataPlane(
                                                        DataPlaneOptions.defaults()
                                                                .withNodes(List.of("node01")))
                                                .withControllers(ControllerOptions.defaults()));
                KubernetesClient client = cluster.client()) {
            long started = System.nanoTime();
            Properties ranges = new Properties();
            try (var in =
                    Files.newBufferedReader(
                            cluster.dir().resolve("data").resolve(HostClaims.FILE))) {
                ranges.load(in);
            }
            Cidr podRange = Cidr.parse(ranges.getProperty("cluster-cidr"));
            Cidr serviceRange = Cidr.parse(ranges.getProperty("service-cluster-ip-range"));

            cluster.kubectlOk(
                    "apply",
                    "-f",
                    TestCluster.repoFile("examples/seed/nginx-deploy.yaml").toString());

            Awaitility.await()
                    .atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> readyAddresses(client).size() == 3);
            long endpointsReady = System.nanoTime();
            List<String> podIps = readyAddresses(client);
            assertThat(podIps)
                    .allSatisfy(
                            ip ->
                                    assertThat(podRange.contains(ip))
                                            .as(ip + " in " + podRange)
                                            .isTrue());

            Service service =
                    client.services().inNamespace("default").withName("nginx-svc-clusterip").get();
            String clusterIp = service.getSpec().getClusterIP();
            assertThat(serviceRange.contains(clusterIp))
                    .as(clusterIp + " in " + serviceRange)
                    .isTrue();

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request =
                    HttpRequest.newBuilder(URI.create("http://" + clusterIp + ":80/"))
                            .timeout(Duration.ofSeconds(10))
                            .build();
            String[] body = new String[1];
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(
                            () -> {
                                HttpResponse<String> response =
                                        http.send(request, HttpResponse.BodyHandlers.ofString());
                                body[0] = response.body();
                                return response.statusCode() == 200;
                            });
            // the builtin nginx names the Pod that answered: one of this cluster's, by its IP
            assertThat(podIps).anySatisfy(ip -> assertThat(body[0]).contains("IP " + ip + ","));
            long end = System.nanoTime();
            System.out.printf(
                    "%s: Pods %s behind %s; server started in %d ms, 3 endpoints after %d ms more,"
                            + " answered after %d ms more (%d ms in all)%n",
                    getClass().getSimpleName(),
                    podIps,
                    clusterIp,
                    (started - begin) / 1_000_000,
                    (endpointsReady - started) / 1_000_000,
                    (end - endpointsReady) / 1_000_000,
                    (end - begin) / 1_000_000);
        }
    }

    private static List<String> readyAddresses(KubernetesClient client) {
        Endpoints endpoints =
                client.endpoints().inNamespace("default").withName("nginx-svc-clusterip").get();
        if (endpoints == null || endpoints.getSubsets() == null) {
            return List.of();
        }
        return endpoints.getSubsets().stream()
                .filter(s -> s.getAddresses() != null)
                .flatMap(s -> s.getAddresses().stream())
                .map(EndpointAddress::getIp)
                .sorted()
                .toList();
    }
}
