package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.ClusterDnsOptions;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Inside a Pod it feels like Kubernetes (docs/walkthrough.md, "Inside a Pod"): the seed's nginx
 * Deployment and Service, and process Pods that reach the Service by its short name through the
 * cluster DNS and the API server with the in-cluster configuration (kubectl and fabric8, with the
 * token the node requested for the Pod). The Pods' output is read with {@code kubectl logs}.
 *
 * <p>The suite runs as root: each container has its own mount namespace with the Pod's {@code
 * /etc/resolv.conf} and the service account volume at {@code
 * /var/run/secrets/kubernetes.io/serviceaccount} (docs/architecture.md, "What a process Pod sees").
 * A container shares the host's other files, so each Pod here gets its own {@code HOME} (an
 * emptyDir), as a container image has its own: kubectl and fabric8 prefer {@code
 * $HOME/.kube/config} to the in-cluster configuration, and the host's must not stand in for it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InClusterTest {
    private static TestCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        cluster =
                TestCluster.start(
                        o ->
                                o.withDataPlane(
                                                DataPlaneOptions.none()
                                                        .withNodes(List.of("node01", "node02"))
                                                        .withProxy(true)
                                                        .withKubeletPort(0))
                                        .withControllers(ControllerOptions.defaults())
                                        .withClusterDns(ClusterDnsOptions.defaults()));
        client = cluster.client();
        cluster.kubectlOk(
                "apply", "-f", TestCluster.repoFile("examples/seed/nginx-deploy.yaml").toString());
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> {
                            Kubectl.Result r =
                                    cluster.kubectl()
                                            .run(
                                                    "get",
                                                    "endpoints",
                                                    "nginx-svc-clusterip",
                                                    "-o",
                                                    "jsonpath={.subsets[*].addresses[*].ip}");
                            return r.exitCode() == 0 && r.stdout().trim().split(" ").length == 3;
                        });
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void apply(String yaml) throws Exception {
        Path f = Files.createTempFile(cluster.dir(), "manifest-", ".yaml");
        Files.writeString(f, yaml);
        cluster.kubectlOk("apply", "-f", f.toString());
    }

    /** The logs of a Pod once its container has terminated (restartPolicy Never). */
    private static String logsWhenDone(String pod) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500))
                .until(
                        () -> {
                            Kubectl.Result r =
                                    cluster.kubectl()
                                            .run(
                                                    "get",
                                                    "pod",
                                                    pod,
                                                    "-o",
                                                    "jsonpath={.status.phase}");
                            return r.exitCode() == 0
                                    && (r.stdout().equals("Succeeded")
                                            || r.stdout().equals("Failed"));
                        });
        return cluster.kubectlOk("logs", pod);
    }

    /**
     * A Pod with one container running {@code script}, its own HOME and the given service account.
     */
    private static String pod(String name, String serviceAccount, String script) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  serviceAccountName: %s
                  restartPolicy: Never
                  containers:
                  - name: main
                    image: busybox
                    command: [/bin/sh, -c, '%s']
                    env:
                    - {name: HOME, value: /home/app}
                    volumeMounts:
                    - {name: home, mountPath: /home/app}
                  volumes:
                  - name: home
                    emptyDir: {}
                """
                .formatted(name, serviceAccount, script.replace("'", "''"));
    }

    @Test
    @Order(1)
    void curl_reachesTheSeedServiceByItsShortName() throws Exception {
        apply(pod("curler", "default", "curl -sS --max-time 10 http://nginx-svc-clusterip/"));
        String logs = logsWhenDone("curler");
        assertThat(logs)
                .matches(
                        "Hello from pod default/deployment-nginx-[a-z0-9]+-[a-z0-9]{5} "
                                + "\\(IP 127\\.244\\.\\d+\\.\\d+, node node0[12]\\)\n");
        assertThat(cluster.kubectlOk("get", "pod", "curler", "-o", "jsonpath={.status.phase}"))
                .isEqualTo("Succeeded");
    }

    @Test
    @Order(2)
    void kubectl_inAPod_listsEndpointsWithViewAndIsForbiddenWithout() throws Exception {
        // examples/incluster/kubectl-in-a-pod.yaml, the walk-through's: service accounts reader
        // (bound to
        // view) and nobody, a Pod for each running kubectl get endpoints and kubectl auth whoami
        assertThat(
                        cluster.kubectlOk(
                                "apply",
                                "-f",
                                TestCluster.repoFile("examples/incluster/kubectl-in-a-pod.yaml")
                                        .toString()))
                .isEqualTo(
                        "serviceaccount/reader created\n"
                                + "rolebinding.rbac.authorization.k8s.io/reader-view created\n"
                                + "serviceaccount/nobody created\npod/reader created\npod/nobody created\n");

        String reader = logsWhenDone("reader");
        String readerUid =
                client.pods()
                        .inNamespace("default")
                        .withName("reader")
                        .get()
                        .getMetadata()
                        .getUid();
        assertThat(reader)
                .containsPattern("NAME\\s+ENDPOINTS\\s+AGE\n")
                .containsPattern("\nkubernetes\\s+\\S+:\\d+\\s+")
                .containsPattern(
                        "\nnginx-svc-clusterip\\s+127\\.244\\.\\d+\\.\\d+:80,127\\.244\\.\\d+\\.\\d+:80,"
                                + "127\\.244\\.\\d+\\.\\d+:80\\s+")
                .contains("exit=0\n")
                .containsPattern("Username\\s+system:serviceaccount:default:reader\n")
                // the token is the one the node requested, bound to this Pod
                .containsPattern("authentication.kubernetes.io/pod-name\\s+\\[reader\\]\n")
                .containsPattern(
                        "authentication.kubernetes.io/pod-uid\\s+\\[" + readerUid + "\\]\n");

        String nobody = logsWhenDone("nobody");
        assertThat(nobody)
                .contains(
                        "Error from server (Forbidden): endpoints is forbidden: User "
                                + "\"system:serviceaccount:default:nobody\" cannot list resource \"endpoints\" in API group \"\" "
                                + "in the namespace \"default\"\n")
                .contains("exit=1\n")
                .containsPattern("Username\\s+system:serviceaccount:default:nobody\n");
    }

    @Test
    @Order(3)
    void fabric8_inAPod_usesTheInClusterConfiguration() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = System.getProperty("java.class.path");
        apply(
                pod(
                        "lister",
                        "reader",
                        "echo kubeconfig=${KUBECONFIG:-none}; "
                                + "exec "
                                + java
                                + " -Duser.home=$HOME -cp "
                                + classPath
                                + " "
                                + InClusterLister.class.getName()));
        String logs = logsWhenDone("lister");
        assertThat(logs)
                .startsWith("kubeconfig=none\n")
                .contains("master=https://127.96.0.1:443/ namespace=default\n")
                .containsPattern("\nendpoints kubernetes \\S+:\\d+\n")
                .containsPattern(
                        "\nendpoints nginx-svc-clusterip 127\\.244\\.\\d+\\.\\d+:80,127\\.244\\.\\d+\\.\\d+:80,"
                                + "127\\.244\\.\\d+\\.\\d+:80\n");
        assertThat(cluster.kubectlOk("get", "pod", "lister", "-o", "jsonpath={.status.phase}"))
                .isEqualTo("Succeeded");
    }
}
