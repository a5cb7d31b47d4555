package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.ClusterDnsOptions;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The cluster DNS as a user sees it (docs/walkthrough.md, "Cluster DNS"): the seed's nginx
 * Deployment and Service, a headless Service beside it, and {@code dig} (Debian's dnsutils) asking
 * the {@code kube-dns} ClusterIP {@code 127.96.0.10}, through the proxy, over UDP and TCP ({@code
 * examples/dns/headless.yaml} is the walk-through's).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDnsTest {
    private static final String DNS = "127.96.0.10";

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

    /** Runs {@code dig @127.96.0.10 <args>} and returns its output (fails on a non-zero exit). */
    static String dig(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("dig", "@" + DNS, "+time=2", "+tries=1"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                throw new AssertionError("dig did not finish: " + command);
            }
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            p.destroyForcibly();
        }
        if (p.exitValue() != 0) {
            throw new AssertionError("dig exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** {@code dig +short}: the answers, one a line. */
    static Set<String> digShort(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("+short"));
        all.addAll(List.of(args));
        Set<String> lines = new HashSet<>();
        dig(all.toArray(String[]::new))
                .lines()
                .map(String::trim)
                .filter(l -> !l.isEmpty())
                .forEach(lines::add);
        return lines;
    }

    private static Set<String> readyPodIps() {
        Set<String> ips = new HashSet<>();
        for (var pod :
                client.pods().inNamespace("default").withLabel("app", "nginx").list().getItems()) {
            boolean ready =
                    pod.getStatus() != null
                            && pod.getStatus().getConditions() != null
                            && pod.getStatus().getConditions().stream()
                                    .anyMatch(
                                            c ->
                                                    "Ready".equals(c.getType())
                                                            && "True".equals(c.getStatus()));
            if (ready
                    && pod.getMetadata().getDeletionTimestamp() == null
                    && pod.getStatus().getPodIP() != null) {
                ips.add(pod.getStatus().getPodIP());
            }
        }
        return ips;
    }

    @Test
    @Order(0)
    void theKubeDnsServiceIsThere() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () ->
                                assertThat(
                                                cluster.kubectlOk(
                                                        "get",
                                                        "svc",
                                                        "-n",
                                                        "kube-system",
                                                        "kube-dns"))
                                        .containsPattern(
                                                "kube-dns\\s+ClusterIP\\s+127\\.96\\.0\\.10\\s+<none>\\s+53/UDP,53/TCP\\s+"));
        int port = cluster.server().clusterDnsAddress().getPort();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(
                        () ->
                                assertThat(
                                                cluster.kubectlOk(
                                                        "get",
                                                        "endpointslices",
                                                        "-n",
                                                        "kube-system",
                                                        "-l",
                                                        "kubernetes.io/service-name=kube-dns"))
                                        .contains("127.0.0.1")
                                        .contains(String.valueOf(port)));
    }

    @Test
    @Order(1)
    void aClusterIpServiceResolvesToItsClusterIp() throws Exception {
        cluster.kubectlOk(
                "apply", "-f", TestCluster.repoFile("examples/seed/nginx-deploy.yaml").toString());
        String ip =
                client.services()
                        .inNamespace("default")
                        .withName("nginx-svc-clusterip")
                        .get()
                        .getSpec()
                        .getClusterIP();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(
                                                digShort(
                                                        "nginx-svc-clusterip.default.svc.cluster.local"))
                                        .containsExactly(ip));
        String full = dig("NGINX-SVC-CLUSTERIP.Default.svc.cluster.local", "A");
        assertThat(full)
                .contains("status: NOERROR")
                .contains("flags: qr aa rd")
                .containsPattern(
                        "NGINX-SVC-CLUSTERIP\\.Default\\.svc\\.cluster\\.local\\.\\s+5\\s+IN\\s+A\\s+"
                                + ip.replace(".", "\\."));
    }

    @Test
    @Order(2)
    void srvAndPtrAnswer() throws Exception {
        String ip =
                client.services()
                        .inNamespace("default")
                        .withName("nginx-svc-clusterip")
                        .get()
                        .getSpec()
                        .getClusterIP();
        assertThat(
                        digShort(
                                "_clusterip-nginx._tcp.nginx-svc-clusterip.default.svc.cluster.local",
                                "SRV"))
                .containsExactly("0 100 80 nginx-svc-clusterip.default.svc.cluster.local.");
        assertThat(digShort("-x", ip))
                .containsExactly("nginx-svc-clusterip.default.svc.cluster.local.");
        assertThat(digShort("kube-dns.kube-system.svc.cluster.local")).containsExactly(DNS);
    }

    @Test
    @Order(3)
    void anUnknownNameIsNxdomainWithTheSoa() throws Exception {
        String out = dig("nope.default.svc.cluster.local");
        assertThat(out)
                .contains("status: NXDOMAIN")
                .contains("AUTHORITY: 1")
                .containsPattern(
                        "cluster\\.local\\.\\s+5\\s+IN\\s+SOA\\s+ns\\.dns\\.cluster\\.local\\."
                                + " hostmaster\\.cluster\\.local\\. \\d+ 7200 1800 86400 5");
        assertThat(dig("dns-version.cluster.local", "TXT"))
                .containsPattern("IN\\s+TXT\\s+\"1\\.0\\.1\"");
    }

    @Test
    @Order(4)
    void tcpWorks() throws Exception {
        String ip =
                client.services()
                        .inNamespace("default")
                        .withName("nginx-svc-clusterip")
                        .get()
                        .getSpec()
                        .getClusterIP();
        assertThat(digShort("+tcp", "nginx-svc-clusterip.default.svc.cluster.local"))
                .containsExactly(ip);
    }

    @Test
    @Order(5)
    void aHeadlessServiceResolvesToItsReadyPodsAndFollowsADeletion() throws Exception {
        assertThat(
                        cluster.kubectlOk(
                                "apply",
                                "-f",
                                TestCluster.repoFile("examples/dns/headless.yaml").toString()))
                .isEqualTo("service/nginx-headless created\npod/web-0 created\n");
        Set<String>[] ready = new Set[1];
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            ready[0] = readyPodIps();
                            assertThat(ready[0]).hasSize(4);
                            assertThat(digShort("nginx-headless.default.svc.cluster.local"))
                                    .isEqualTo(ready[0]);
                        });
        String web0 =
                client.pods().inNamespace("default").withName("web-0").get().getStatus().getPodIP();
        assertThat(digShort("web-0.nginx-headless.default.svc.cluster.local"))
                .containsExactly(web0);
        Set<String> srv = digShort("_http._tcp.nginx-headless.default.svc.cluster.local", "SRV");
        assertThat(srv)
                .hasSize(4)
                .contains("0 25 80 web-0.nginx-headless.default.svc.cluster.local.");
        assertThat(digShort("-x", web0))
                .contains("web-0.nginx-headless.default.svc.cluster.local.");
        assertThat(digShort(web0.replace('.', '-') + ".default.pod.cluster.local"))
                .containsExactly(web0);

        cluster.kubectlOk("delete", "pod", "web-0");
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            Set<String> answered =
                                    digShort("nginx-headless.default.svc.cluster.local");
                            assertThat(answered)
                                    .doesNotContain(web0)
                                    .isEqualTo(readyPodIps())
                                    .hasSize(3);
                        });
        assertThat(dig("web-0.nginx-headless.default.svc.cluster.local"))
                .contains("status: NXDOMAIN");
    }

    @Test
    @Order(6)
    void aBigAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        // 3 Pods x 1 port: small; scale up so that the SRV answer with its additional A records
        // passes 512 bytes.
        cluster.kubectlOk("scale", "deployment", "deployment-nginx", "--replicas=8");
        Awaitility.await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .untilAsserted(
                        () ->
                                assertThat(
                                                digShort(
                                                        "+tcp",
                                                        "nginx-headless.default.svc.cluster.local"))
                                        .hasSize(8));
        String udp =
                dig(
                        "+noedns",
                        "+ignore",
                        "_http._tcp.nginx-headless.default.svc.cluster.local",
                        "SRV");
        assertThat(udp).contains("flags: qr aa tc rd").contains("ANSWER: 0");
        String fallback =
                dig("+noedns", "_http._tcp.nginx-headless.default.svc.cluster.local", "SRV");
        assertThat(fallback).contains("ANSWER: 8").contains("Truncated, retrying in TCP mode");
    }

    @Test
    @Order(7)
    void metricsShowTheQueries() {
        String metrics = cluster.kubectlOk("get", "--raw", "/metrics");
        assertThat(metrics)
                .containsPattern("j8s_dns_requests_total\\{proto=\"udp\",type=\"A\"} [1-9]")
                .containsPattern("j8s_dns_requests_total\\{proto=\"tcp\",type=\"SRV\"} [1-9]")
                .containsPattern("j8s_dns_responses_total\\{rcode=\"NXDOMAIN\"} [1-9]")
                .contains("j8s_dns_request_duration_seconds_bucket{")
                .containsPattern("j8s_dns_services [1-9]");
    }

    @Test
    @Order(8)
    void theDnsIdentityReadsButDoesNotWrite() {
        var dns = cluster.clientAs(io.j8s.server.pki.Identity.controller("coredns"));
        assertThat(dns.services().inAnyNamespace().list().getItems()).isNotEmpty();
        assertThat(dns.discovery().v1().endpointSlices().inAnyNamespace().list().getItems())
                .isNotEmpty();
        assertThat(dns.namespaces().list().getItems()).isNotEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                dns.services()
                                        .inNamespace("default")
                                        .resource(
                                                new io.fabric8.kubernetes.api.model.ServiceBuilder()
                                                        .withNewMetadata()
                                                        .withName("x")
                                                        .endMetadata()
                                                        .withNewSpec()
                                                        .addNewPort()
                                                        .withPort(1)
                                                        .endPort()
                                                        .endSpec()
                                                        .build())
                                        .create())
                .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
                .hasMessageContaining("forbidden");
    }

    @Test
    @Order(9)
    void aDeletedKubeDnsServiceComesBack() {
        String uid =
                client.services()
                        .inNamespace("kube-system")
                        .withName("kube-dns")
                        .get()
                        .getMetadata()
                        .getUid();
        cluster.kubectlOk("delete", "svc", "-n", "kube-system", "kube-dns");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .untilAsserted(
                        () -> {
                            var again =
                                    client.services()
                                            .inNamespace("kube-system")
                                            .withName("kube-dns")
                                            .get();
                            assertThat(again.getMetadata().getUid()).isNotEqualTo(uid);
                            assertThat(digShort("nginx-svc-clusterip.default.svc.cluster.local"))
                                    .hasSize(1);
                        });
        assertThat(
                        cluster.kubectlOk(
                                "get", "svc", "-n", "kube-system", "kube-dns", "--show-labels"))
                .containsPattern(
                        "kube-dns\\s+ClusterIP\\s+127\\.96\\.0\\.10\\s+.*k8s-app=kube-dns.*kubernetes.io/name=CoreDNS");
    }
}
