package io.j8s.server.join;

import static io.j8s.server.testing.SharedEtcd.token;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.testing.SharedEtcd;
import io.j8s.server.testing.TestCluster;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Servers on one etcd share one cluster: the second loads the CA, service account key and token the
 * first stored (encrypted with the token), gets its own serving certificate, and refuses to start
 * without the token or with another one.
 */
class ClusterBootstrapTest {
    @RegisterExtension static final SharedEtcd etcd = new SharedEtcd();

    @Test
    void aSecondServer_withTheToken_loadsTheClustersSecrets_andHasItsOwnServingCertificate()
            throws Exception {
        String prefix = "/bs-" + UUID.randomUUID() + "/";
        try (TestCluster a = etcd.server(prefix, null);
                TestCluster b = etcd.server(prefix, token(a))) {
            assertThat(b.server().pki().caPem()).isEqualTo(a.server().pki().caPem());
            assertThat(b.server().pki().serviceAccountKeys().getPublic())
                    .isEqualTo(a.server().pki().serviceAccountKeys().getPublic());
            assertThat(token(b)).isEqualTo(token(a));
            assertThat(b.server().pki().serving().certificate())
                    .isNotEqualTo(a.server().pki().serving().certificate());
            b.server()
                    .pki()
                    .serving()
                    .certificate()
                    .verify(a.server().pki().ca().certificate().getPublicKey());
            assertThat(Files.readString(b.dir().resolve("data/tls/ca.key")))
                    .isEqualTo(Files.readString(a.dir().resolve("data/tls/ca.key")));

            // either server serves the other's clients: one CA, one store
            try (KubernetesClient viaA = a.client();
                    KubernetesClient viaB = b.client()) {
                viaA.configMaps()
                        .inNamespace("default")
                        .resource(
                                new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                                        .withNewMetadata()
                                        .withName("shared")
                                        .endMetadata()
                                        .addToData("k", "v")
                                        .build())
                        .create();
                org.awaitility.Awaitility.await()
                        .atMost(java.time.Duration.ofSeconds(10))
                        .until(
                                () ->
                                        viaB.configMaps()
                                                        .inNamespace("default")
                                                        .withName("shared")
                                                        .get()
                                                != null);
                // a service account token signed by one server is accepted by the other
                viaA.serviceAccounts()
                        .inNamespace("default")
                        .resource(
                                new io.fabric8.kubernetes.api.model.ServiceAccountBuilder()
                                        .withNewMetadata()
                                        .withName("robot")
                                        .endMetadata()
                                        .build())
                        .create();
                String jwt =
                        viaA.serviceAccounts()
                                .inNamespace("default")
                                .withName("robot")
                                .tokenRequest(
                                        new io.fabric8.kubernetes.api.model.authentication
                                                        .TokenRequestBuilder()
                                                .withNewSpec()
                                                .withExpirationSeconds(600L)
                                                .endSpec()
                                                .build())
                                .getStatus()
                                .getToken();
                try (KubernetesClient robot = b.clientWithToken(jwt)) {
                    assertThat(
                                    robot.authentication()
                                            .v1()
                                            .selfSubjectReviews()
                                            .create(
                                                    new io.fabric8.kubernetes.api.model
                                                            .authentication.SelfSubjectReview())
                                            .getStatus()
                                            .getUserInfo()
                                            .getUsername())
                            .isEqualTo("system:serviceaccount:default:robot");
                }
            }

            // a restart (no --token) opens the store's secrets with the data dir's token
            String ca = a.server().pki().caPem();
            a.restart();
            assertThat(a.server().pki().caPem()).isEqualTo(ca);
            assertThat(token(a)).isEqualTo(token(b));
        }
    }

    @Test
    void aSecondServer_withoutTheToken_orWithAnother_refusesToStart() throws Exception {
        String prefix = "/bs-" + UUID.randomUUID() + "/";
        try (TestCluster a = etcd.server(prefix, null)) {
            assertThatThrownBy(() -> etcd.server(prefix, null))
                    .isInstanceOf(ClusterBootstrap.RefusedException.class)
                    .hasMessageContaining("the store already holds a j8s cluster")
                    .hasMessageContaining("--token");
            String other = "abcdef:" + "0123456789abcdef0123456789abcdef";
            assertThatThrownBy(() -> etcd.server(prefix, other))
                    .isInstanceOf(ClusterBootstrap.RefusedException.class)
                    .hasMessageContaining("the token does not open the cluster in the store");
            assertThat(a.server().apiServer().address()).isNotNull();
        }
    }

    @Test
    void twoFirstServersRacing_withTheSameToken_endWithOneCluster() throws Exception {
        String prefix = "/bs-" + UUID.randomUUID() + "/";
        String shortToken = "race01:" + "aaaabbbbccccddddeeeeffff00001111";
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<TestCluster> started = new ArrayList<>();
        try {
            Future<TestCluster> one = pool.submit(() -> etcd.server(prefix, shortToken));
            Future<TestCluster> two = pool.submit(() -> etcd.server(prefix, shortToken));
            started.add(one.get());
            started.add(two.get());
            assertThat(started.get(1).server().pki().caPem())
                    .isEqualTo(started.get(0).server().pki().caPem());
            assertThat(token(started.get(0)))
                    .isEqualTo(token(started.get(1)))
                    .endsWith("::" + shortToken);
        } finally {
            started.forEach(TestCluster::close);
            pool.shutdownNow();
        }
    }
}
