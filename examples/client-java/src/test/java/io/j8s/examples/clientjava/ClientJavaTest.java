package io.j8s.examples.clientjava;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.google.gson.reflect.TypeToken;
import io.j8s.junit.J8s;
import io.j8s.junit.J8sCluster;
import io.j8s.junit.J8sTest;
import io.j8s.junit.Kubeconfig;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1EndpointSubset;
import io.kubernetes.client.openapi.models.V1Endpoints;
import io.kubernetes.client.openapi.models.V1EndpointsList;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Scale;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.util.Config;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.Watch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The official Kubernetes Java client on a j8s cluster, configured from the kubeconfig the j8s
 * extension injects: the seed's Service and Endpoints listed, then a Watch on the Endpoints while the
 * Deployment scales down.
 */
@J8sTest
class ClientJavaTest {

    private static final String NAMESPACE = "default";
    private static final String SERVICE = "nginx-svc-clusterip";
    private static final String DEPLOYMENT = "deployment-nginx";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @J8s
    static J8sCluster cluster;

    private ApiClient client;
    private CoreV1Api core;
    private AppsV1Api apps;

    @BeforeEach
    void connect(@Kubeconfig String kubeconfig) throws Exception {
        client = Config.fromConfig(new StringReader(kubeconfig));
        // A watch stays open longer than OkHttp's default read timeout.
        client.setHttpClient(client.getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS).build());
        core = new CoreV1Api(client);
        apps = new AppsV1Api(client);
    }

    @Test
    void listsTheServiceAndItsEndpoints_thenWatchesAScaleDown() throws Exception {
        cluster.applyResource("seed/nginx-deploy.yaml");
        cluster.awaitDeploymentAvailable(NAMESPACE, DEPLOYMENT, TIMEOUT);
        cluster.awaitEndpoints(NAMESPACE, SERVICE, 3, TIMEOUT);

        V1Service service = core.readNamespacedService(SERVICE, NAMESPACE).execute();
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getClusterIP()).isNotBlank();
        assertThat(core.listNamespacedService(NAMESPACE).execute().getItems())
                .extracting(s -> s.getMetadata().getName()).contains(SERVICE, "kubernetes");

        V1EndpointsList list = core.listNamespacedEndpoints(NAMESPACE).fieldSelector("metadata.name=" + SERVICE)
                .execute();
        assertThat(list.getItems()).hasSize(1);
        assertThat(addresses(list.getItems().get(0))).hasSize(3).isEqualTo(readyPodIps());

        // Watch the Endpoints from the list's resourceVersion while the Deployment goes from 3 to 1.
        PatchUtils.patch(V1Scale.class, () -> apps.patchNamespacedDeploymentScale(DEPLOYMENT, NAMESPACE,
                        new V1Patch("{\"spec\":{\"replicas\":1}}")).buildCall(null),
                V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
        List<Integer> seen = new ArrayList<>();
        try (Watch<V1Endpoints> watch = Watch.createWatch(client, core.listNamespacedEndpoints(NAMESPACE)
                        .fieldSelector("metadata.name=" + SERVICE).resourceVersion(list.getMetadata().getResourceVersion())
                        .watch(true).timeoutSeconds((int) TIMEOUT.toSeconds()).buildCall(null),
                new TypeToken<Watch.Response<V1Endpoints>>() { }.getType())) {
            for (Watch.Response<V1Endpoints> event : watch) {
                assertThat(event.type).isEqualTo("MODIFIED");
                seen.add(addresses(event.object).size());
                if (addresses(event.object).size() == 1) {
                    break;
                }
            }
        }
        // The addresses only went down, ending at one: the remaining Pod's.
        assertThat(seen).isNotEmpty().isSortedAccordingTo((a, b) -> b - a).last().isEqualTo(1);
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(addresses(
                core.readNamespacedEndpoints(SERVICE, NAMESPACE).execute())).isEqualTo(readyPodIps()));
    }

    private Set<String> readyPodIps() throws Exception {
        Set<String> ips = new TreeSet<>();
        for (V1Pod pod : core.listNamespacedPod(NAMESPACE).labelSelector("app=nginx").execute().getItems()) {
            boolean ready = pod.getStatus() != null && pod.getStatus().getConditions() != null
                    && pod.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            if (pod.getMetadata().getDeletionTimestamp() == null && ready) {
                ips.add(pod.getStatus().getPodIP());
            }
        }
        return ips;
    }

    private static Set<String> addresses(V1Endpoints endpoints) {
        Set<String> ips = new TreeSet<>();
        for (V1EndpointSubset subset : Objects.requireNonNullElse(endpoints.getSubsets(), List.<V1EndpointSubset>of())) {
            Objects.requireNonNullElse(subset.getAddresses(), List.<io.kubernetes.client.openapi.models.V1EndpointAddress>of())
                    .forEach(a -> ips.add(a.getIp()));
        }
        return ips;
    }
}
