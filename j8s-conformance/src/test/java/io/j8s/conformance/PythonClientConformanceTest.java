package io.j8s.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.testing.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The official Kubernetes Python client (Debian's python3-kubernetes for {@code /usr/bin/python3},
 * installed by {@code .ci/run}) against a real j8s server: each test runs one scenario of {@code
 * src/test/python/conformance_client.py} and checks what it printed (docs/compatibility.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PythonClientConformanceTest {
    static final String PYTHON = "/usr/bin/python3";
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        Process probe =
                new ProcessBuilder(PYTHON, "-c", "import kubernetes; print(kubernetes.__version__)")
                        .redirectErrorStream(true)
                        .start();
        String version =
                new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(probe.waitFor())
                .as(
                        "%s cannot import kubernetes (.ci/run installs python3-kubernetes): %s",
                        PYTHON, version)
                .isZero();
        cluster = ConformanceCluster.start("python", "127.232.0.0/16");
        try (KubernetesClient admin = cluster.client()) {
            admin.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName("python")
                                    .endMetadata()
                                    .build())
                    .create();
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Runs one scenario and returns its stdout, failing with both streams unless it printed PASS.
     */
    private static String scenario(String name, String... args)
            throws IOException, InterruptedException {
        Path script = TestCluster.repoFile("j8s-conformance/src/test/python/conformance_client.py");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                PYTHON,
                                script.toString(),
                                cluster.server().kubeconfig().toString(),
                                "python",
                                name));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(cluster.dir(), "python", ".out");
        Path err = Files.createTempFile(cluster.dir(), "python", ".err");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
        builder.environment().remove("KUBECONFIG");
        Process process = builder.start();
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    "python scenario "
                            + name
                            + " did not finish within 150 s\nstdout:\n"
                            + Files.readString(out)
                            + "\nstderr:\n"
                            + Files.readString(err));
        }
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        if (process.exitValue() != 0 || !stdout.endsWith("PASS " + name + "\n")) {
            throw new AssertionError(
                    "python scenario "
                            + name
                            + " exited with "
                            + process.exitValue()
                            + "\nstdout:\n"
                            + stdout
                            + "\nstderr:\n"
                            + stderr);
        }
        return stdout;
    }

    @Test
    @Order(1)
    void crud_ofEveryKindTheClientModels() throws Exception {
        String out = scenario("crud");
        for (String kind :
                List.of(
                        "Namespace",
                        "ConfigMap",
                        "Secret",
                        "Service",
                        "Endpoints",
                        "EndpointSlice",
                        "Pod",
                        "Deployment",
                        "ReplicaSet",
                        "ServiceAccount",
                        "Role",
                        "RoleBinding",
                        "ClusterRole",
                        "ClusterRoleBinding",
                        "Lease",
                        "Event",
                        "Node")) {
            assertThat(out)
                    .contains("ok " + kind + " create sets uid and resourceVersion\n")
                    .contains("ok " + kind + " replace\n")
                    .contains("ok " + kind + " delete, then read is 404\n");
        }
    }

    @Test
    @Order(2)
    void list_thenWatchFromTheListsResourceVersion() throws Exception {
        assertThat(scenario("watch"))
                .contains(
                        "ok watch from the list's resourceVersion sends only the later changes:"
                                + " ['ADDED after', 'MODIFIED after', 'DELETED after']\n");
    }

    @Test
    @Order(3)
    void staleReplace_is409Conflict() throws Exception {
        assertThat(scenario("conflict"))
                .contains("ok stale replace is 409\n")
                .contains("ok the object kept the winner's change\n");
    }

    @Test
    @Order(4)
    void patches_json_strategicMerge_merge() throws Exception {
        assertThat(scenario("patches"))
                .contains("ok json patch\n")
                .contains("ok strategic merge patch merges containers by name\n")
                .contains("ok merge patch (dynamic client)\n");
    }

    @Test
    @Order(5)
    void serverSideApply_createsTheObject_andTheSameApplyWritesNothing() throws Exception {
        // docs/server-side-apply.md
        assertThat(scenario("apply"))
                .contains("ok server-side apply created the ConfigMap\n")
                .contains("ok its field manager applied it\n")
                .contains("ok the same apply again wrote nothing\n")
                .contains("ok the applied data is stored\n");
    }

    @Test
    @Order(6)
    void deployment_reachesAvailable_endpointsAndSlicesFollowAScale() throws Exception {
        String out = scenario("deployment", "127.232.");
        for (int replicas : new int[] {2, 3, 1}) {
            assertThat(out)
                    .contains("ok Deployment Available with " + replicas + " replicas\n")
                    .contains(
                            "ok Endpoints and EndpointSlices list the "
                                    + replicas
                                    + " Ready Pods\n");
        }
    }

    @Test
    @Order(7)
    void watchFromACompactedRevision_is410Gone_thenRelistAndWatch() throws Exception {
        String old;
        try (KubernetesClient admin = cluster.client()) {
            old =
                    admin.configMaps()
                            .inNamespace("python")
                            .resource(
                                    new ConfigMapBuilder()
                                            .withNewMetadata()
                                            .withName("old")
                                            .endMetadata()
                                            .build())
                            .create()
                            .getMetadata()
                            .getResourceVersion();
            admin.configMaps().inNamespace("python").withName("old").delete();
        }
        ConformanceCluster.compactAndRestart(cluster);
        assertThat(scenario("gone", old))
                .contains(
                        "ok watch from a compacted revision is 410 (Expired: too old"
                                + " resource version: "
                                + old)
                .contains("ok after a relist the watch resumes: ADDED after-410\n");
    }

    @Test
    @Order(20)
    void exec_throughTheStreamModule() throws Exception {
        assertThat(scenario("exec"))
                .contains("ok exec returns the output: 'from-python\\n'\n")
                .contains("ok exec reports the exit code: 6\n")
                .contains("ok stdin reaches the command");
    }
}
