package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.Clients;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import io.j8s.testkit.HostTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Pods really serve and Services really balance: two in-process node agents, the controllers and
 * the proxy, driven with the real kubectl, reached over real sockets.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodesAndProxyTest {
    private static TestCluster cluster;
    private static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        Kubectl.requireAvailable();
        requirePort80();
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
        // Both nodes Ready before the seed is applied, so the scheduler can spread it.
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () ->
                                client.nodes().list().getItems().stream()
                                                .filter(
                                                        n ->
                                                                n.getStatus() != null
                                                                        && n
                                                                                .getStatus()
                                                                                .getConditions()
                                                                                .stream()
                                                                                .anyMatch(
                                                                                        c ->
                                                                                                c.getType()
                                                                                                                .equals(
                                                                                                                        "Ready")
                                                                                                        && c.getStatus()
                                                                                                                .equals(
                                                                                                                        "True")))
                                                .count()
                                        == 2);
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

    /** The seed's Service listens on port 80, which the proxy binds on its ClusterIP. */
    static void requirePort80() {
        HostTools.require(
                canBindPort80(),
                "binding port 80",
                "run as root or grant CAP_NET_BIND_SERVICE to java");
    }

    static boolean canBindPort80() {
        try (var socket = new java.net.ServerSocket()) {
            socket.bind(new java.net.InetSocketAddress("127.0.0.123", 80));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String awaitKubectl(Predicate<String> check, String... args) {
        String[] last = {""};
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> {
                            Kubectl.Result r = cluster.kubectl().run(args);
                            last[0] = r.stdout();
                            return r.exitCode() == 0 && check.test(r.stdout());
                        });
        return last[0];
    }

    private static List<Pod> readyPods(String app) {
        return client.pods().inNamespace("default").withLabel("app", app).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(
                        p ->
                                p.getStatus().getConditions().stream()
                                        .anyMatch(
                                                c ->
                                                        c.getType().equals("Ready")
                                                                && c.getStatus().equals("True")))
                .toList();
    }

    private static String clusterIp(String service) {
        return client.services()
                .inNamespace("default")
                .withName(service)
                .get()
                .getSpec()
                .getClusterIP();
    }

    private static Map<String, Integer> spread(String ip, int port, int requests, String source) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            counts.merge(Clients.podOf(Clients.httpGet(ip, port, source)), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    @Order(1)
    void seedDeployment_runsThreePodsWithLoopbackIpsOnTwoNodes() {
        awaitKubectl(
                out -> out.lines().filter(l -> l.matches("node0[12]\\s+Ready\\s+.*")).count() == 2,
                "get",
                "nodes");
        cluster.kubectlOk(
                "apply", "-f", TestCluster.repoFile("examples/seed/nginx-deploy.yaml").toString());
        String wide =
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
        assertThat(wide.lines().skip(1))
                .allSatisfy(
                        line ->
                                assertThat(line)
                                        .matches(
                                                "deployment-nginx-\\S+\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+127\\.244\\.[12]\\.\\d+\\s+node0[12]"
                                                        + "\\s+<none>\\s+<none>\\s*"));
        assertThat(wide).contains("node01").contains("node02");
    }

    @Test
    @Order(2)
    void requestsToTheClusterIp_reachAllThreePodsEvenly() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> readyPods("nginx").size() == 3);
        String ip = clusterIp("nginx-svc-clusterip");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> spread(ip, 80, 6, null).size() == 3);
        Map<String, Integer> counts = spread(ip, 80, 300, null);
        assertThat(counts).hasSize(3);
        assertThat(counts.values()).containsOnly(100);
    }

    @Test
    @Order(3)
    void clientIpAffinity_pinsOneSourceAddressToOnePod() {
        cluster.kubectlOk(
                "patch",
                "svc",
                "nginx-svc-clusterip",
                "-p",
                "{\"spec\":{\"sessionAffinity\":\"ClientIP\"}}");
        String ip = clusterIp("nginx-svc-clusterip");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> spread(ip, 80, 10, "127.0.0.2").size() == 1);
        assertThat(spread(ip, 80, 50, "127.0.0.2")).hasSize(1);
        assertThat(spread(ip, 80, 50, "127.0.0.3")).hasSize(1);
        cluster.kubectlOk(
                "patch",
                "svc",
                "nginx-svc-clusterip",
                "-p",
                "{\"spec\":{\"sessionAffinity\":\"None\"}}");
    }

    @Test
    @Order(4)
    void deletingThePods_newIpsServe_andOnlyTheNewPodsAnswer() {
        Set<String> old = new HashSet<>();
        readyPods("nginx").forEach(p -> old.add(p.getMetadata().getName()));
        List<String> args = new java.util.ArrayList<>(List.of("delete", "po"));
        args.addAll(old);
        cluster.kubectlOk(args.toArray(String[]::new));
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            List<Pod> ready = readyPods("nginx");
                            return ready.size() == 3
                                    && ready.stream()
                                            .noneMatch(
                                                    p -> old.contains(p.getMetadata().getName()));
                        });
        String ip = clusterIp("nginx-svc-clusterip");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Map<String, Integer> counts = spread(ip, 80, 30, null);
                            assertThat(counts).hasSize(3);
                            assertThat(counts.keySet()).doesNotContainAnyElementsOf(old);
                        });
    }

    @Test
    @Order(5)
    void aProcessPodWithAFailingReadinessProbe_getsNoTraffic_andItsLogsAreReadable()
            throws Exception {
        Path server = cluster.dir().resolve("EchoServer.java");
        Files.writeString(
                server,
                """
                import com.sun.net.httpserver.HttpServer;
                import java.net.InetSocketAddress;
                public class EchoServer {
                    public static void main(String[] args) throws Exception {
                        String ip = System.getenv("POD_IP");
                        HttpServer http = HttpServer.create(new InetSocketAddress(ip, 8080), 0);
                        http.createContext("/", exchange -> {
                            byte[] body = ("Hello from pod default/" + System.getenv("POD_NAME") + " (process)\\n")
                                    .getBytes();
                            exchange.sendResponseHeaders(200, body.length);
                            exchange.getResponseBody().write(body);
                            exchange.close();
                        });
                        http.start();
                        System.out.println("listening on " + ip + ":8080");
                    }
                }
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        Path manifest = cluster.dir().resolve("proc.yaml");
        Files.writeString(
                manifest,
                procPod("proc-ready", java, server, "true")
                        + "---\n"
                        + procPod("proc-unready", java, server, "false")
                        + """
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: proc
                spec:
                  selector: {app: proc}
                  ports:
                  - port: 8081
                    targetPort: 8080
                """);
        cluster.kubectlOk("apply", "-f", manifest.toString());
        awaitKubectl(
                out -> out.contains("notReadyAddresses") && out.contains("addresses"),
                "get",
                "ep",
                "proc",
                "-o",
                "yaml");
        String ip = clusterIp("proc");
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> Clients.httpGet(ip, 8081, null).contains("proc-ready"));
        Map<String, Integer> counts = spread(ip, 8081, 20, null);
        assertThat(counts).containsOnlyKeys("proc-ready");
        assertThat(cluster.kubectlOk("logs", "proc-ready")).contains("listening on 127.244.");
        String unready = cluster.kubectlOk("get", "po", "proc-unready");
        assertThat(unready).containsPattern("proc-unready\\s+0/1\\s+Running");
    }

    private static String procPod(String name, String java, Path source, String probe) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  labels: {app: proc}
                spec:
                  containers:
                  - name: echo
                    image: j8s/process
                    command: ["%s", "%s"]
                    ports: [{containerPort: 8080}]
                    readinessProbe:
                      exec: {command: ["%s"]}
                      periodSeconds: 1
                """
                .formatted(name, java, source, probe);
    }

    @Test
    @Order(6)
    void aUdpService_roundTrips() throws Exception {
        Path manifest = cluster.dir().resolve("udp.yaml");
        Files.writeString(
                manifest,
                """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: udp-echo
                  labels: {app: udp-echo}
                spec:
                  containers:
                  - name: echo
                    image: j8s/echo
                    ports: [{containerPort: 5353, protocol: UDP}]
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: udp-echo
                spec:
                  selector: {app: udp-echo}
                  ports:
                  - port: 53
                    targetPort: 5353
                    protocol: UDP
                """);
        cluster.kubectlOk("apply", "-f", manifest.toString());
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> readyPods("udp-echo").size() == 1);
        String ip = clusterIp("udp-echo");
        String[] reply = {""};
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            reply[0] = Clients.udpRoundTrip(ip, 53, "ping");
                            assertThat(reply[0]).contains("udp-echo");
                        });
        assertThat(reply[0]).contains("ping");
    }
}
