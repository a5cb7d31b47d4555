package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.Clients;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed walk-through (docs/walkthrough.md), step by step, as a user runs it: two nodes, the
 * seed's manifests, the real kubectl, real sockets.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedWalkthroughTest {
    private static final Logger log = LoggerFactory.getLogger(SeedWalkthroughTest.class);
    private static final Pattern POD_ROW =
            Pattern.compile(
                    "(deployment-nginx-[a-z0-9]+-[a-z0-9]{5})\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+(127\\.244\\.\\d+\\.\\d+)\\s+"
                            + "(node0[12])\\s+<none>\\s+<none>");

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static Set<String> firstIps;
    private static HttpServer harbor;

    @BeforeAll
    static void start() throws Exception {
        Kubectl.requireAvailable();
        NodesAndProxyTest.requirePort80();
        cluster =
                TestCluster.start(
                        o ->
                                o.withDataPlane(
                                                DataPlaneOptions.none()
                                                        .withNodes(List.of("node01", "node02"))
                                                        .withProxy(true)
                                                        .withKubeletPort(0))
                                        .withControllers(ControllerOptions.defaults()));
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        if (harbor != null) {
            harbor.stop(0);
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String awaitKubectl(java.util.function.Predicate<String> check, String... args) {
        String[] last = {""};
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> {
                            Kubectl.Result r = cluster.kubectl().run(args);
                            last[0] = r.stdout();
                            return r.exitCode() == 0 && check.test(r.stdout());
                        });
        return last[0];
    }

    /** Pod name to IP from {@code kubectl get po -o wide}, once all three are Running. */
    private static List<String[]> runningPods(String wide) {
        List<String[]> rows = new ArrayList<>();
        Matcher m = POD_ROW.matcher(wide);
        while (m.find()) {
            rows.add(new String[] {m.group(1), m.group(2), m.group(3)});
        }
        return rows;
    }

    private static Set<String> endpointIps(String line) {
        Set<String> ips = new HashSet<>();
        Matcher m = Pattern.compile("(127\\.244\\.\\d+\\.\\d+):80").matcher(line);
        while (m.find()) {
            ips.add(m.group(1));
        }
        return ips;
    }

    private static String line(String output, String start) {
        return output.lines().filter(l -> l.startsWith(start)).findFirst().orElse("");
    }

    @Test
    @Order(0)
    void step0_theTwoNodesAreReady() {
        String nodes =
                awaitKubectl(
                        out ->
                                out.lines()
                                                .filter(l -> l.matches("node0[12]\\s+Ready\\s+.*"))
                                                .count()
                                        == 2,
                        "get",
                        "nodes");
        assertThat(nodes.lines().findFirst().orElseThrow())
                .matches("NAME\\s+STATUS\\s+ROLES\\s+AGE\\s+VERSION");
    }

    @Test
    @Order(1)
    void step1_applyTheSeedManifest_threePodsRunOnBothNodes() {
        assertThat(
                        cluster.kubectlOk(
                                "apply",
                                "-f",
                                TestCluster.repoFile("examples/seed/nginx-deploy.yaml").toString()))
                .isEqualTo(
                        "service/nginx-svc-clusterip created\ndeployment.apps/deployment-nginx created\n");
        String wide = awaitKubectl(out -> runningPods(out).size() == 3, "get", "po", "-o", "wide");
        assertThat(wide.lines().findFirst().orElseThrow())
                .matches(
                        "NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES");
        List<String[]> pods = runningPods(wide);
        assertThat(pods).extracting(p -> p[2]).contains("node01", "node02");
        firstIps = new HashSet<>();
        pods.forEach(p -> firstIps.add(p[1]));
        assertThat(firstIps).hasSize(3);
    }

    @Test
    @Order(2)
    void step2_describeSvcAndGetEndpoints_listTheThreePodIps() {
        String describe =
                awaitKubectl(
                        out -> endpointIps(line(out, "Endpoints:")).equals(firstIps),
                        "describe",
                        "svc",
                        "nginx-svc-clusterip");
        assertThat(describe)
                .containsPattern("Name:\\s+nginx-svc-clusterip\n")
                .containsPattern("Namespace:\\s+default\n")
                .containsPattern("Labels:\\s+<none>\n")
                .containsPattern("Annotations:\\s+<none>\n")
                .containsPattern("Selector:\\s+app=nginx\n")
                .containsPattern("Type:\\s+ClusterIP\n")
                .containsPattern("IP Family Policy:\\s+SingleStack\n")
                .containsPattern("IP Families:\\s+IPv4\n")
                .containsPattern("IP:\\s+127\\.96\\.\\d+\\.\\d+\n")
                .containsPattern("Port:\\s+clusterip-nginx\\s+80/TCP\n")
                .containsPattern("TargetPort:\\s+80/TCP\n")
                .containsPattern("Session Affinity:\\s+None\n")
                .containsPattern("Events:\\s+<none>");
        String endpoints =
                awaitKubectl(
                        out -> endpointIps(line(out, "nginx-svc-clusterip")).equals(firstIps),
                        "get",
                        "endpoints");
        assertThat(endpoints.lines().findFirst().orElseThrow()).matches("NAME\\s+ENDPOINTS\\s+AGE");
        int port = cluster.server().apiServer().address().getPort();
        assertThat(line(endpoints, "kubernetes"))
                .matches("kubernetes\\s+127\\.0\\.0\\.1:" + port + "\\s+\\S+");
    }

    @Test
    @Order(3)
    void step3_deleteThePods_newPodsWithNewIpsBecomeTheEndpoints() {
        List<String> names =
                client
                        .pods()
                        .inNamespace("default")
                        .withLabel("app", "nginx")
                        .list()
                        .getItems()
                        .stream()
                        .map(p -> p.getMetadata().getName())
                        .toList();
        List<String> args = new ArrayList<>(List.of("delete", "po"));
        args.addAll(names);
        long start = System.nanoTime();
        String deleted = cluster.kubectlOk(args.toArray(String[]::new));
        for (String name : names) {
            assertThat(deleted).contains("pod \"" + name + "\" deleted");
        }
        Set<String>[] now = new Set[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> {
                            var ep =
                                    client.endpoints()
                                            .inNamespace("default")
                                            .withName("nginx-svc-clusterip")
                                            .get();
                            Set<String> ips = new HashSet<>();
                            if (ep.getSubsets() != null) {
                                ep.getSubsets()
                                        .forEach(
                                                s ->
                                                        s.getAddresses()
                                                                .forEach(a -> ips.add(a.getIp())));
                            }
                            now[0] = ips;
                            return ips.size() == 3 && ips.stream().noneMatch(firstIps::contains);
                        });
        long millis = (System.nanoTime() - start) / 1_000_000;
        log.atInfo()
                .addKeyValue("milliseconds", millis)
                .log("MEASURED: kubectl delete po (3 Pods) -> Endpoints list 3 new Ready Pods");
        String wide = awaitKubectl(out -> runningPods(out).size() == 3, "get", "po", "-o", "wide");
        Set<String> listed = new HashSet<>();
        runningPods(wide).forEach(p -> listed.add(p[1]));
        assertThat(listed).isEqualTo(now[0]);
        assertThat(endpointIps(line(cluster.kubectlOk("get", "endpoints"), "nginx-svc-clusterip")))
                .isEqualTo(now[0]);
        assertThat(
                        endpointIps(
                                line(
                                        awaitKubectl(
                                                out ->
                                                        endpointIps(line(out, "Endpoints:"))
                                                                .equals(now[0]),
                                                "describe",
                                                "svc",
                                                "nginx-svc-clusterip"),
                                        "Endpoints:")))
                .isEqualTo(now[0]);
    }

    @Test
    @Order(4)
    void step4_theClusterIpSpreadsRequestsOverAllThreePods() {
        String ip =
                client.services()
                        .inNamespace("default")
                        .withName("nginx-svc-clusterip")
                        .get()
                        .getSpec()
                        .getClusterIP();
        Set<String> ready = new HashSet<>();
        for (Pod p :
                client.pods().inNamespace("default").withLabel("app", "nginx").list().getItems()) {
            ready.add(p.getMetadata().getName());
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Set<String> answered = new HashSet<>();
                            for (int i = 0; i < 30; i++) {
                                answered.add(Clients.podOf(Clients.httpGet(ip, 80, null)));
                            }
                            assertThat(answered).isEqualTo(ready);
                        });
    }

    @Test
    @Order(5)
    void step5_sessionAffinityClientIp_keepsOneClientOnOnePod() {
        cluster.kubectlOk(
                "patch",
                "svc",
                "nginx-svc-clusterip",
                "-p",
                "{\"spec\":{\"sessionAffinity\":\"ClientIP\"}}");
        assertThat(cluster.kubectlOk("describe", "svc", "nginx-svc-clusterip"))
                .containsPattern("Session Affinity:\\s+ClientIP");
        String ip =
                client.services()
                        .inNamespace("default")
                        .withName("nginx-svc-clusterip")
                        .get()
                        .getSpec()
                        .getClusterIP();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> {
                            Set<String> answered = new HashSet<>();
                            for (int i = 0; i < 20; i++) {
                                answered.add(Clients.podOf(Clients.httpGet(ip, 80, "127.0.0.2")));
                            }
                            assertThat(answered).hasSize(1);
                        });
    }

    @Test
    @Order(6)
    void step6_aSelectorlessServiceWithHandWrittenEndpoints_reachesTheListener() throws Exception {
        harbor = HttpServer.create(new InetSocketAddress("127.0.0.250", 80), 0);
        harbor.createContext(
                "/",
                exchange -> {
                    byte[] body =
                            "Hello from harbor at 127.0.0.250\n".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        harbor.start();
        assertThat(
                        cluster.kubectlOk(
                                "apply",
                                "-f",
                                TestCluster.repoFile("examples/seed/ep.yaml").toString()))
                .isEqualTo("endpoints/harbor-huangxin created\nservice/harbor-huangxin created\n");
        String describe =
                awaitKubectl(
                        out -> line(out, "Endpoints:").contains("127.0.0.250:80"),
                        "describe",
                        "svc",
                        "harbor-huangxin");
        assertThat(describe)
                .containsPattern("Selector:\\s+<none>\n")
                .containsPattern("Port:\\s+<unset>\\s+80/TCP\n")
                .containsPattern("Endpoints:\\s+127\\.0\\.0\\.250:80\n");
        assertThat(cluster.kubectlOk("get", "ep", "harbor-huangxin"))
                .matches(
                        "(?s)NAME\\s+ENDPOINTS\\s+AGE\nharbor-huangxin\\s+127\\.0\\.0\\.250:80\\s+\\S+\n");
        String ip =
                client.services()
                        .inNamespace("default")
                        .withName("harbor-huangxin")
                        .get()
                        .getSpec()
                        .getClusterIP();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(Clients.httpGet(ip, 80, null))
                                        .contains("Hello from harbor"));
    }

    /**
     * docs/walkthrough.md "Into a Pod": exec into a Pod, curl the ClusterIP, see which Pod
     * answered.
     */
    @Test
    @Order(7)
    void step7_intoAPod_execCurlsTheClusterIp() {
        String ip =
                client.services()
                        .inNamespace("default")
                        .withName("nginx-svc-clusterip")
                        .get()
                        .getSpec()
                        .getClusterIP();
        String out =
                cluster.kubectlOk(
                        "exec",
                        "deploy/deployment-nginx",
                        "--",
                        "sh",
                        "-c",
                        "echo \"I am $HOSTNAME at $POD_IP\"; curl -s http://" + ip + "/");
        System.out.println("walkthrough step 7:\n" + out);
        Matcher me =
                Pattern.compile(
                                "I am (deployment-nginx-\\S+) at (127\\.244\\.\\d+\\.\\d+)\n"
                                        + "Hello from pod default/(deployment-nginx-\\S+) \\(IP (127\\.244\\.\\d+\\.\\d+), node node0[12]\\)\n")
                        .matcher(out);
        assertThat(me.matches()).as(out).isTrue();
        Set<String> pods = new HashSet<>();
        for (Pod p :
                client.pods().inNamespace("default").withLabel("app", "nginx").list().getItems()) {
            pods.add(p.getMetadata().getName());
        }
        assertThat(pods).contains(me.group(1), me.group(3));
    }
}
