package io.j8s.examples.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.junit.J8s;
import io.j8s.junit.J8sCluster;
import io.j8s.junit.J8sTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The seed's nginx Deployment and Service on a j8s cluster, seen through the application's
 * Spring Cloud Kubernetes {@code DiscoveryClient}: its three Pods, then a scale to four, then a Pod
 * deletion.
 *
 * <p>{@code @J8sTest} starts the cluster before Spring builds the application context (the
 * extension's {@code beforeAll} runs before the first test instance, which is when the Spring
 * extension loads the context), so the {@link Config} bean below can read its kubeconfig.
 */
@J8sTest
@SpringBootTest(properties = {
        // Outside a Pod Spring Boot does not detect Kubernetes; the discovery auto-configuration needs it.
        "spring.main.cloud-platform=kubernetes",
})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiscoveryTest {

    private static final String NAMESPACE = "default";
    private static final String SERVICE = "nginx-svc-clusterip";
    private static final String DEPLOYMENT = "deployment-nginx";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @J8s
    static J8sCluster cluster;

    /** Spring Cloud Kubernetes' fabric8 client talks to the j8s cluster of this test class. */
    @TestConfiguration
    static class J8sKubernetes {
        @Bean
        Config j8sKubernetesConfig() {
            return Config.fromKubeconfig(cluster.kubeconfigYaml());
        }
    }

    @Autowired
    Peers peers;

    @Autowired
    KubernetesClient client;

    @Test
    @Order(1)
    void listsTheServicesThreePods() throws Exception {
        cluster.applyResource("seed/nginx-deploy.yaml");
        cluster.awaitDeploymentAvailable(NAMESPACE, DEPLOYMENT, TIMEOUT);
        cluster.awaitEndpoints(NAMESPACE, SERVICE, 3, TIMEOUT);

        assertThat(peers.services()).contains(SERVICE);
        await().atMost(TIMEOUT).untilAsserted(
                () -> assertThat(peers.of(SERVICE)).hasSize(3).isEqualTo(readyPodAddresses()));

        // Each instance is a Pod that answers on its own IP.
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (String address : peers.of(SERVICE)) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + address + "/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET http://%s/", address).isEqualTo(200);
        }
    }

    @Test
    @Order(2)
    void followsAScaleToFour() {
        client.apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).scale(4);

        await().atMost(TIMEOUT).untilAsserted(
                () -> assertThat(peers.of(SERVICE)).hasSize(4).isEqualTo(readyPodAddresses()));
    }

    @Test
    @Order(3)
    void followsAPodDeletion() {
        Pod victim = nginxPods().get(0);
        String gone = victim.getStatus().getPodIP() + ":80";
        assertThat(peers.of(SERVICE)).contains(gone);

        client.pods().inNamespace(NAMESPACE).withName(victim.getMetadata().getName()).delete();

        // The Deployment replaces the Pod: four instances again, the deleted Pod's address gone.
        await().atMost(TIMEOUT).untilAsserted(() -> {
            List<String> now = peers.of(SERVICE);
            assertThat(now).doesNotContain(gone).hasSize(4).isEqualTo(readyPodAddresses());
        });
    }

    private List<Pod> nginxPods() {
        return client.pods().inNamespace(NAMESPACE).withLabel("app", "nginx").list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .toList();
    }

    /** What the instances must be: the Pod IPs of the ready nginx Pods, with the Service's target port. */
    private List<String> readyPodAddresses() {
        return nginxPods().stream()
                .filter(DiscoveryTest::ready)
                .map(p -> p.getStatus().getPodIP() + ":80")
                .sorted()
                .toList();
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getPodIP() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
