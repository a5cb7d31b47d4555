package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kubectl port-forward} and fabric8's {@code portForward} against a real server with one
 * node: each transport (SPDY/3.1 upgrade, SPDY tunneled in a WebSocket, v4 WebSocket channels),
 * pods and Services, several connections at once, a port nothing listens on, and RBAC.
 */
class PortForwardTest {
    private static final String K133 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";
    private static final String K132 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";

    /** SPDY only: the WebSocket transport came (off by default) in 1.30, on by default in 1.31. */
    private static final String K127 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static Path tokenFile;
    private static String podName;
    private static String podUid;

    /** The names and IPs of the Deployment's Pods behind the Service {@code web}. */
    private static List<String> webPodNames;

    private static List<String> webPodIps;
    private static final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("j8s-pf-tokens-");
        tokenFile = dir.resolve("tokens.csv");
        Files.writeString(tokenFile, "viewer-token,viewer,1001\n");
        cluster =
                TestCluster.start(
                        o ->
                                o.withTokenAuthFile(tokenFile)
                                        .withDataPlane(
                                                DataPlaneOptions.none()
                                                        .withNodes(List.of("node01"))
                                                        .withProxy(false)
                                                        .withKubeletPort(0))
                                        .withControllers(ControllerOptions.defaults()));
        client = cluster.client();
        cluster.kubectlOk(
                "create",
                "clusterrolebinding",
                "viewer-view",
                "--clusterrole=view",
                "--user=viewer");
        Path manifest = dir.resolve("web.yaml");
        Files.writeString(
                manifest,
                """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: default}
                spec:
                  selector: {app: web}
                  ports:
                  - {name: http, port: 80, targetPort: 8080}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  replicas: 3
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      containers:
                      - name: nginx
                        image: nginx:1.14.1
                        ports:
                        - containerPort: 8080
                """);
        cluster.kubectlOk("apply", "-f", manifest.toString());
        // The seed's shape (docs/walkthrough.md): a Deployment of nginx-image Pods behind a
        // Service.
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .until(
                        () ->
                                client
                                                .pods()
                                                .inNamespace("default")
                                                .withLabel("app", "web")
                                                .list()
                                                .getItems()
                                                .stream()
                                                .filter(
                                                        p ->
                                                                "Running"
                                                                                .equals(
                                                                                        p.getStatus()
                                                                                                .getPhase())
                                                                        && p.getStatus().getPodIP()
                                                                                != null)
                                                .count()
                                        == 3);
        List<Pod> webPods =
                client.pods().inNamespace("default").withLabel("app", "web").list().getItems();
        webPodNames = webPods.stream().map(p -> p.getMetadata().getName()).toList();
        webPodIps = webPods.stream().map(p -> p.getStatus().getPodIP()).toList();
        Pod pod = webPods.get(0);
        podName = pod.getMetadata().getName();
        podUid = pod.getMetadata().getUid();
    }

    @AfterAll
    static void stop() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A running {@code kubectl port-forward}, its output files, and its local port. */
    private record Forward(Process process, Path out, Path err, int port) {
        String stderr() throws IOException {
            return Files.readString(err);
        }

        /**
         * Stops kubectl; then nothing of the forward is left: no stream counted, no socket to the
         * Pod.
         */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            assertNothingLeft();
        }
    }

    private static Forward portForward(Kubectl kubectl, String target, int remotePort)
            throws Exception {
        int local = TestCluster.freePort();
        Path out = Files.createTempFile(cluster.dir(), "pf", ".out");
        Path err = Files.createTempFile(cluster.dir(), "pf", ".err");
        Process p = kubectl.start(out, err, "port-forward", target, local + ":" + remotePort);
        processes.add(p);
        Forward f = new Forward(p, out, err, local);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                Files.readString(out)
                                                .contains(
                                                        "Forwarding from 127.0.0.1:"
                                                                + local
                                                                + " -> "
                                                                + remotePort)
                                        || !p.isAlive());
        assertThat(p.isAlive())
                .as("kubectl port-forward is running; stderr: %s", f.stderr())
                .isTrue();
        return f;
    }

    private static double openStreams() {
        return cluster.server()
                .meterRegistry()
                .get("j8s_apiserver_portforward_streams")
                .gauge()
                .value();
    }

    /**
     * Established TCP connections to port 8080 of the Deployment's Pods (from /proc/net/tcp: the
     * node's side of forwards).
     */
    private static long socketsToPod() throws IOException {
        List<String> remotes =
                webPodIps.stream()
                        .map(
                                ip -> {
                                    String[] octets = ip.split("\\.");
                                    return String.format(
                                                    "%02X%02X%02X%02X",
                                                    Integer.parseInt(octets[3]),
                                                    Integer.parseInt(octets[2]),
                                                    Integer.parseInt(octets[1]),
                                                    Integer.parseInt(octets[0]))
                                            + ":1F90";
                                })
                        .toList();
        return Files.readAllLines(Path.of("/proc/net/tcp")).stream()
                .skip(1)
                .map(l -> l.trim().split("\\s+"))
                .filter(f -> remotes.contains(f[2]) && f[3].equals("01"))
                .count();
    }

    private static void assertNothingLeft() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .untilAsserted(
                        () -> {
                            assertThat(openStreams())
                                    .as("port-forward streams open in the API server")
                                    .isZero();
                            assertThat(socketsToPod())
                                    .as("sockets from the node to the Pod")
                                    .isZero();
                        });
    }

    /** One HTTP/1.1 request on a fresh connection to 127.0.0.1:port; the whole answer. */
    private static String get(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(20_000);
            OutputStream o = s.getOutputStream();
            o.write(
                    "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void assertReachesPod(Forward f) throws IOException {
        try {
            assertReachesPod(f.port());
        } catch (IOException | AssertionError e) {
            throw new AssertionError(
                    "through kubectl port-forward: " + e + "; kubectl's stderr: " + f.stderr(), e);
        }
    }

    private static void assertReachesPod(int port) throws IOException {
        String answer = get(port);
        assertThat(answer).startsWith("HTTP/1.1 200").contains("Hello from pod default/" + podName);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {K132, K133})
    void kubectl_podAndSeveralConnectionsAtOnce(String binary) throws Exception {
        Forward f = portForward(cluster.kubectl().withBinary(binary), "pod/" + podName, 8080);
        try {
            assertReachesPod(f);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    answers.add(pool.submit(() -> get(f.port())));
                }
                for (Future<String> a : answers) {
                    assertThat(a.get(60, TimeUnit.SECONDS))
                            .as(binary)
                            .contains("Hello from pod default/" + podName);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(Files.readString(f.out()))
                    .as(binary)
                    .contains("Handling connection for " + f.port());
            assertThat(f.stderr()).as(binary).doesNotContain("error");
        } finally {
            f.stop();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {K132, K133})
    void kubectl_service_curlReachesOneOfItsPods(String binary) throws Exception {
        Forward f = portForward(cluster.kubectl().withBinary(binary), "svc/web", 80);
        try {
            // kubectl resolves the Service's Pod and its targetPort client-side: 80 -> 8080
            assertThat(Files.readString(f.out()))
                    .as(binary)
                    .contains("Forwarding from 127.0.0.1:" + f.port() + " -> 8080");
            String first = curl(binary, f);
            // kubectl forwards to one Pod for its whole run: the second request reaches the same
            // one
            assertThat(curl(binary, f)).as(binary).isEqualTo(first);
            assertThat(webPodNames).as(binary + ": the Pod curl reached").contains(first);
            assertThat(f.stderr()).as(binary).doesNotContain("error");
        } finally {
            f.stop();
        }
    }

    /**
     * {@code curl http://127.0.0.1:<local port>/} through the forward; the Pod its answer names.
     */
    private static String curl(String binary, Forward f) throws Exception {
        Process p =
                new ProcessBuilder(
                                "curl",
                                "-sS",
                                "-i",
                                "--max-time",
                                "20",
                                "http://127.0.0.1:" + f.port() + "/")
                        .redirectErrorStream(true)
                        .start();
        String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("curl finished").isTrue();
        assertThat(p.exitValue())
                .as(binary + ": curl: " + answer + "; kubectl's stderr: " + f.stderr())
                .isZero();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile(
                                "Hello from pod default/(web-\\S+) \\(IP 127\\.244\\.")
                        .matcher(answer);
        assertThat(answer).as(binary).startsWith("HTTP/1.1 200");
        assertThat(m.find()).as(binary + ": the answer names a Pod: " + answer).isTrue();
        return m.group(1);
    }

    @Test
    void spdyOnlyKubectl_pod() throws Exception {
        Forward f = portForward(cluster.kubectl().withBinary(K127), "pod/" + podName, 8080);
        try {
            assertReachesPod(f);
            assertReachesPod(f);
            assertThat(f.stderr()).doesNotContain("error");
        } finally {
            f.stop();
        }
    }

    @Test
    void aPortNothingListensOn_isKubectlsErrorLine() throws Exception {
        for (String binary : List.of(K133, K127)) {
            Forward f = portForward(cluster.kubectl().withBinary(binary), "pod/" + podName, 9999);
            try {
                try {
                    get(f.port());
                } catch (IOException expected) {
                    // the local connection is closed without an answer
                }
                Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .until(
                                () ->
                                        f.stderr()
                                                .contains(
                                                        "an error occurred forwarding "
                                                                + f.port()
                                                                + " -> 9999"));
                assertThat(f.stderr())
                        .contains(
                                "an error occurred forwarding "
                                        + f.port()
                                        + " -> 9999: error forwarding"
                                        + " port 9999 to pod "
                                        + podUid
                                        + ", uid : failed to execute portforward in network namespace")
                        .contains("connect: connection refused");
            } finally {
                f.stop();
            }
        }
    }

    @Test
    void fabric8_portForward() throws Exception {
        int local = TestCluster.freePort();
        try (LocalPortForward pf =
                client.pods().inNamespace("default").withName(podName).portForward(8080, local)) {
            assertReachesPod(local);
            assertReachesPod(local);
            assertThat(pf.errorOccurred()).isFalse();
        }
        assertNothingLeft();
    }

    @Test
    void deletingThePod_endsItsForwards() throws Exception {
        client.resource(
                        new io.fabric8.kubernetes.api.model.PodBuilder()
                                .withNewMetadata()
                                .withName("lonely")
                                .withNamespace("default")
                                .endMetadata()
                                .withNewSpec()
                                .addNewContainer()
                                .withName("nginx")
                                .withImage("nginx:1.14.1")
                                .addNewPort()
                                .withContainerPort(8081)
                                .endPort()
                                .endContainer()
                                .endSpec()
                                .build())
                .create();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            Pod p = client.pods().inNamespace("default").withName("lonely").get();
                            return p != null && "Running".equals(p.getStatus().getPhase());
                        });
        Forward f = portForward(cluster.kubectl().withBinary(K133), "pod/lonely", 8081);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", f.port()), 5000);
            s.setSoTimeout(60_000);
            s.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> openStreams() == 1);
            client.pods().inNamespace("default").withName("lonely").withGracePeriod(0).delete();
            // the half-sent request is never answered: the forward ends with the Pod
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } finally {
            f.stop();
        }
    }

    @Test
    void pythonClient_portforward() throws Exception {
        String script =
                String.join(
                        "\n",
                        "import sys",
                        "from kubernetes import client, config",
                        "from kubernetes.stream import portforward",
                        "config.load_kube_config(sys.argv[1])",
                        "api = client.CoreV1Api()",
                        "pf = portforward(api.connect_get_namespaced_pod_portforward, sys.argv[2], 'default', ports='8080')",
                        "s = pf.socket(8080)",
                        "s.setblocking(True)",
                        "s.sendall(b'GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n')",
                        "data = b''",
                        "while True:",
                        "    chunk = s.recv(4096)",
                        "    if not chunk:",
                        "        break",
                        "    data += chunk",
                        "print('STATUS ' + data.decode().splitlines()[0])",
                        "print('BODY ' + data.decode().splitlines()[-1])",
                        "print('ERROR ' + str(pf.error(8080)))",
                        "s.close()",
                        "pf.close()");
        Process p =
                new ProcessBuilder(
                                "/usr/bin/python3",
                                "-c",
                                script,
                                cluster.server().kubeconfig().toString(),
                                podName)
                        .redirectErrorStream(true)
                        .start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as(output).isTrue();
        assertThat(output)
                .contains("STATUS HTTP/1.1 200 OK")
                .contains("BODY Hello from pod default/" + podName)
                .contains("ERROR None");
        assertNothingLeft();
    }

    @Test
    void viewer_isForbidden() throws Exception {
        Kubectl viewer = cluster.kubectlWithToken("viewer", "viewer-token").withBinary(K133);
        Kubectl.Result r =
                viewer.run("port-forward", "pod/" + podName, TestCluster.freePort() + ":8080");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr())
                .contains(
                        "pods \""
                                + podName
                                + "\" is forbidden: User \"viewer\" cannot create resource"
                                + " \"pods/portforward\" in API group \"\" in the namespace \"default\"");
    }

    @Test
    void anonymous_isUnauthorized() {
        Kubectl.Result r =
                cluster.kubectlWithToken("nobody", "no-such-token")
                        .withBinary(K133)
                        .run("port-forward", "pod/" + podName, TestCluster.freePort() + ":8080");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr())
                .contains(
                        "error: You must be logged in to the server (the server has asked for the"
                                + " client to provide credentials)");
    }
}
