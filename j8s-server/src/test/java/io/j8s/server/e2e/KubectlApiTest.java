package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The API surface as the real kubectl sees it (objects written through the API; no controllers
 * involved): what each command prints, column by column.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlApiTest {
    private static TestCluster cluster;
    private static Path seedDeploy;
    private static Path seedEp;

    @BeforeAll
    static void start() throws Exception {
        Kubectl.requireAvailable();
        cluster = TestCluster.start();
        seedDeploy = TestCluster.repoFile("examples/seed/nginx-deploy.yaml");
        seedEp = TestCluster.repoFile("examples/seed/ep.yaml");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Kubectl.Result kubectl(String... args) {
        return cluster.kubectl().run(args);
    }

    private static Path file(String name, String content) throws Exception {
        Path path = cluster.dir().resolve(name);
        Files.writeString(path, content, StandardCharsets.UTF_8);
        return path;
    }

    @Test
    @Order(1)
    void version_reportsKubernetes132() {
        assertThat(cluster.kubectlOk("version")).contains("Server Version: v1.32.4");
    }

    @Test
    @Order(2)
    void apiResources_listsTheServedKindsWithShortNames() {
        String out = cluster.kubectlOk("api-resources");
        assertThat(out.lines().findFirst().orElseThrow())
                .containsSubsequence("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND");
        assertThat(out)
                .containsPattern("endpoints\\s+ep\\s+v1\\s+true\\s+Endpoints")
                .containsPattern("services\\s+svc\\s+v1\\s+true\\s+Service")
                .containsPattern("pods\\s+po\\s+v1\\s+true\\s+Pod")
                .containsPattern("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment")
                .containsPattern("endpointslices\\s+discovery.k8s.io/v1\\s+true\\s+EndpointSlice")
                .containsPattern("namespaces\\s+ns\\s+v1\\s+false\\s+Namespace");
    }

    @Test
    @Order(3)
    void systemObjects_kubernetesServiceAndEndpointsNameTheApiServer() {
        String svc = cluster.kubectlOk("get", "svc", "kubernetes");
        assertThat(svc)
                .containsPattern(
                        "kubernetes\\s+ClusterIP\\s+127\\.96\\.0\\.1\\s+<none>\\s+443/TCP");
        int port = cluster.server().apiServer().address().getPort();
        assertThat(cluster.kubectlOk("get", "endpoints"))
                .containsPattern("NAME\\s+ENDPOINTS\\s+AGE")
                .containsPattern("kubernetes\\s+127\\.0\\.0\\.1:" + port + "\\s");
        assertThat(cluster.kubectlOk("get", "ns"))
                .contains("default", "kube-system", "kube-public", "kube-node-lease");
    }

    @Test
    @Order(10)
    void apply_seedManifest_createsThenUnchangedThenConfigured() throws Exception {
        assertThat(cluster.kubectlOk("apply", "-f", seedDeploy.toString()))
                .contains(
                        "service/nginx-svc-clusterip created",
                        "deployment.apps/deployment-nginx created");
        assertThat(cluster.kubectlOk("apply", "-f", seedDeploy.toString()))
                .contains(
                        "service/nginx-svc-clusterip unchanged",
                        "deployment.apps/deployment-nginx unchanged");
        String changed = Files.readString(seedDeploy).replace("replicas: 3", "replicas: 2");
        assertThat(cluster.kubectlOk("apply", "-f", file("changed.yaml", changed).toString()))
                .contains(
                        "service/nginx-svc-clusterip unchanged",
                        "deployment.apps/deployment-nginx configured");
        assertThat(
                        cluster.kubectlOk(
                                "get",
                                "deploy",
                                "deployment-nginx",
                                "-o",
                                "jsonpath={.spec.replicas}"))
                .isEqualTo("2");
        cluster.kubectlOk("apply", "-f", seedDeploy.toString());
    }

    @Test
    @Order(11)
    void getSvc_wide_printsTheRealColumns() {
        String out = cluster.kubectlOk("get", "svc", "-o", "wide");
        assertThat(out.lines().findFirst().orElseThrow())
                .containsSubsequence(
                        "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR");
        assertThat(out)
                .containsPattern(
                        "nginx-svc-clusterip\\s+ClusterIP\\s+127\\.96\\.\\d+\\.\\d+\\s+<none>\\s+80/TCP"
                                + "\\s+\\S+\\s+app=nginx");
    }

    @Test
    @Order(12)
    void describeSvc_printsTheSeedShape() {
        String out = cluster.kubectlOk("describe", "svc", "nginx-svc-clusterip");
        assertThat(out)
                .containsPattern("Name:\\s+nginx-svc-clusterip")
                .containsPattern("Namespace:\\s+default")
                .containsPattern("Selector:\\s+app=nginx")
                .containsPattern("Type:\\s+ClusterIP")
                .containsPattern("IP Family Policy:\\s+SingleStack")
                .containsPattern("IP Families:\\s+IPv4")
                .containsPattern("IP:\\s+127\\.96\\.")
                .containsPattern("Port:\\s+clusterip-nginx\\s+80/TCP")
                .containsPattern("TargetPort:\\s+80/TCP")
                .containsPattern("Session Affinity:\\s+None")
                .containsPattern("Events:\\s+<none>");
    }

    @Test
    @Order(13)
    void getDeploy_and_outputFormats() {
        assertThat(cluster.kubectlOk("get", "deploy", "-o", "wide"))
                .containsPattern(
                        "NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR")
                .containsPattern(
                        "deployment-nginx\\s+\\d/3\\s+\\d+\\s+\\d+\\s+\\S+\\s+container-nginx\\s+nginx:1\\.14\\.1"
                                + "\\s+app=nginx");
        assertThat(cluster.kubectlOk("get", "svc", "nginx-svc-clusterip", "-o", "yaml"))
                .contains(
                        "kind: Service",
                        "name: nginx-svc-clusterip",
                        "sessionAffinity: None",
                        "clusterIP: 127.96.");
        assertThat(cluster.kubectlOk("get", "svc", "-o", "json"))
                .contains("\"kind\": \"List\"", "\"name\": \"nginx-svc-clusterip\"");
        assertThat(cluster.kubectlOk("get", "svc,deploy", "-o", "name"))
                .contains(
                        "service/kubernetes",
                        "service/nginx-svc-clusterip",
                        "deployment.apps/deployment-nginx");
        assertThat(cluster.kubectlOk("get", "svc", "-A", "--show-labels"))
                .containsPattern("NAMESPACE\\s+NAME\\s+TYPE.*LABELS")
                .containsPattern(
                        "default\\s+kubernetes\\s+.*component=apiserver,provider=kubernetes");
        String sorted = cluster.kubectlOk("get", "svc", "--sort-by=.metadata.name", "-o", "name");
        assertThat(sorted.indexOf("service/kubernetes"))
                .isLessThan(sorted.indexOf("service/nginx-svc-clusterip"));
    }

    @Test
    @Order(14)
    void selectorlessServiceWithHandWrittenEndpoints() {
        assertThat(cluster.kubectlOk("apply", "-f", seedEp.toString()))
                .contains("endpoints/harbor-huangxin created", "service/harbor-huangxin created");
        assertThat(cluster.kubectlOk("get", "ep", "harbor-huangxin"))
                .containsPattern("NAME\\s+ENDPOINTS\\s+AGE")
                .containsPattern("harbor-huangxin\\s+127\\.0\\.0\\.250:80\\s");
        String describe = cluster.kubectlOk("describe", "ep", "harbor-huangxin");
        assertThat(describe)
                .containsPattern("Addresses:\\s+127\\.0\\.0\\.250")
                .containsPattern("<unset>\\s+80\\s+TCP");
    }

    @Test
    @Order(20)
    void create_twice_isAlreadyExists() {
        Kubectl.Result second = kubectl("create", "-f", seedEp.toString());
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.stderr())
                .contains(
                        "Error from server (AlreadyExists): error when creating \""
                                + seedEp
                                + "\": endpoints \"harbor-huangxin\" already exists")
                .contains("services \"harbor-huangxin\" already exists");
    }

    @Test
    @Order(21)
    void invalidManifest_printsThe422Causes() throws Exception {
        Path bad =
                file(
                        "bad-svc.yaml",
                        """
                apiVersion: v1
                kind: Service
                metadata:
                  name: bad-svc
                spec:
                  ports:
                  - port: 0
                  - port: 81
                """);
        Kubectl.Result result = kubectl("apply", "-f", bad.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr())
                .contains("The Service \"bad-svc\" is invalid:")
                .contains(
                        "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive")
                .contains("spec.ports[0].name: Required value")
                .contains("spec.ports[1].name: Required value");
        assertThat(kubectl("get", "svc", "bad-svc").exitCode()).isEqualTo(1);
    }

    @Test
    @Order(22)
    void missingObject_isNotFound() {
        Kubectl.Result result = kubectl("get", "ep", "nope");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr())
                .contains("Error from server (NotFound): endpoints \"nope\" not found");
        Kubectl.Result deploy = kubectl("get", "deploy", "nope");
        assertThat(deploy.stderr())
                .contains("Error from server (NotFound): deployments.apps \"nope\" not found");
    }

    @Test
    @Order(23)
    void createInMissingNamespace_isNotFound() throws Exception {
        Path cm =
                file(
                        "cm.yaml",
                        """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: c
                  namespace: nons
                data: {a: b}
                """);
        Kubectl.Result result = kubectl("create", "-f", cm.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).contains("namespaces \"nons\" not found");
    }

    @Test
    @Order(24)
    void unknownField_isRejectedStrictly() throws Exception {
        Path unknown =
                file(
                        "unknown.yaml",
                        """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: unknown-field
                data: {a: b}
                foo: bar
                """);
        Kubectl.Result strict = kubectl("create", "-f", unknown.toString());
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.stderr())
                .contains("Error from server (BadRequest)")
                .contains("unknown field \"foo\"");
        Kubectl.Result warn = kubectl("create", "--validate=warn", "-f", unknown.toString());
        assertThat(warn.exitCode()).isEqualTo(0);
        assertThat(warn.stderr()).contains("Warning: unknown field \"foo\"");
    }

    @Test
    @Order(30)
    void scale_updatesTheReplicas() {
        assertThat(cluster.kubectlOk("scale", "deploy", "deployment-nginx", "--replicas=4"))
                .contains("deployment.apps/deployment-nginx scaled");
        assertThat(
                        cluster.kubectlOk(
                                "get",
                                "deploy",
                                "deployment-nginx",
                                "-o",
                                "jsonpath={.spec.replicas}"))
                .isEqualTo("4");
    }

    @Test
    @Order(31)
    void getWatch_printsChangesAsTheyHappen() throws Exception {
        Path out = cluster.dir().resolve("watch.out");
        Process watch = cluster.kubectl().start(out, "get", "cm", "-w");
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(out) && Files.readString(out).contains("NAME"));
            cluster.kubectlOk("create", "configmap", "watched", "--from-literal=a=b");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Files.readString(out).contains("watched"));
            assertThat(Files.readString(out)).containsPattern("watched\\s+1\\s+\\S+");
        } finally {
            watch.destroy();
            watch.waitFor();
        }
    }

    @Test
    @Order(40)
    void describe_deployAndPod() throws Exception {
        assertThat(cluster.kubectlOk("describe", "deploy", "deployment-nginx"))
                .containsPattern("Name:\\s+deployment-nginx")
                .containsPattern("Selector:\\s+app=nginx")
                .containsPattern("Replicas:\\s+4 desired");
        Path pod =
                file(
                        "pod.yaml",
                        """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: lonely
                  labels: {app: lonely}
                spec:
                  containers:
                  - name: c
                    image: nginx:1.14.1
                """);
        cluster.kubectlOk("apply", "-f", pod.toString());
        assertThat(cluster.kubectlOk("get", "po", "-o", "wide"))
                .containsPattern(
                        "NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES")
                .containsPattern(
                        "lonely\\s+0/1\\s+Pending\\s+0\\s+\\S+\\s+<none>\\s+<none>\\s+<none>\\s+<none>");
        assertThat(cluster.kubectlOk("describe", "po", "lonely"))
                .containsPattern("Name:\\s+lonely")
                .containsPattern("Status:\\s+Pending")
                .containsPattern("Image:\\s+nginx:1\\.14\\.1");
    }

    @Test
    @Order(50)
    void delete_byNameAndByFile() {
        assertThat(cluster.kubectlOk("delete", "po", "lonely")).contains("pod \"lonely\" deleted");
        assertThat(cluster.kubectlOk("delete", "-f", seedEp.toString()))
                .contains(
                        "endpoints \"harbor-huangxin\" deleted",
                        "service \"harbor-huangxin\" deleted");
        Kubectl.Result again = kubectl("delete", "-f", seedEp.toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr())
                .contains(
                        "Error from server (NotFound): error when deleting \""
                                + seedEp
                                + "\": endpoints \"harbor-huangxin\" not found");
    }
}
