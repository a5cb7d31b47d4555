package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.pki.Identity;
import io.j8s.server.testing.TestCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The nodes' log endpoint speaks TLS and answers only the API server: {@code kubectl logs} works
 * through the API (under RBAC), while a local user dialing the endpoint directly gets nothing.
 */
class NodeLogsTlsTest {
    private TestCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster =
                TestCluster.start(
                        o ->
                                o.withDataPlane(
                                                DataPlaneOptions.none()
                                                        .withNodes(List.of("logs-node")))
                                        .withControllers(
                                                io.j8s.server.ControllerOptions.none()
                                                        .withEnabled(TestCluster.POD_CONTROLLERS)));
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void logs_flowThroughTheApiOnly() throws Exception {
        int port;
        try (KubernetesClient admin = cluster.client()) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> admin.nodes().withName("logs-node").get() != null);
            admin.nodes()
                    .withName("logs-node")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"podCIDR\":\"127.244.7.0/24\",\"podCIDRs\":[\"127.244.7.0/24\"]}}");
            admin.pods()
                    .inNamespace("default")
                    .resource(
                            new PodBuilder()
                                    .withNewMetadata()
                                    .withName("talker")
                                    .endMetadata()
                                    .withNewSpec()
                                    .withNodeName("logs-node")
                                    .addNewContainer()
                                    .withName("c")
                                    .withImage("busybox")
                                    .withCommand("sh", "-c", "echo hello-from-talker; sleep 60")
                                    .endContainer()
                                    .endSpec()
                                    .build())
                    .create();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(
                            () ->
                                    "Running"
                                            .equals(
                                                    admin.pods()
                                                            .inNamespace("default")
                                                            .withName("talker")
                                                            .get()
                                                            .getStatus()
                                                            .getPhase()));
            Node node = admin.nodes().withName("logs-node").get();
            port = node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort();
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                cluster.kubectl()
                                        .run("logs", "talker")
                                        .stdout()
                                        .contains("hello-from-talker"));

        // The log options as the apiserver reads them (the Python client sends True), passed on to
        // the node.
        HttpClient admin = HttpClient.newBuilder().sslContext(cluster.adminSslContext()).build();
        String logUrl = cluster.server().apiUrl() + "/api/v1/namespaces/default/pods/talker/log";
        HttpResponse<String> stamped =
                admin.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                logUrl
                                                        + "?timestamps=True&tailLines=%2B1&follow=False"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(stamped.statusCode()).as(stamped.body()).isEqualTo(200);
        assertThat(stamped.body()).matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\S+ hello-from-talker\n");
        HttpResponse<String> bad =
                admin.send(
                        HttpRequest.newBuilder(URI.create(logUrl + "?tailLines=abc")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("strconv.ParseInt: parsing \\\"abc\\\": invalid syntax");

        URI direct = URI.create("https://127.0.0.1:" + port + "/containerLogs/default/talker/c");
        HttpClient noCertificate =
                HttpClient.newBuilder()
                        .sslContext(
                                cluster.server().credentials().sslContext(Identity.user("nobody")))
                        .build();
        // A certificate of the cluster CA, but not the API server's: refused.
        HttpResponse<String> bob =
                noCertificate.send(
                        HttpRequest.newBuilder(direct).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(bob.statusCode()).isEqualTo(403);
        assertThat(bob.body()).doesNotContain("hello-from-talker");
        // No certificate at all: the handshake fails.
        javax.net.ssl.SSLContext trustOnly = javax.net.ssl.SSLContext.getInstance("TLS");
        var trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", cluster.server().pki().ca().certificate());
        var factory =
                javax.net.ssl.TrustManagerFactory.getInstance(
                        javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        trustOnly.init(null, factory.getTrustManagers(), null);
        HttpClient anonymous = HttpClient.newBuilder().sslContext(trustOnly).build();
        assertThatThrownBy(
                        () ->
                                anonymous.send(
                                        HttpRequest.newBuilder(direct).GET().build(),
                                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}
