package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Two clusters in one host at once, each running the seed: neither sees nor disturbs the other. */
class TwoClustersTest {

    @Test
    void twoClustersAtOnce_eachServesTheSeedOnItsOwnAddresses() throws Exception {
        long begin = System.nanoTime();
        try (J8sCluster first = J8sCluster.builder().start()) {
            long firstMillis = (System.nanoTime() - begin) / 1_000_000;
            begin = System.nanoTime();
            try (J8sCluster second = J8sCluster.builder().start()) {
                long secondMillis = (System.nanoTime() - begin) / 1_000_000;
                System.out.printf(
                        "MEASURED: first cluster %d ms (host %d ms), second cluster %d ms (host %d ms)%n",
                        firstMillis, first.startMillis(), secondMillis, second.startMillis());
                assertThat(second.apiServerUrl()).isNotEqualTo(first.apiServerUrl());

                CompletableFuture<List<String>> a =
                        CompletableFuture.supplyAsync(() -> seed(first));
                CompletableFuture<List<String>> b =
                        CompletableFuture.supplyAsync(() -> seed(second));
                List<String> firstIps = a.get();
                List<String> secondIps = b.get();
                assertThat(firstIps).hasSize(3).doesNotContainAnyElementsOf(secondIps);
                assertThat(secondIps).hasSize(3);

                InetSocketAddress one = first.serviceAddress("default", "nginx-svc-clusterip", 80);
                InetSocketAddress two = second.serviceAddress("default", "nginx-svc-clusterip", 80);
                assertThat(one.getAddress()).isNotEqualTo(two.getAddress());
                assertThat(get(one)).isEqualTo(200);
                assertThat(get(two)).isEqualTo(200);
            }
            // the first still serves once the second is gone
            assertThat(get(first.serviceAddress("default", "nginx-svc-clusterip", 80)))
                    .isEqualTo(200);
        }
    }

    private static List<String> seed(J8sCluster cluster) {
        cluster.apply(J8sClusterTest.seed("nginx-deploy.yaml"));
        return cluster.awaitEndpoints("default", "nginx-svc-clusterip", 3, Duration.ofSeconds(120));
    }

    private static int get(InetSocketAddress address) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                "http://"
                                                        + address.getAddress().getHostAddress()
                                                        + ":"
                                                        + address.getPort()
                                                        + "/"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
