package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.j8s.apiserver.admission.Cidr;
import io.j8s.server.ranges.HostClaims;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three {@code j8s server} processes started at once on this host with no range or port given: each
 * takes its own API port, Service range, Pod range, cluster DNS address and node log port from the
 * host's range registry, and each serves the seed's Deployment through its own ClusterIP with its
 * own Pods. A server given a range or port another one holds does not start and says who holds it
 * (docs/architecture.md, "Many clusters on one host").
 */
class ManyServersOnOneHostTest {
    private static final int SERVERS = 3;

    @TempDir Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    record Server(
            Process process,
            Path data,
            Kubectl kubectl,
            KubernetesClient client,
            Properties ranges) {}

    @Test
    void serversStartedAtOnceTakeDistinctRanges_andAGivenTakenRangeIsRefused() throws Exception {
        List<Path> dataDirs = new ArrayList<>();
        for (int i = 0; i < SERVERS; i++) {
            Path data = dir.resolve("server-" + i);
            dataDirs.add(data);
            processes.add(start(data, "server-" + i + ".log"));
        }
        List<Server> servers = new ArrayList<>();
        for (int i = 0; i < SERVERS; i++) {
            servers.add(awaitServing(processes.get(i), dataDirs.get(i), "server-" + i + ".log"));
        }
        Set<String> apiUrls = new HashSet<>();
        Set<String> podRanges = new HashSet<>();
        Set<String> serviceRanges = new HashSet<>();
        for (Server s : servers) {
            apiUrls.add(s.client().getMasterUrl().toString());
            podRanges.add(s.ranges().getProperty("cluster-cidr"));
            serviceRanges.add(s.ranges().getProperty("service-cluster-ip-range"));
        }
        assertThat(apiUrls).hasSize(SERVERS);
        assertThat(podRanges).hasSize(SERVERS);
        assertThat(serviceRanges).hasSize(SERVERS);

        Path seed = TestCluster.repoFile("examples/seed/nginx-deploy.yaml");
        for (Server s : servers) {
            s.kubectl().run("apply", "-f", seed.toString()).ok();
        }
        Set<String> allPodIps = new HashSet<>();
        Set<String> clusterIps = new HashSet<>();
        Set<String> logPorts = new HashSet<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (Server s : servers) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> readyAddresses(s.client()).size() == 3);
            List<String> podIps = readyAddresses(s.client());
            Cidr podRange = Cidr.parse(s.ranges().getProperty("cluster-cidr"));
            assertThat(podIps)
                    .allSatisfy(
                            ip ->
                                    assertThat(podRange.contains(ip))
                                            .as(ip + " in " + podRange)
                                            .isTrue());
            allPodIps.addAll(podIps);
            String clusterIp =
                    s.client()
                            .services()
                            .inNamespace("default")
                            .withName("nginx-svc-clusterip")
                            .get()
                            .getSpec()
                            .getClusterIP();
            clusterIps.add(clusterIp);
            String dnsIp =
                    s.client()
                            .services()
                            .inNamespace("kube-system")
                            .withName("kube-dns")
                            .get()
                            .getSpec()
                            .getClusterIP();
            assertThat(dnsIp)
                    .isEqualTo(
                            Cidr.parse(s.ranges().getProperty("service-cluster-ip-range"))
                                    .address(10));
            logPorts.add(
                    String.valueOf(
                            s.client()
                                    .nodes()
                                    .withName("node01")
                                    .get()
                                    .getStatus()
                                    .getDaemonEndpoints()
                                    .getKubeletEndpoint()
                                    .getPort()));
            HttpRequest request =
                    HttpRequest.newBuilder(URI.create("http://" + clusterIp + ":80/"))
                            .timeout(Duration.ofSeconds(10))
                            .build();
            String[] body = new String[1];
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(
                            () -> {
                                HttpResponse<String> response =
                                        http.send(request, HttpResponse.BodyHandlers.ofString());
                                body[0] = response.body();
                                return response.statusCode() == 200;
                            });
            assertThat(podIps).anySatisfy(ip -> assertThat(body[0]).contains("(IP " + ip + ","));
            // kubectl logs goes through this server's own node log port
            String pod =
                    s.kubectl()
                            .run(
                                    "get",
                                    "pods",
                                    "-l",
                                    "app=nginx",
                                    "-o",
                                    "jsonpath={.items[0].metadata.name}")
                            .ok();
            assertThat(s.kubectl().run("logs", pod).exitCode()).isZero();
        }
        assertThat(allPodIps).hasSize(3 * SERVERS);
        assertThat(clusterIps).hasSize(SERVERS);
        assertThat(logPorts).hasSize(SERVERS);

        // a given range another server holds: refused at start-up, naming the holder
        Server first = servers.get(0);
        String takenRange = first.ranges().getProperty("cluster-cidr");
        Process refused =
                start(
                        dir.resolve("refused-range"),
                        "refused-range.log",
                        "--cluster-cidr",
                        takenRange);
        processes.add(refused);
        assertThat(refused.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("refused-range.log")))
                .contains("the Pod range (--cluster-cidr) " + takenRange + " (given) is taken")
                .contains("data dir " + first.data())
                .contains("pid " + first.process().pid());

        int takenPort = URI.create(first.client().getMasterUrl().toString()).getPort();
        Process refusedPort =
                start(
                        dir.resolve("refused-port"),
                        "refused-port.log",
                        "--secure-port",
                        String.valueOf(takenPort));
        processes.add(refusedPort);
        assertThat(refusedPort.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(refusedPort.exitValue()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("refused-port.log")))
                .contains("the API port (--secure-port) " + takenPort + " is taken")
                .contains("pid " + first.process().pid());
        for (Server s : servers) {
            s.client().close();
        }
    }

    private Process start(Path data, String log, String... extra) throws IOException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                ProcessHandle.current().info().command().orElse("java"),
                                "-Xmx256m",
                                "-XX:+UseSerialGC",
                                "-XX:TieredStopAtLevel=1",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "io.j8s.server.Main",
                                "server",
                                "--data-dir",
                                data.toString(),
                                "--nodes",
                                "node01"));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile())
                .start();
    }

    private Server awaitServing(Process process, Path data, String log) throws IOException {
        Path kubeconfig = data.resolve("kubeconfig.yaml");
        Awaitility.await()
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .failFast("the server exited: " + log, () -> !process.isAlive())
                .until(() -> Files.exists(kubeconfig));
        Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        Awaitility.await()
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> client.namespaces().withName("default").get() != null);
        Properties ranges = new Properties();
        try (var in = Files.newBufferedReader(data.resolve(HostClaims.FILE))) {
            ranges.load(in);
        }
        Path cache = Files.createDirectories(dir.resolve("kubectl-cache-" + data.getFileName()));
        Path work = Files.createDirectories(dir.resolve("work"));
        return new Server(process, data, new Kubectl(kubeconfig, cache, work), client, ranges);
    }

    private static List<String> readyAddresses(KubernetesClient client) {
        Endpoints endpoints =
                client.endpoints().inNamespace("default").withName("nginx-svc-clusterip").get();
        if (endpoints == null || endpoints.getSubsets() == null) {
            return List.of();
        }
        return endpoints.getSubsets().stream()
                .filter(s -> s.getAddresses() != null)
                .flatMap(s -> s.getAddresses().stream())
                .map(EndpointAddress::getIp)
                .sorted()
                .toList();
    }
}
