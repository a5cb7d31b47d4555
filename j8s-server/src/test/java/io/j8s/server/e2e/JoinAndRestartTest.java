package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.j8s.apiserver.auth.authn.JoinToken;
import io.j8s.server.join.AgentBootstrap;
import io.j8s.server.join.JoinException;
import io.j8s.server.pki.Pem;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Joining a node agent with the cluster's join token (and its node password, which keeps a node
 * name to the agent that joined under it first), and a server restart keeping every credential.
 */
class JoinAndRestartTest {
    private TestCluster cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = TestCluster.start();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private JoinToken token() throws Exception {
        return JoinToken.parse(Files.readString(cluster.dir().resolve("data/token")));
    }

    @Test
    void join_yieldsAWorkingNodeKubeconfig() throws Exception {
        Path agentDir = cluster.dir().resolve("agent");
        AgentBootstrap.Joined joined =
                new AgentBootstrap(Clock.systemUTC())
                        .join(URI.create(cluster.server().apiUrl()), token(), "worker-1", agentDir);
        assertThat(joined.reused()).isFalse();
        assertThat(joined.certificate().getSubjectX500Principal().getName())
                .contains("CN=system:node:worker-1")
                .contains("O=system:nodes");
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(joined.kubeconfig())))
                .isEqualTo("rw-------");

        Kubectl node = cluster.kubectlWith("worker-1", Files.readString(joined.kubeconfig()));
        assertThat(node.run("auth", "whoami").ok())
                .contains("system:node:worker-1")
                .contains("system:nodes");
        try (KubernetesClient client =
                new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(Files.readString(joined.kubeconfig())))
                        .build()) {
            client.nodes()
                    .resource(
                            new NodeBuilder()
                                    .withNewMetadata()
                                    .withName("worker-1")
                                    .endMetadata()
                                    .build())
                    .create();
            assertThatThrownBy(
                            () ->
                                    client.nodes()
                                            .resource(
                                                    new NodeBuilder()
                                                            .withNewMetadata()
                                                            .withName("worker-2")
                                                            .endMetadata()
                                                            .build())
                                            .create())
                    .hasMessageContaining("not allowed to modify node \"worker-2\"");
        }
        // Joining again finds the kubeconfig and keeps it.
        assertThat(
                        new AgentBootstrap(Clock.systemUTC())
                                .join(
                                        URI.create(cluster.server().apiUrl()),
                                        token(),
                                        "worker-1",
                                        agentDir)
                                .reused())
                .isTrue();
        assertThat(
                        PosixFilePermissions.toString(
                                Files.getPosixFilePermissions(agentDir.resolve("node-password"))))
                .isEqualTo("rw-------");
    }

    @Test
    void anotherAgent_cannotJoinUnderTheNameOfAJoinedNode() throws Exception {
        Path first = cluster.dir().resolve("agent-1");
        join("worker-1", first);
        String password = Files.readString(first.resolve("node-password")).strip();
        assertThat(password).hasSize(64);
        // The server keeps a salted hash, not the password.
        String secret =
                cluster.kubectlOk(
                        "get",
                        "secret",
                        "-n",
                        "kube-system",
                        "worker-1.node-password.j8s",
                        "-o",
                        "yaml");
        assertThat(secret)
                .contains("hash:")
                .doesNotContain(password)
                .doesNotContain(
                        Base64.getEncoder()
                                .encodeToString(password.getBytes(StandardCharsets.UTF_8)));

        Path second = cluster.dir().resolve("agent-2");
        assertThatThrownBy(() -> join("worker-1", second))
                .isInstanceOf(JoinException.class)
                .hasMessageContaining(
                        "refused to let this agent join as node worker-1 (403 Forbidden)")
                .hasMessageContaining(
                        "node password rejected: node \"worker-1\" has joined before with another"
                                + " password")
                .hasMessageContaining("kubectl delete node worker-1")
                .hasMessageContaining("kube-system/worker-1.node-password.j8s");
        assertThat(second.resolve("kubeconfig.yaml")).doesNotExist();
        // The same request as JSON: 403 with a Status the client can read.
        HttpResponse<String> raw =
                postCredential(
                        "{\"nodeName\":\"worker-1\",\"nodePassword\":\"guess\","
                                + "\"certificateSigningRequest\":\"\"}");
        assertThat(raw.statusCode()).isEqualTo(403);
        assertThat(raw.body())
                .contains("\"reason\":\"Forbidden\"")
                .contains("node password rejected");
        assertThat(
                        postCredential(
                                        "{\"nodeName\":\"worker-1\",\"certificateSigningRequest\":\"\"}")
                                .body())
                .contains("\"code\":400")
                .contains("nodePassword is required");

        // The first agent, joining again (its kubeconfig gone, as when it renews), keeps its name.
        Files.delete(first.resolve("kubeconfig.yaml"));
        assertThat(join("worker-1", first).reused()).isFalse();
        // After an administrator deletes the password, a new agent may take the name.
        cluster.kubectlOk("delete", "secret", "-n", "kube-system", "worker-1.node-password.j8s");
        assertThat(join("worker-1", second).certificate().getSubjectX500Principal().getName())
                .contains("CN=system:node:worker-1");
        assertThatThrownBy(() -> join("worker-1", cluster.dir().resolve("agent-3")))
                .hasMessageContaining("node password rejected");
    }

    @Test
    void aNodeRegisteredWithoutJoining_cannotBeClaimed() throws Exception {
        try (KubernetesClient admin = cluster.client()) {
            admin.nodes()
                    .resource(
                            new NodeBuilder()
                                    .withNewMetadata()
                                    .withName("in-process")
                                    .endMetadata()
                                    .build())
                    .create();
        }
        assertThatThrownBy(() -> join("in-process", cluster.dir().resolve("agent")))
                .isInstanceOf(JoinException.class)
                .hasMessageContaining(
                        "node \"in-process\" is already registered and has no node password")
                .hasMessageContaining("kubectl delete node in-process");
        cluster.kubectlOk("get", "node", "in-process");
        assertThat(
                        cluster.kubectl()
                                .run(
                                        "get",
                                        "secret",
                                        "-n",
                                        "kube-system",
                                        "in-process.node-password.j8s")
                                .stderr())
                .contains("NotFound");
    }

    @Test
    void deletingTheNode_letsANewAgentJoinUnderItsName() throws Exception {
        cluster.close();
        cluster = TestCluster.withControllers(c -> c.withEnabled(Set.of("garbagecollector")));
        AgentBootstrap.Joined joined = join("worker-1", cluster.dir().resolve("agent-1"));
        try (KubernetesClient node =
                        new KubernetesClientBuilder()
                                .withConfig(
                                        Config.fromKubeconfig(
                                                Files.readString(joined.kubeconfig())))
                                .build();
                KubernetesClient admin = cluster.client()) {
            node.nodes()
                    .resource(
                            new NodeBuilder()
                                    .withNewMetadata()
                                    .withName("worker-1")
                                    .endMetadata()
                                    .build())
                    .create();
            String uid = admin.nodes().withName("worker-1").get().getMetadata().getUid();
            // The server makes the Node the owner of its password...
            await(
                    Duration.ofSeconds(60),
                    () -> {
                        Secret s =
                                admin.secrets()
                                        .inNamespace("kube-system")
                                        .withName("worker-1.node-password.j8s")
                                        .get();
                        return s.getMetadata().getOwnerReferences().stream()
                                .anyMatch(
                                        o -> o.getKind().equals("Node") && o.getUid().equals(uid));
                    });
            // ...so deleting the Node (a wiped machine) deletes the password with it.
            admin.nodes().withName("worker-1").delete();
            await(
                    Duration.ofSeconds(60),
                    () ->
                            admin.secrets()
                                            .inNamespace("kube-system")
                                            .withName("worker-1.node-password.j8s")
                                            .get()
                                    == null);
        }
        assertThat(join("worker-1", cluster.dir().resolve("agent-2")).reused()).isFalse();
    }

    private AgentBootstrap.Joined join(String node, Path dir) throws Exception {
        return new AgentBootstrap(Clock.systemUTC())
                .join(URI.create(cluster.server().apiUrl()), token(), node, dir);
    }

    /** A join request as the agent sends it, over TLS verified by the cluster CA. */
    private HttpResponse<String> postCredential(String body) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry(
                "ca", Pem.certificate(Files.readString(cluster.dir().resolve("data/tls/ca.crt"))));
        TrustManagerFactory factory =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, factory.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
        return http.send(
                HttpRequest.newBuilder(
                                URI.create(cluster.server().apiUrl() + "/v1-j8s/node-credential"))
                        .header("Authorization", "Bearer " + token().encode())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void await(Duration timeout, java.util.function.BooleanSupplier condition)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    @Test
    void tokenWithAnotherCaHash_isRefusedBeforeTheSecretIsSent() throws Exception {
        JoinToken real = token();
        JoinToken wrongCa = new JoinToken("0".repeat(64), real.id(), real.secret());
        assertThatThrownBy(
                        () ->
                                new AgentBootstrap(Clock.systemUTC())
                                        .join(
                                                URI.create(cluster.server().apiUrl()),
                                                wrongCa,
                                                "worker-1",
                                                cluster.dir().resolve("agent")))
                .isInstanceOf(JoinException.class)
                .hasMessageContaining("is not the one in the join token")
                .hasMessageContaining("the token was not sent");
        assertThat(cluster.dir().resolve("agent/kubeconfig.yaml")).doesNotExist();
    }

    @Test
    void wrongSecret_isUnauthorized() throws Exception {
        JoinToken real = token();
        JoinToken guessed = new JoinToken(real.caHash(), real.id(), "x".repeat(32));
        assertThatThrownBy(
                        () ->
                                new AgentBootstrap(Clock.systemUTC())
                                        .join(
                                                URI.create(cluster.server().apiUrl()),
                                                guessed,
                                                "worker-1",
                                                cluster.dir().resolve("agent")))
                .isInstanceOf(JoinException.class)
                .hasMessageContaining("refused the join token");
    }

    @Test
    void restart_reusesTheCaAndTheKubeconfig() throws Exception {
        Path data = cluster.dir().resolve("data");
        String ca = Files.readString(data.resolve("tls/ca.crt"));
        String kubeconfig = Files.readString(data.resolve("kubeconfig.yaml"));
        String token = Files.readString(data.resolve("token"));
        cluster.kubectlOk("get", "ns");
        cluster.restart();
        assertThat(Files.readString(data.resolve("tls/ca.crt"))).isEqualTo(ca);
        assertThat(Files.readString(data.resolve("kubeconfig.yaml"))).isEqualTo(kubeconfig);
        assertThat(Files.readString(data.resolve("token"))).isEqualTo(token);
        // The same kubectl, with the same kubeconfig file and discovery cache, keeps working.
        assertThat(cluster.kubectlOk("get", "ns")).contains("kube-system");
        assertThat(cluster.kubectlOk("get", "clusterrolebindings", "-o", "name"))
                .contains("cluster-admin");
    }
}
