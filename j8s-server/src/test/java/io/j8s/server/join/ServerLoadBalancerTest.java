package io.j8s.server.join;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.j8s.server.pki.Identity;
import io.j8s.server.testing.SharedEtcd;
import io.j8s.server.testing.TestCluster;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An agent's clients given two servers of one cluster dial the load balancer: requests and a watch
 * keep working when the server in use stops, now through the other one.
 */
class ServerLoadBalancerTest {
    @RegisterExtension static final SharedEtcd etcd = new SharedEtcd();

    private static ConfigMap configMap(String name) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToData("k", name)
                .build();
    }

    @Test
    void whenTheServerInUseStops_requestsAndWatchesGoToTheNext() throws Exception {
        String prefix = "/lb-" + UUID.randomUUID() + "/";
        TestCluster a = etcd.server(prefix, null);
        TestCluster b = etcd.server(prefix, SharedEtcd.token(a));
        // a dead address first: the balancer skips it
        URI dead = URI.create("https://127.0.0.1:" + TestCluster.freePort());
        try (ServerLoadBalancer lb =
                        ServerLoadBalancer.start(
                                List.of(
                                        dead,
                                        URI.create(a.server().apiUrl()),
                                        URI.create(b.server().apiUrl())));
                KubernetesClient client =
                        new KubernetesClientBuilder()
                                .withConfig(
                                        new ConfigBuilder(a.server().clientConfig(Identity.admin()))
                                                .withMasterUrl(lb.url().toString())
                                                .build())
                                .build()) {
            client.configMaps().inNamespace("default").resource(configMap("before")).create();
            assertThat(lb.currentServer().toString()).isEqualTo(a.server().apiUrl());
            Set<String> seen = ConcurrentHashMap.newKeySet();
            client.configMaps()
                    .inNamespace("default")
                    .watch(
                            new Watcher<>() {
                                @Override
                                public void eventReceived(Action action, ConfigMap resource) {
                                    seen.add(action + " " + resource.getMetadata().getName());
                                }

                                @Override
                                public void onClose(WatcherException cause) {}
                            });
            client.configMaps().inNamespace("default").resource(configMap("watched-1")).create();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> seen.contains("ADDED watched-1"));

            a.close();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .ignoreExceptions()
                    .untilAsserted(
                            () ->
                                    client.configMaps()
                                            .inNamespace("default")
                                            .resource(configMap("after"))
                                            .createOr(existing -> existing.update()));
            assertThat(lb.currentServer().toString()).isEqualTo(b.server().apiUrl());
            assertThat(
                            client.configMaps()
                                    .inNamespace("default")
                                    .withName("before")
                                    .get()
                                    .getData())
                    .containsEntry("k", "before");
            // the watch reconnected (through the other server) and goes on from where it was
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> seen.contains("ADDED after"));
        } finally {
            a.close();
            b.close();
        }
    }
}
