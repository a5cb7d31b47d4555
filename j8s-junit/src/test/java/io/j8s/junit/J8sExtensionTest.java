package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The extension as a user writes it: a control plane for the class, injected every way the docs
 * show.
 */
@J8sTest(nodes = {})
class J8sExtensionTest {
    @J8s static J8sCluster cluster;
    @J8s J8sCluster instanceCluster;
    @Kubeconfig static String kubeconfigYaml;
    static String fromBeforeAll;

    @BeforeAll
    static void before(J8sCluster c, @Kubeconfig Path kubeconfig) {
        assertThat(c).isSameAs(cluster);
        fromBeforeAll = kubeconfig.toString();
    }

    @Test
    void fieldsAndParameters_holdTheClassCluster(
            J8sCluster c, @Kubeconfig String yaml, @Kubeconfig Path path) throws Exception {
        assertThat(c).isSameAs(cluster).isSameAs(instanceCluster);
        assertThat(yaml)
                .isEqualTo(cluster.kubeconfigYaml())
                .isEqualTo(kubeconfigYaml)
                .contains("server: " + cluster.apiServerUrl());
        assertThat(path).isEqualTo(cluster.kubeconfigPath()).hasToString(fromBeforeAll);
        assertThat(Files.readString(path)).isEqualTo(yaml);
    }

    @Test
    void aFabric8Client_talksToTheCluster(KubernetesClient client) {
        assertThat(client.getMasterUrl().toString()).startsWith(cluster.apiServerUrl());
        assertThat(client.namespaces().list().getItems())
                .extracting(n -> n.getMetadata().getName())
                .contains("default", "kube-system");
        assertThat(
                        cluster.applyYaml(
                                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: seen\ndata:\n  a: b\n"))
                .containsExactly("configmap/seen created");
        assertThat(client.configMaps().inNamespace("default").withName("seen").get().getData())
                .containsEntry("a", "b");
    }

    @Test
    void kubectl_usesTheClustersKubeconfig() {
        assertThat(cluster.kubectl("get", "namespace", "default", "-o", "name").ok())
                .isEqualTo("namespace/default\n");
        KubectlResult missing = cluster.kubectl("get", "namespace", "nope");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("namespaces \"nope\" not found");
    }

    @Nested
    class Inner {
        @Test
        void aNestedClass_getsTheOuterCluster(J8sCluster c) {
            assertThat(c).isSameAs(cluster);
        }
    }
}
