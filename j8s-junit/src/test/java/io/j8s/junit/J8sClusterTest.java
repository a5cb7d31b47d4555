package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The programmatic API as a user drives it: start, apply the seed, reach its Service, close. */
class J8sClusterTest {

    /** The seed's manifests (the repository's examples/seed), from the module directory. */
    static Path seed(String file) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("examples/seed").resolve(file);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no examples/seed/" + file + " above " + Path.of("").toAbsolutePath());
    }

    @Test
    void seedDeployment_threePods_endpoints_andItsServiceAnswers() throws Exception {
        long begin = System.nanoTime();
        try (J8sCluster cluster = J8sCluster.builder().nodes("node01", "node02").start()) {
            System.out.printf("MEASURED: first cluster ready in %d ms (host says %d ms)%n",
                    (System.nanoTime() - begin) / 1_000_000, cluster.startMillis());
            assertThat(cluster.kubeconfigYaml()).contains("server: " + cluster.apiServerUrl());
            assertThat(cluster.kubeconfigPath()).exists();

            List<String> applied = cluster.apply(seed("nginx-deploy.yaml"));
            assertThat(applied).containsExactly("service/nginx-svc-clusterip created",
                    "deployment/deployment-nginx created");
            cluster.awaitDeploymentAvailable("default", "deployment-nginx", Duration.ofSeconds(60));
            List<String> ips = cluster.awaitEndpoints("default", "nginx-svc-clusterip", 3, Duration.ofSeconds(60));
            assertThat(ips).hasSize(3).allMatch(ip -> ip.startsWith("127."));

            var address = cluster.serviceAddress("default", "nginx-svc-clusterip", 80);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                    "http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);

            // applying again changes nothing but says so
            assertThat(cluster.apply(seed("nginx-deploy.yaml"))).containsExactly(
                    "service/nginx-svc-clusterip configured", "deployment/deployment-nginx configured");

            KubectlResult pods = cluster.kubectl("get", "pods", "-l", "app=nginx", "-o", "name");
            assertThat(pods.ok().lines().count()).isEqualTo(3);
            String pod = pods.ok().lines().findFirst().orElseThrow().substring("pod/".length());
            assertThat(cluster.podLogs("default", pod)).isNotNull();

            assertThatThrownBy(() -> cluster.serviceAddress("default", "nginx-svc-clusterip", 81))
                    .isInstanceOf(J8sException.class).hasMessageContaining("has no port 81; its ports: [80]");
        }
    }
}
