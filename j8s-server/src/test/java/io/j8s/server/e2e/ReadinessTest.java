package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code /readyz} means usable: once it answers 200, the controllers run and every in-process node
 * is Ready in the scheduler's eyes, so the first Deployment spreads over the nodes. The checks are
 * listed as Kubernetes lists them.
 */
class ReadinessTest {

    @Test
    void healthEndpoints_listTheirChecks_asKubernetes() throws Exception {
        try (TestCluster cluster = TestCluster.start()) {
            assertThat(cluster.server().awaitReady(Duration.ofSeconds(30))).isEmpty();
            HttpClient admin =
                    HttpClient.newBuilder().sslContext(cluster.adminSslContext()).build();
            HttpClient anonymous =
                    HttpClient.newBuilder().sslContext(trustingOnly(cluster)).build();
            String base = cluster.server().apiUrl();

            HttpResponse<String> plain = get(anonymous, base + "/readyz");
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(plain.body()).isEqualTo("ok");
            assertThat(plain.headers().firstValue("Content-Type"))
                    .contains("text/plain; charset=utf-8");

            HttpResponse<String> verbose = get(anonymous, base + "/readyz?verbose");
            assertThat(verbose.statusCode()).isEqualTo(200);
            assertThat(verbose.body())
                    .startsWith("[+]ping ok\n[+]etcd ok\n")
                    .contains(
                            "[+]poststarthook/rbac/bootstrap-roles ok\n",
                            "[+]controllers ok\n",
                            "[+]nodes ok\n")
                    .endsWith("[+]shutdown ok\nreadyz check passed\n");

            HttpResponse<String> excluded =
                    get(anonymous, base + "/readyz?verbose&exclude=etcd&exclude=nope");
            assertThat(excluded.body())
                    .contains(
                            "[+]etcd excluded: ok\n",
                            "warn: some health checks cannot be excluded: no matches for \"nope\"\n");

            HttpResponse<String> livez = get(anonymous, base + "/livez?verbose");
            assertThat(livez.body()).isEqualTo("[+]ping ok\n[+]etcd ok\nlivez check passed\n");
            assertThat(get(anonymous, base + "/healthz").body()).isEqualTo("ok");

            HttpResponse<String> one = get(admin, base + "/readyz/etcd");
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(one.body()).isEqualTo("ok");
            assertThat(get(admin, base + "/readyz/nope").statusCode()).isEqualTo(404);
            assertThat(get(anonymous, base + "/readyz/etcd").statusCode())
                    .as("single checks are not public, as in Kubernetes")
                    .isEqualTo(403);
            assertThat(cluster.kubectlOk("get", "--raw", "/readyz/shutdown").trim())
                    .isEqualTo("ok");

            cluster.server()
                    .apiServer()
                    .health()
                    .addReadyz("test-failing", () -> "a reason for the log only");
            HttpResponse<String> failing = get(anonymous, base + "/readyz");
            assertThat(failing.statusCode()).isEqualTo(500);
            assertThat(failing.body())
                    .contains("[+]ping ok\n", "[-]test-failing failed: reason withheld\n")
                    .doesNotContain("a reason")
                    .endsWith("readyz check failed\n");
            HttpResponse<String> oneFailing = get(admin, base + "/readyz/test-failing");
            assertThat(oneFailing.statusCode()).isEqualTo(500);
            assertThat(oneFailing.body())
                    .isEqualTo("internal server error: a reason for the log only\n");
            assertThat(get(anonymous, base + "/livez").statusCode()).isEqualTo(200);
        }
    }

    /**
     * The acceptance test of issue 12: a fresh server with two in-process nodes, polled on {@code
     * /readyz} as a start-up script would; the moment it answers 200, a 3-replica Deployment is
     * created, and its Pods must land on both nodes. Twenty fresh servers, twenty times.
     */
    @Test
    void rightAfterReadyz_aDeploymentSpreadsOverBothNodes_twentyTimesOutOfTwenty()
            throws Exception {
        int runs = 20;
        List<Long> readyMillis = new ArrayList<>();
        List<String> placements = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            long begin = System.nanoTime();
            try (TestCluster cluster =
                    TestCluster.start(
                            o ->
                                    o.withDataPlane(
                                                    DataPlaneOptions.defaults()
                                                            .withNodes(List.of("node01", "node02"))
                                                            .withProxy(false))
                                            .withControllers(ControllerOptions.defaults()))) {
                // plain HTTPS as the admin: a fabric8 client costs seconds to build on a loaded
                // machine
                HttpClient http =
                        HttpClient.newBuilder().sslContext(cluster.adminSslContext()).build();
                String base = cluster.server().apiUrl();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (get(http, base + "/readyz").statusCode() != 200) {
                    assertThat(System.nanoTime()).as("ready within 60 s").isLessThan(deadline);
                    Thread.sleep(5); // a script's polling loop
                }
                readyMillis.add((System.nanoTime() - begin) / 1_000_000);
                HttpResponse<String> created =
                        http.send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        base
                                                                + "/apis/apps/v1/namespaces/default/deployments"))
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(DEPLOYMENT))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                Map<String, String> nodeOfPod = awaitThreeBoundPods(http, base);
                Set<String> nodes = new TreeSet<>(nodeOfPod.values());
                placements.add(String.join(",", new java.util.TreeMap<>(nodeOfPod).values()));
                assertThat(nodes)
                        .as("run %d: the Pods' nodes %s", run + 1, nodeOfPod)
                        .containsExactly("node01", "node02");
            }
        }
        System.out.println(
                "readyz after start (ms): " + readyMillis + "; placements: " + placements);
    }

    /** Polls the Pods until three are bound: Pod name to node name. */
    private static Map<String, String> awaitThreeBoundPods(HttpClient http, String base)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JsonNode list =
                    Json.parseObject(
                            get(
                                            http,
                                            base
                                                    + "/api/v1/namespaces/default/pods?labelSelector=app%3Dspread")
                                    .body());
            Map<String, String> bound = new java.util.TreeMap<>();
            for (JsonNode pod : list.path("items")) {
                String node = pod.path("spec").path("nodeName").asString("");
                if (!node.isEmpty()) {
                    bound.put(pod.path("metadata").path("name").asString(), node);
                }
            }
            if (bound.size() >= 3) {
                return bound;
            }
            assertThat(System.nanoTime())
                    .as("3 Pods bound within 30 s, have %s", bound)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static final String DEPLOYMENT =
            """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "spread"},
             "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "spread"}},
              "template": {"metadata": {"labels": {"app": "spread"}},
               "spec": {"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 18080}]}]}}}}
            """;

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * TLS that verifies the server by the cluster CA and presents no client certificate
     * (anonymous).
     */
    private static SSLContext trustingOnly(TestCluster cluster) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", cluster.server().pki().ca().certificate());
        TrustManagerFactory factory =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
