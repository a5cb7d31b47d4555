package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controllers with the in-process node agents instead of a test double: two simulated nodes
 * register themselves, get their pod CIDRs from node IPAM, run what the scheduler binds to them and
 * report it Ready, and the seed's Service gets its endpoints. The agents take their Pods from one
 * watch they share (docs/architecture.md, "Node agents"): each still runs only the Pods bound to
 * it.
 */
class DataPlaneControllersTest {
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        Kubectl.requireAvailable();
        cluster =
                TestCluster.start(
                        o ->
                                o.withDataPlane(DataPlaneOptions.none().withSimulatedNodes(2))
                                        .withControllers(ControllerOptions.defaults()));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String awaitKubectl(java.util.function.Predicate<String> check, String... args) {
        String[] last = {""};
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> {
                            Kubectl.Result r = cluster.kubectl().run(args);
                            last[0] = r.stdout();
                            return r.exitCode() == 0 && check.test(r.stdout());
                        });
        return last[0];
    }

    @Test
    void seed_runsOnTheNodeAgents_andTheServiceGetsItsEndpoints() {
        // the agents register their Nodes as they start; the scheduler places Pods on the Nodes it
        // knows
        String nodes =
                awaitKubectl(
                        out ->
                                out.contains("sim-00001")
                                        && out.contains("sim-00002")
                                        && out.lines().filter(l -> l.contains(" Ready ")).count()
                                                == 2,
                        "get",
                        "nodes");
        assertThat(nodes).containsPattern("sim-00001\\s+Ready");
        assertThat(
                        awaitKubectl(
                                out -> out.split(" ").length == 2,
                                "get",
                                "nodes",
                                "-o",
                                "jsonpath={.items[*].spec.podCIDR}"))
                .isEqualTo("127.244.1.0/24 127.244.2.0/24");
        Path seed = TestCluster.repoFile("examples/seed/nginx-deploy.yaml");
        cluster.kubectlOk("apply", "-f", seed.toString());
        String pods =
                awaitKubectl(
                        out ->
                                out.lines()
                                                .filter(
                                                        l ->
                                                                l.contains("1/1")
                                                                        && l.contains("Running"))
                                                .count()
                                        == 3,
                        "get",
                        "po",
                        "-o",
                        "wide");
        assertThat(pods).contains("sim-00001").contains("sim-00002");
        String ep =
                awaitKubectl(
                        out -> out.matches("(?s).*(127\\.244\\.\\d+\\.\\d+:80,?){3}\\s.*"),
                        "get",
                        "ep",
                        "nginx-svc-clusterip");
        assertThat(ep).containsPattern("nginx-svc-clusterip\\s+127\\.244\\.");

        // the agents finish graceful deletions themselves
        List<String> names =
                List.of(cluster.kubectlOk("get", "po", "-o", "name").trim().split("\n"));
        String[] delete = new String[names.size() + 1];
        delete[0] = "delete";
        for (int i = 0; i < names.size(); i++) {
            delete[i + 1] = names.get(i);
        }
        cluster.kubectlOk(delete);
        awaitKubectl(
                out ->
                        out.lines().filter(l -> l.contains("1/1") && l.contains("Running")).count()
                                        == 3
                                && names.stream()
                                        .noneMatch(n -> out.contains(n.substring("pod/".length()))),
                "get",
                "po");
        awaitKubectl(
                out -> out.matches("(?s).*Endpoints:\\s+(127\\.244\\.\\d+\\.\\d+:80,?){3}\n.*"),
                "describe",
                "svc",
                "nginx-svc-clusterip");
    }

    @Test
    void eachNodeRunsOnlyItsOwnPods_fromTheOneWatchTheAgentsShare() {
        cluster.kubectlOk("create", "namespace", "shared-watch");
        String pods =
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: on-one, namespace: shared-watch}
                spec:
                  nodeName: sim-00001
                  containers: [{name: c, image: nginx}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: on-two, namespace: shared-watch}
                spec:
                  nodeName: sim-00002
                  containers: [{name: c, image: nginx}]
                """;
        cluster.kubectl()
                .runWithInput(
                        pods.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.util.Map.of(),
                        "apply",
                        "-f",
                        "-")
                .ok();
        String placed =
                awaitKubectl(
                        out -> out.lines().filter(l -> l.endsWith(" Running")).count() == 2,
                        "get",
                        "po",
                        "-n",
                        "shared-watch",
                        "-o",
                        "jsonpath={range .items[*]}{.metadata.name} {.spec.nodeName} {.status.podIP}"
                                + " {.status.phase}{\"\\n\"}{end}");
        // each Pod got its IP from its own node's /24: the agent of that node ran it
        assertThat(placed)
                .containsPattern("on-one sim-00001 127\\.244\\.1\\.\\d+ Running")
                .containsPattern("on-two sim-00002 127\\.244\\.2\\.\\d+ Running");

        // the deletion of one is finished by its node's agent; the other Pod stays
        cluster.kubectlOk("delete", "pod", "on-one", "-n", "shared-watch", "--wait=true");
        assertThat(cluster.kubectlOk("get", "po", "-n", "shared-watch", "-o", "name").trim())
                .isEqualTo("pod/on-two");

        // the shared watch reads as system:j8s:node-agents, which may read Pods and nothing else
        String who = "--as=system:j8s:node-agents";
        assertThat(cluster.kubectl().run("auth", "can-i", "watch", "pods", "-A", who).stdout())
                .isEqualTo("yes\n");
        assertThat(cluster.kubectl().run("auth", "can-i", "list", "pods", "-A", who).stdout())
                .isEqualTo("yes\n");
        assertThat(cluster.kubectl().run("auth", "can-i", "update", "pods/status", who).stdout())
                .isEqualTo("no\n");
        assertThat(cluster.kubectl().run("auth", "can-i", "get", "secrets", who).stdout())
                .isEqualTo("no\n");
        cluster.kubectlOk("delete", "namespace", "shared-watch", "--wait=false");
    }
}
