package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code kubectl top} against the Metrics API: a process Pod burning CPU on a real node shows its
 * CPU and memory, the node its real figures and percentages, a simulated node {@code <unknown>}, a
 * builtin Pod no metrics; kubectl 1.33 and 1.32; a view-only user may read them, anonymous not.
 */
class MetricsApiTest {
    private static final String NODE = "top-node";
    private static final String SIMULATED = "sim-00001";
    private static final List<String> KUBECTLS =
            List.of(
                    "/usr/lib/google-cloud-sdk/bin/kubectl.1.33",
                    "/usr/lib/google-cloud-sdk/bin/kubectl.1.32");
    private static TestCluster cluster;
    private static Path tokenFile;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("j8s-metrics-tokens-");
        tokenFile = dir.resolve("tokens.csv");
        Files.writeString(tokenFile, "viewer-token,viewer,1001\nnobody-token,nobody,1002\n");
        // scraped every 5 s (--metric-resolution) instead of 15 s, so metrics come sooner
        cluster =
                TestCluster.start(
                        o ->
                                o.withTokenAuthFile(tokenFile)
                                        .withMetricResolution(Duration.ofSeconds(5))
                                        .withDataPlane(
                                                DataPlaneOptions.none()
                                                        .withNodes(List.of(NODE))
                                                        .withSimulatedNodes(1)
                                                        .withSimulatedPrefix("sim-"))
                                        .withControllers(
                                                ControllerOptions.none()
                                                        .withEnabled(
                                                                TestCluster.podControllersAnd(
                                                                        "nodeipam"))));
        cluster.kubectlOk(
                "create",
                "clusterrolebinding",
                "viewer-view",
                "--clusterrole=view",
                "--user=viewer");
        Path pods = cluster.dir().resolve("pods.yaml");
        Files.writeString(
                pods,
                """
                apiVersion: v1
                kind: Pod
                metadata: {name: burner, labels: {app: burner}}
                spec:
                  nodeName: top-node
                  containers:
                  - name: main
                    image: busybox
                    command: ["sh", "-c", "while :; do :; done"]
                  - name: idle
                    image: busybox
                    command: ["sleep", "3600"]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, labels: {app: web}}
                spec:
                  nodeName: top-node
                  containers:
                  - name: web
                    image: nginx
                """);
        cluster.kubectlOk("apply", "-f", pods.toString());
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                        () ->
                                cluster.kubectl()
                                        .run(
                                                "get",
                                                "pods",
                                                "-o",
                                                "jsonpath={.items[*].status.phase}")
                                        .stdout()
                                        .equals("Running Running"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        Files.deleteIfExists(tokenFile);
        Files.deleteIfExists(tokenFile.getParent());
    }

    /**
     * Waits until the burner has metrics (the nodes are scraped every 5 s, a Pod needs two points).
     */
    private static String awaitTopPod(Kubectl kubectl, String... args) {
        String[] result = new String[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(75))
                .pollInterval(Duration.ofSeconds(2))
                .until(
                        () -> {
                            Kubectl.Result r = kubectl.run(args);
                            result[0] = r.stdout();
                            return r.exitCode() == 0;
                        });
        return result[0];
    }

    private static long millicores(String cell) {
        if (cell.endsWith("m")) {
            return Long.parseLong(cell.substring(0, cell.length() - 1));
        }
        return Long.parseLong(cell) * 1000;
    }

    private static long mebibytes(String cell) {
        assertThat(cell).endsWith("Mi");
        return Long.parseLong(cell.substring(0, cell.length() - 2));
    }

    @Test
    void topPod_showsTheBurnersCpuAndMemory() {
        for (String binary : KUBECTLS) {
            Kubectl kubectl = cluster.kubectl().withBinary(binary);
            String out = awaitTopPod(kubectl, "top", "pod", "burner");
            assertThat(out)
                    .as(binary)
                    .startsWith("NAME")
                    .contains("CPU(cores)")
                    .contains("MEMORY(bytes)");
            Matcher row = Pattern.compile("(?m)^burner\\s+(\\S+)\\s+(\\S+)\\s*$").matcher(out);
            assertThat(row.find()).as(out).isTrue();
            // one shell spinning: its share of a core (on a loaded 2-core test machine, ~100m)
            assertThat(millicores(row.group(1))).as(out).isGreaterThanOrEqualTo(20);
            assertThat(mebibytes(row.group(2))).as(out).isGreaterThan(0);

            String containers = kubectl.run("top", "pod", "burner", "--containers").ok();
            assertThat(containers).as(binary).contains("POD").contains("NAME");
            Matcher main =
                    Pattern.compile("(?m)^burner\\s+main\\s+(\\S+)\\s+(\\S+)\\s*$")
                            .matcher(containers);
            Matcher idle =
                    Pattern.compile("(?m)^burner\\s+idle\\s+(\\S+)\\s+(\\S+)\\s*$")
                            .matcher(containers);
            assertThat(main.find()).as(containers).isTrue();
            assertThat(idle.find()).as(containers).isTrue();
            assertThat(millicores(main.group(1)))
                    .as(containers)
                    .isGreaterThanOrEqualTo(20)
                    .isGreaterThan(millicores(idle.group(1)));
            assertThat(millicores(idle.group(1))).as(containers).isLessThan(10);

            // the list: the burner, not the builtin Pod (it runs inside j8s: no figures of its own)
            String all = kubectl.run("top", "pod", "-l", "app in (burner,web)").ok();
            assertThat(all).contains("burner").doesNotContain("web");
            assertThat(kubectl.run("top", "pod", "-A", "--sum").ok())
                    .containsPattern("(?m)^NAMESPACE\\s+NAME\\s+CPU\\(cores\\)")
                    .containsPattern("(?m)^default\\s+burner\\s+\\d+m?\\s+\\d+Mi");
            Kubectl.Result web = kubectl.run("top", "pod", "web");
            assertThat(web.exitCode()).isNotZero();
            // as with metrics-server: the Pod exists, its metrics do not
            assertThat(web.stderr())
                    .contains(
                            "Error from server (NotFound): podmetrics.metrics.k8s.io \"default/web\" not found");
            Kubectl.Result missing = kubectl.run("top", "pod", "nope");
            assertThat(missing.exitCode()).isNotZero();
            assertThat(missing.stderr()).contains("pods \"nope\" not found");
        }
    }

    @Test
    void topNode_showsTheRealNodeAndUnknownForASimulatedOne() {
        for (String binary : KUBECTLS) {
            Kubectl kubectl = cluster.kubectl().withBinary(binary);
            String[] out = new String[1];
            Awaitility.await()
                    .atMost(Duration.ofSeconds(75))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(
                            () -> {
                                out[0] = kubectl.run("top", "node").stdout();
                                return out[0].contains(NODE + " ")
                                        && !out[0].matches("(?s).*" + NODE + "\\s+<unknown>.*");
                            });
            assertThat(out[0]).as(binary).contains("CPU(%)").contains("MEMORY(%)");
            Matcher row =
                    Pattern.compile(
                                    "(?m)^"
                                            + NODE
                                            + "\\s+(\\S+)\\s+(\\d+)%\\s+(\\S+)\\s+(\\d+)%\\s*$")
                            .matcher(out[0]);
            assertThat(row.find()).as(out[0]).isTrue();
            assertThat(millicores(row.group(1))).as(out[0]).isGreaterThan(100);
            assertThat(mebibytes(row.group(3))).as(out[0]).isGreaterThan(10);
            long memoryPercent = Long.parseLong(row.group(4));
            assertThat(memoryPercent).isBetween(1L, 100L);
            assertThat(out[0]).containsPattern("(?m)^" + SIMULATED + "\\s+<unknown>\\s+<unknown>");
        }
    }

    @Test
    void rawObjects_haveMetricsServersShape() {
        awaitTopPod(cluster.kubectl(), "top", "pod", "burner");
        JsonNode node =
                Json.parse(
                        cluster.kubectlOk(
                                        "get",
                                        "--raw",
                                        "/apis/metrics.k8s.io/v1beta1/nodes/" + NODE)
                                .getBytes());
        assertThat(node.path("kind").asString()).isEqualTo("NodeMetrics");
        assertThat(node.path("apiVersion").asString()).isEqualTo("metrics.k8s.io/v1beta1");
        assertThat(node.path("metadata").path("name").asString()).isEqualTo(NODE);
        assertThat(
                        node.path("metadata")
                                .path("labels")
                                .path("kubernetes.io/hostname")
                                .isMissingNode())
                .isFalse();
        assertThat(node.path("timestamp").asString())
                .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(node.path("window").asString()).matches("\\d+(\\.\\d+)?s");
        assertThat(node.path("usage").path("cpu").asString()).matches("\\d+[num]?");
        assertThat(node.path("usage").path("memory").asString()).matches("\\d+(Ki|Mi|Gi)?");

        JsonNode pod =
                Json.parse(
                        cluster.kubectlOk(
                                        "get",
                                        "--raw",
                                        "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/burner")
                                .getBytes());
        assertThat(pod.path("kind").asString()).isEqualTo("PodMetrics");
        assertThat(pod.path("metadata").path("namespace").asString()).isEqualTo("default");
        assertThat(pod.path("metadata").path("labels").path("app").asString()).isEqualTo("burner");
        assertThat(pod.path("containers")).hasSize(2);
        assertThat(pod.path("containers").get(0).path("name").asString()).isEqualTo("idle");
        assertThat(pod.path("containers").get(1).path("usage").path("cpu").asString())
                .matches("\\d+[num]?");

        JsonNode list =
                Json.parse(
                        cluster.kubectlOk(
                                        "get",
                                        "--raw",
                                        "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dburner")
                                .getBytes());
        assertThat(list.path("kind").asString()).isEqualTo("PodMetricsList");
        assertThat(list.path("items")).hasSize(1);
        JsonNode byName =
                Json.parse(
                        cluster.kubectlOk(
                                        "get",
                                        "--raw",
                                        "/apis/metrics.k8s.io/v1beta1/nodes?fieldSelector=metadata.name%3D"
                                                + NODE)
                                .getBytes());
        assertThat(byName.path("kind").asString()).isEqualTo("NodeMetricsList");
        assertThat(byName.path("items")).hasSize(1);
        JsonNode none =
                Json.parse(
                        cluster.kubectlOk(
                                        "get",
                                        "--raw",
                                        "/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=app%3Dnone")
                                .getBytes());
        assertThat(none.path("items")).isEmpty();

        Kubectl.Result web =
                cluster.kubectl()
                        .run(
                                "get",
                                "--raw",
                                "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web");
        assertThat(web.stderr())
                .contains("podmetrics.metrics.k8s.io \"default/web\" not found")
                .contains("NotFound");
        Kubectl.Result sim =
                cluster.kubectl()
                        .run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes/" + SIMULATED);
        assertThat(sim.stderr())
                .contains("nodemetrics.metrics.k8s.io \"" + SIMULATED + "\" not found");
        Kubectl.Result badSelector =
                cluster.kubectl()
                        .run(
                                "get",
                                "--raw",
                                "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=a%20in");
        assertThat(badSelector.exitCode()).isNotZero();
        assertThat(badSelector.stderr()).contains("BadRequest");

        // nodes are cluster-scoped, pods namespaced
        assertThat(
                        cluster.kubectl()
                                .run(
                                        "get",
                                        "--raw",
                                        "/apis/metrics.k8s.io/v1beta1/namespaces/default/nodes")
                                .stderr())
                .contains("NotFound");
        assertThat(
                        cluster.kubectl()
                                .run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/pods/burner")
                                .stderr())
                .contains("NotFound");

        // read-only: no watch, no writes
        Kubectl.Result watch =
                cluster.kubectl().run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes?watch=1");
        assertThat(watch.stderr()).contains("MethodNotAllowed");
        Kubectl.Result delete =
                cluster.kubectl()
                        .run("delete", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes/" + NODE);
        assertThat(delete.stderr()).contains("MethodNotAllowed");

        // kubectl get: metrics-server's Table columns
        assertThat(cluster.kubectlOk("get", "podmetrics", "burner"))
                .containsPattern("NAME\\s+CPU\\s+MEMORY\\s+WINDOW")
                .containsPattern("burner\\s+\\d+[num]?\\s+\\d+(Ki|Mi)\\s+\\d+(\\.\\d+)?s");
        assertThat(cluster.kubectlOk("get", "nodemetrics"))
                .containsPattern(NODE + "\\s+\\d+[num]?\\s+\\d+");

        // discovery, legacy and aggregated
        assertThat(cluster.kubectlOk("get", "--raw", "/apis/metrics.k8s.io/v1beta1"))
                .contains("\"name\":\"nodes\"")
                .contains("\"kind\":\"PodMetrics\"")
                .contains("\"verbs\":[\"get\",\"list\"]");
        assertThat(cluster.kubectlOk("api-resources", "--api-group=metrics.k8s.io", "-o", "wide"))
                .containsPattern(
                        "nodes\\s+metrics.k8s.io/v1beta1\\s+false\\s+NodeMetrics\\s+get,list")
                .containsPattern(
                        "pods\\s+metrics.k8s.io/v1beta1\\s+true\\s+PodMetrics\\s+get,list");
    }

    @Test
    void aViewer_readsMetrics_anonymousIsRefused() throws Exception {
        awaitTopPod(cluster.kubectl(), "top", "pod", "burner");
        Kubectl viewer =
                cluster.kubectlWithToken("viewer", "viewer-token")
                        .withBinary("/usr/lib/google-cloud-sdk/bin/kubectl.1.33");
        assertThat(viewer.run("top", "pod", "burner").ok()).contains("burner");
        // (kubectl top node also reads the Nodes, which view does not grant, as in Kubernetes)
        assertThat(viewer.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/nodes").ok())
                .contains(NODE);
        assertThat(cluster.kubectlOk("auth", "can-i", "list", "pods.metrics.k8s.io", "--as=viewer"))
                .contains("yes");
        assertThat(cluster.kubectlOk("get", "clusterrole", "view", "-o", "yaml"))
                .contains("metrics.k8s.io");

        Kubectl.Result nobody =
                cluster.kubectlWithToken("nobody", "nobody-token").run("top", "pod", "burner");
        assertThat(nobody.exitCode()).isNotZero();
        assertThat(nobody.stderr()).contains("forbidden");

        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        @Override
                        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                        @Override
                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                null);
        HttpClient anonymous = HttpClient.newBuilder().sslContext(trustAll).build();
        HttpResponse<String> r =
                anonymous.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                cluster.server().apiUrl()
                                                        + "/apis/metrics.k8s.io/v1beta1/nodes"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"reason\":\"Unauthorized\"");
    }
}
