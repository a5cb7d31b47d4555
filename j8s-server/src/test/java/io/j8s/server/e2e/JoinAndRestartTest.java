package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.j8s.apiserver.auth.authn.JoinToken;
import io.j8s.server.join.AgentBootstrap;
import io.j8s.server.join.JoinException;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Joining a node agent with the cluster's join token, and a server restart keeping every credential. */
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
        AgentBootstrap.Joined joined = new AgentBootstrap(Clock.systemUTC())
                .join(URI.create(cluster.server().apiUrl()), token(), "worker-1", agentDir);
        assertThat(joined.reused()).isFalse();
        assertThat(joined.certificate().getSubjectX500Principal().getName())
                .contains("CN=system:node:worker-1").contains("O=system:nodes");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(joined.kubeconfig())))
                .isEqualTo("rw-------");

        Kubectl node = cluster.kubectlWith("worker-1", Files.readString(joined.kubeconfig()));
        assertThat(node.run("auth", "whoami").ok()).contains("system:node:worker-1").contains("system:nodes");
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(joined.kubeconfig()))).build()) {
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName("worker-1").endMetadata().build())
                    .create();
            assertThatThrownBy(() -> client.nodes().resource(new NodeBuilder().withNewMetadata().withName("worker-2")
                    .endMetadata().build()).create()).hasMessageContaining("not allowed to modify node \"worker-2\"");
        }
        // Joining again finds the kubeconfig and keeps it.
        assertThat(new AgentBootstrap(Clock.systemUTC()).join(URI.create(cluster.server().apiUrl()), token(),
                "worker-1", agentDir).reused()).isTrue();
    }

    @Test
    void tokenWithAnotherCaHash_isRefusedBeforeTheSecretIsSent() throws Exception {
        JoinToken real = token();
        JoinToken wrongCa = new JoinToken("0".repeat(64), real.id(), real.secret());
        assertThatThrownBy(() -> new AgentBootstrap(Clock.systemUTC()).join(URI.create(cluster.server().apiUrl()),
                wrongCa, "worker-1", cluster.dir().resolve("agent")))
                .isInstanceOf(JoinException.class)
                .hasMessageContaining("is not the one in the join token").hasMessageContaining("the token was not sent");
        assertThat(cluster.dir().resolve("agent/kubeconfig.yaml")).doesNotExist();
    }

    @Test
    void wrongSecret_isUnauthorized() throws Exception {
        JoinToken real = token();
        JoinToken guessed = new JoinToken(real.caHash(), real.id(), "x".repeat(32));
        assertThatThrownBy(() -> new AgentBootstrap(Clock.systemUTC()).join(URI.create(cluster.server().apiUrl()),
                guessed, "worker-1", cluster.dir().resolve("agent")))
                .isInstanceOf(JoinException.class).hasMessageContaining("refused the join token");
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
        assertThat(cluster.kubectlOk("get", "clusterrolebindings", "-o", "name")).contains("cluster-admin");
    }
}
