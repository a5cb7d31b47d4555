package io.j8s.examples.fabric8;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.cfg.PackageVersion;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.j8s.junit.J8s;
import io.j8s.junit.J8sCluster;
import io.j8s.junit.J8sTest;
import org.junit.jupiter.api.Test;

/**
 * fabric8 7 informers (Jackson 2 on the class path) on a j8s cluster: a Pod informer sees the seed
 * Deployment's Pods added, updated and deleted, and an Endpoints informer's cache follows a scale and
 * a Pod deletion. The {@link KubernetesClient} parameter is built by the j8s extension from the
 * cluster's kubeconfig.
 */
@J8sTest
class InformerTest {

    private static final String NAMESPACE = "default";
    private static final String SERVICE = "nginx-svc-clusterip";
    private static final String DEPLOYMENT = "deployment-nginx";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @J8s
    static J8sCluster cluster;

    @Test
    void theTestsClassPathIsTheUsers() {
        // fabric8 7 and Jackson 2 are this project's; nothing of j8s (Jackson 3, fabric8 8) leaks in.
        assertThat(PackageVersion.VERSION.getMajorVersion()).isEqualTo(2);
        assertThat(KubernetesClient.class.getProtectionDomain().getCodeSource().getLocation().getPath())
                .contains("kubernetes-client-api-7.");
        assertThatThrownBy(() -> Class.forName("tools.jackson.databind.ObjectMapper"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void informersFollowTheDeployment(KubernetesClient client) {
        VersionInfo version = client.getKubernetesVersion();
        assertThat(version.getMajor()).isEqualTo("1");

        List<String> podEvents = new CopyOnWriteArrayList<>();
        SharedIndexInformer<Pod> pods = client.pods().inNamespace(NAMESPACE).withLabel("app", "nginx")
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        podEvents.add("ADD " + pod.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(Pod before, Pod after) {
                        podEvents.add("UPDATE " + after.getMetadata().getName());
                    }

                    @Override
                    public void onDelete(Pod pod, boolean finalStateUnknown) {
                        podEvents.add("DELETE " + pod.getMetadata().getName());
                    }
                });
        SharedIndexInformer<Endpoints> endpoints = client.endpoints().inNamespace(NAMESPACE).withName(SERVICE).inform();
        try {
            cluster.applyResource("seed/nginx-deploy.yaml");

            // Three Pods added, each updated as it is scheduled, started and becomes ready.
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(added(podEvents)).hasSize(3);
                assertThat(readyIps(endpoints)).hasSize(3).isEqualTo(readyPodIps(pods));
            });
            assertThat(podEvents).anyMatch(e -> e.startsWith("UPDATE "));

            client.apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).scale(4);
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(added(podEvents)).hasSize(4);
                assertThat(readyIps(endpoints)).hasSize(4).isEqualTo(readyPodIps(pods));
            });

            Pod victim = pods.getStore().list().get(0);
            String name = victim.getMetadata().getName();
            String ip = victim.getStatus().getPodIP();
            Set<String> before = added(podEvents);
            client.pods().inNamespace(NAMESPACE).withName(name).delete();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(podEvents).contains("DELETE " + name);
                // The ReplicaSet's replacement: a new Pod added, four ready again, the old IP gone.
                assertThat(added(podEvents)).hasSize(before.size() + 1).containsAll(before);
                assertThat(readyIps(endpoints)).doesNotContain(ip).hasSize(4).isEqualTo(readyPodIps(pods));
            });
        } finally {
            pods.close();
            endpoints.close();
        }
    }

    /** The names of the Pods the informer announced with an ADD. */
    private static Set<String> added(List<String> events) {
        Set<String> names = new TreeSet<>();
        events.stream().filter(e -> e.startsWith("ADD ")).forEach(e -> names.add(e.substring(4)));
        return names;
    }

    /** The ready addresses of the Service's Endpoints, as the informer's cache holds them. */
    private static Set<String> readyIps(SharedIndexInformer<Endpoints> informer) {
        Set<String> ips = new TreeSet<>();
        for (Endpoints ep : informer.getStore().list()) {
            for (EndpointSubset subset : Objects.requireNonNullElse(ep.getSubsets(), List.<EndpointSubset>of())) {
                subset.getAddresses().forEach(a -> ips.add(a.getIp()));
            }
        }
        return ips;
    }

    /** The IPs of the ready, not deleted Pods in the Pod informer's cache. */
    private static Set<String> readyPodIps(SharedIndexInformer<Pod> informer) {
        Set<String> ips = new TreeSet<>();
        for (Pod pod : informer.getStore().list()) {
            boolean ready = pod.getStatus() != null && pod.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
            if (pod.getMetadata().getDeletionTimestamp() == null && ready) {
                ips.add(pod.getStatus().getPodIP());
            }
        }
        return ips;
    }
}
