package io.j8s.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The programmatic API as a user drives it: start, apply the seed, reach its Service, close. */
class J8sClusterTest {

    /** The seed's manifests (the repository's examples/seed), from the module directory. */
    static Path seed(String file) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("examples/seed").resolve(file);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "no examples/seed/" + file + " above " + Path.of("").toAbsolutePath());
    }

    @Test
    void seedDeployment_threePods_endpoints_andItsServiceAnswers() throws Exception {
        long begin = System.nanoTime();
        try (J8sCluster cluster = J8sCluster.builder().nodes("node01", "node02").start()) {
            System.out.printf(
                    "MEASURED: first cluster ready in %d ms (host says %d ms)%n",
                    (System.nanoTime() - begin) / 1_000_000, cluster.startMillis());
            assertThat(cluster.kubeconfigYaml()).contains("server: " + cluster.apiServerUrl());
            assertThat(cluster.kubeconfigPath()).exists();

            List<String> applied = cluster.apply(seed("nginx-deploy.yaml"));
            assertThat(applied)
                    .containsExactly(
                            "service/nginx-svc-clusterip created",
                            "deployment/deployment-nginx created");
            cluster.awaitDeploymentAvailable("default", "deployment-nginx", Duration.ofSeconds(60));
            List<String> ips =
                    cluster.awaitEndpoints(
                            "default", "nginx-svc-clusterip", 3, Duration.ofSeconds(60));
            assertThat(ips).hasSize(3).allMatch(ip -> ip.startsWith("127."));

            var address = cluster.serviceAddress("default", "nginx-svc-clusterip", 80);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(
                                            URI.create(
                                                    "http://"
                                                            + address.getAddress().getHostAddress()
                                                            + ":"
                                                            + address.getPort()
                                                            + "/"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);

            // applying again changes nothing but says so
            assertThat(cluster.apply(seed("nginx-deploy.yaml")))
                    .containsExactly(
                            "service/nginx-svc-clusterip configured",
                            "deployment/deployment-nginx configured");

            KubectlResult pods = cluster.kubectl("get", "pods", "-l", "app=nginx", "-o", "name");
            assertThat(pods.ok().lines().count()).isEqualTo(3);
            String pod = pods.ok().lines().findFirst().orElseThrow().substring("pod/".length());
            assertThat(cluster.podLogs("default", pod)).isNotNull();

            assertThatThrownBy(() -> cluster.serviceAddress("default", "nginx-svc-clusterip", 81))
                    .isInstanceOf(J8sException.class)
                    .hasMessageContaining("has no port 81; its ports: [80]");
            assertThatThrownBy(
                            () ->
                                    cluster.awaitEndpoints(
                                            "default",
                                            "nginx-svc-clusterip",
                                            4,
                                            Duration.ofMillis(300)))
                    .isInstanceOf(J8sException.class)
                    .hasMessageContaining("have 3 ready addresses");
            dataDir = cluster.kubeconfigPath().getParent();
        }
        // closed: its data is gone, and nothing it started runs any more (the host itself stays,
        // warm)
        assertThat(dataDir).doesNotExist();
        ProcessHandle host = J8sCluster.hostProcess().orElseThrow();
        assertThat(host.isAlive()).isTrue();
        assertThat(host.descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList())
                .containsOnly(host);
    }

    private Path dataDir;

    @Test
    void badServerArgument_failsWithTheServersMessage() {
        assertThatThrownBy(() -> J8sCluster.builder().serverArgs("--no-such-flag=1").start())
                .isInstanceOf(J8sException.class)
                .hasMessageContaining("bad server arguments [")
                .hasMessageContaining("Unknown option: '--no-such-flag=1'");
        assertThatThrownBy(
                        () ->
                                J8sCluster.builder()
                                        .serverArgs("--service-node-port-range=banana")
                                        .start())
                .isInstanceOf(J8sException.class)
                .hasMessageContaining(
                        "--service-node-port-range must look like 30000-32767, got banana");
    }

    /**
     * A test JVM that dies without closing anything (halt: no shutdown hook) leaves nothing behind:
     * the host sees its stdin close, stops the cluster, deletes its data and exits.
     */
    @Test
    void hostExits_whenTheTestJvmDies() throws Exception {
        String classpath = System.getProperty("java.class.path");
        Process child =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                classpath,
                                DyingJvm.class.getName())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        String line;
        try (var out =
                new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()))) {
            line = out.readLine();
        }
        assertThat(child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(line).as("the child's report").isNotNull().startsWith("host ");
        String[] parts = line.split(" ");
        long pid = Long.parseLong(parts[1]);
        Path dir = Path.of(parts[2]);
        Optional<ProcessHandle> host = ProcessHandle.of(pid);
        if (host.isPresent()) {
            host.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(dir).doesNotExist();
        // what is left is the host's log (a test JVM that dies cannot delete it): remove it
        Path hostDir = dir.getParent().getParent();
        assertThat(hostDir.resolve("host.log")).exists();
        try (var files = Files.walk(hostDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Starts a control-plane-only cluster, reports its host's pid and data dir, and halts. */
    public static final class DyingJvm {
        public static void main(String[] args) {
            J8sCluster cluster;
            try {
                cluster = J8sCluster.builder().nodes().start();
            } catch (RuntimeException e) {
                System.out.println("error " + e);
                System.out.flush();
                Runtime.getRuntime().halt(1);
                return;
            }
            System.out.println(
                    "host "
                            + J8sCluster.hostProcess().orElseThrow().pid()
                            + " "
                            + cluster.kubeconfigPath().getParent());
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }
}
