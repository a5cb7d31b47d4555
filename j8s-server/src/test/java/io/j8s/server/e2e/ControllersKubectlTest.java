package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.testing.FakeKubelet;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
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
 * The seed's workflow end to end with the real kubectl and every controller running: two Nodes
 * played by a {@link FakeKubelet} (Leases, Pod status through {@code pods/status}, Pod IPs from the
 * Nodes' pod CIDRs, graceful deletions finished), and what kubectl prints at each step. The node
 * monitor grace period is shortened to a few seconds so the node lifecycle step is quick.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControllersKubectlTest {
    private static final Logger log = LoggerFactory.getLogger(ControllersKubectlTest.class);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SVC = "nginx-svc-clusterip";
    private static final String DEPLOY = "deployment-nginx";
    private static final String POD_IP = "127\\.244\\.\\d+\\.\\d+";

    private static TestCluster cluster;
    private static KubernetesClient client;
    private static FakeKubelet kubelet;
    private static Path seedDeploy;
    private static Path seedEp;

    @BeforeAll
    static void start() throws Exception {
        Kubectl.requireAvailable();
        cluster =
                TestCluster.withControllers(
                        c -> c.withNodeMonitor(Duration.ofSeconds(6), Duration.ofSeconds(1)));
        client = cluster.client();
        kubelet = cluster.startNodes("node-1", "node-2");
        // both Nodes have their pod CIDRs: the controllers' (shared) Node cache holds them
        Awaitility.await()
                .atMost(WAIT)
                .until(
                        () ->
                                client.nodes().list().getItems().stream()
                                                .filter(n -> n.getSpec().getPodCIDR() != null)
                                                .count()
                                        == 2);
        seedDeploy = TestCluster.repoFile("examples/seed/nginx-deploy.yaml");
        seedEp = TestCluster.repoFile("examples/seed/ep.yaml");
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

    private static String kubectl(String... args) {
        return cluster.kubectlOk(args);
    }

    /** Runs kubectl until its output satisfies {@code check}; returns that output. */
    private static String awaitKubectl(Predicate<String> check, String... args) {
        String[] last = {""};
        Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(250))
                .until(
                        () -> {
                            Kubectl.Result r = cluster.kubectl().run(args);
                            last[0] = r.stdout();
                            return r.exitCode() == 0 && check.test(r.stdout());
                        });
        return last[0];
    }

    private static List<Pod> pods(String namespace) {
        return client.pods().inNamespace(namespace).list().getItems();
    }

    private static List<Pod> runningReady(String namespace) {
        return pods(namespace).stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> "Running".equals(p.getStatus().getPhase()))
                .filter(
                        p ->
                                p.getStatus().getConditions().stream()
                                        .anyMatch(
                                                c ->
                                                        "Ready".equals(c.getType())
                                                                && "True".equals(c.getStatus())))
                .toList();
    }

    private static List<String> readyIps(Endpoints ep) {
        List<String> ips = new ArrayList<>();
        if (ep != null && ep.getSubsets() != null) {
            for (EndpointSubset s : ep.getSubsets()) {
                s.getAddresses().forEach(a -> ips.add(a.getIp()));
            }
        }
        return ips;
    }

    private static Set<String> readyTargets(Endpoints ep) {
        if (ep == null || ep.getSubsets() == null) {
            return Set.of();
        }
        return ep.getSubsets().stream()
                .flatMap(s -> s.getAddresses().stream())
                .map(EndpointAddress::getTargetRef)
                .filter(r -> r != null)
                .map(r -> r.getName())
                .collect(Collectors.toSet());
    }

    private static void awaitReadyEndpoints(String namespace, String service, int count) {
        Awaitility.await()
                .atMost(WAIT)
                .until(
                        () ->
                                readyIps(
                                                                client.endpoints()
                                                                        .inNamespace(namespace)
                                                                        .withName(service)
                                                                        .get())
                                                        .size()
                                                == count
                                        && runningReady(namespace).size() == count);
    }

    private static int count(String text, String regex) {
        return (int) java.util.regex.Pattern.compile(regex).matcher(text).results().count();
    }

    @Test
    @Order(1)
    void applySeed_oneReplicaSetAndThreePodsSpreadOverTwoNodes() {
        assertThat(kubectl("apply", "-f", seedDeploy.toString()))
                .contains(
                        "service/nginx-svc-clusterip created",
                        "deployment.apps/deployment-nginx created");
        String rs = awaitKubectl(out -> out.lines().count() == 1, "get", "rs", "-o", "name");
        assertThat(rs.trim()).matches("replicaset.apps/deployment-nginx-[a-z0-9]+");
        String rsName = rs.trim().substring("replicaset.apps/".length());
        String pods = awaitKubectl(out -> count(out, "Running") == 3, "get", "po", "-o", "wide");
        assertThat(count(pods, rsName + "-[a-z0-9]{5}\\s")).isEqualTo(3);
        assertThat(count(pods, "node-1")).isGreaterThanOrEqualTo(1);
        assertThat(count(pods, "node-2")).isGreaterThanOrEqualTo(1);
        assertThat(pods)
                .containsPattern(
                        rsName
                                + "-\\w{5}\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+"
                                + POD_IP
                                + "\\s+node-");

        assertThat(awaitKubectl(out -> out.contains("Available"), "describe", "deploy", DEPLOY))
                .containsPattern("Replicas:\\s+3 desired \\| 3 updated \\| 3 total")
                .containsPattern("NewReplicaSet:\\s+" + rsName + " \\(3/3 replicas created\\)")
                .containsPattern(
                        "Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+"
                                + "Scaled up replica set "
                                + rsName
                                + " from 0 to 3");
        assertThat(kubectl("describe", "rs", rsName))
                .containsPattern("Controlled By:\\s+Deployment/deployment-nginx")
                .containsPattern(
                        "Normal\\s+SuccessfulCreate\\s+\\S+\\s+replicaset-controller\\s+Created pod: "
                                + rsName
                                + "-\\w{5}");
        String pod = pods("default").get(0).getMetadata().getName();
        assertThat(kubectl("describe", "po", pod))
                .containsPattern("Controlled By:\\s+ReplicaSet/" + rsName)
                .containsPattern(
                        "Normal\\s+Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned default/"
                                + pod
                                + " to node-[12]");
        assertThat(kubectl("get", "nodes", "-o", "jsonpath={.items[*].spec.podCIDR}"))
                .isEqualTo("127.244.1.0/24 127.244.2.0/24");
    }

    @Test
    @Order(2)
    void readyPods_areTheServiceEndpoints() {
        awaitReadyEndpoints("default", SVC, 3);
        String ep = kubectl("get", "endpoints", SVC);
        assertThat(ep)
                .containsPattern(
                        SVC + "\\s+" + POD_IP + ":80," + POD_IP + ":80," + POD_IP + ":80\\s");
        String describe =
                awaitKubectl(out -> count(out, POD_IP + ":80") == 3, "describe", "svc", SVC);
        assertThat(describe)
                .containsPattern(
                        "Endpoints:\\s+" + POD_IP + ":80," + POD_IP + ":80," + POD_IP + ":80\n");
        assertThat(
                        kubectl(
                                "get",
                                "endpointslices",
                                "-l",
                                "kubernetes.io/service-name=" + SVC,
                                "-o",
                                "jsonpath={.items[*].metadata.labels.endpointslice\\.kubernetes\\.io/managed-by}"))
                .isEqualTo("endpointslice-controller.k8s.io");
    }

    @Test
    @Order(3)
    void deletedPods_areReplaced_andTheNewOnesBecomeTheEndpoints() throws Exception {
        List<String> old = pods("default").stream().map(p -> p.getMetadata().getName()).toList();
        AtomicLong done = new AtomicLong();
        Thread watcher =
                new Thread(
                        () -> {
                            while (done.get() == 0 && !Thread.currentThread().isInterrupted()) {
                                Set<String> targets =
                                        readyTargets(
                                                client.endpoints()
                                                        .inNamespace("default")
                                                        .withName(SVC)
                                                        .get());
                                if (targets.size() == 3
                                        && targets.stream().noneMatch(old::contains)) {
                                    done.set(System.nanoTime());
                                    return;
                                }
                                try {
                                    Thread.sleep(5);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "endpoints-poller");
        List<String> args = new ArrayList<>(List.of("delete", "po"));
        args.addAll(old);
        long start = System.nanoTime();
        watcher.start();
        String out = kubectl(args.toArray(String[]::new));
        long kubectlReturned = System.nanoTime();
        for (String name : old) {
            assertThat(out).contains("pod \"" + name + "\" deleted");
        }
        Awaitility.await().atMost(WAIT).until(() -> done.get() != 0);
        watcher.join();
        long millis = (done.get() - start) / 1_000_000;
        log.info(
                "MEASURED: kubectl delete po (3 pods) -> Endpoints list the 3 new Ready Pods: {} ms"
                        + " (kubectl delete itself returned after {} ms)",
                millis,
                (kubectlReturned - start) / 1_000_000);
        String pods = awaitKubectl(o -> count(o, "Running") == 3, "get", "po");
        for (String name : old) {
            assertThat(pods).doesNotContain(name);
        }
        assertThat(kubectl("get", "ep", SVC))
                .containsPattern(
                        SVC + "\\s+" + POD_IP + ":80," + POD_IP + ":80," + POD_IP + ":80\\s");
    }

    @Test
    @Order(4)
    void podGoingNotReady_movesToNotReadyAddresses_andBack() {
        Pod pod = runningReady("default").get(0);
        String ip = pod.getStatus().getPodIP();
        kubelet.setReady("default", pod.getMetadata().getName(), false);
        String describe =
                awaitKubectl(
                        out -> out.contains("NotReadyAddresses:  " + ip), "describe", "ep", SVC);
        assertThat(describe).containsPattern("Addresses:\\s+" + POD_IP + "," + POD_IP + "\n");
        assertThat(
                        kubectl(
                                "get",
                                "ep",
                                SVC,
                                "-o",
                                "jsonpath={.subsets[*].notReadyAddresses[*].ip}"))
                .isEqualTo(ip);
        assertThat(count(kubectl("get", "ep", SVC), POD_IP + ":80")).isEqualTo(2);
        // kubectl describe svc shows only ready endpoints (from the EndpointSlices)
        awaitKubectl(
                out -> count(out, POD_IP + ":80") == 2 && !out.contains(ip + ":80"),
                "describe",
                "svc",
                SVC);

        kubelet.setReady("default", pod.getMetadata().getName(), true);
        awaitKubectl(out -> out.contains("NotReadyAddresses:  <none>"), "describe", "ep", SVC);
        awaitKubectl(out -> count(out, POD_IP + ":80") == 3, "describe", "svc", SVC);
    }

    @Test
    @Order(5)
    void selectorlessServiceWithHandWrittenEndpoints_isMirroredIntoAnEndpointSlice() {
        assertThat(kubectl("apply", "-f", seedEp.toString()))
                .contains("endpoints/harbor-huangxin created", "service/harbor-huangxin created");
        String slices =
                awaitKubectl(
                        out -> out.contains("127.0.0.250"),
                        "get",
                        "endpointslices",
                        "-l",
                        "kubernetes.io/service-name=harbor-huangxin");
        assertThat(slices)
                .containsPattern("harbor-huangxin-\\w+\\s+IPv4\\s+80\\s+127\\.0\\.0\\.250\\s");
        assertThat(
                        kubectl(
                                "get",
                                "endpointslices",
                                "-l",
                                "kubernetes.io/service-name=harbor-huangxin",
                                "-o",
                                "jsonpath={.items[0].metadata.labels.endpointslice\\.kubernetes\\.io/managed-by}"
                                        + " {.items[0].metadata.ownerReferences[0].kind}"))
                .isEqualTo("endpointslicemirroring-controller.k8s.io Endpoints");
        assertThat(kubectl("describe", "svc", "harbor-huangxin"))
                .containsPattern("Endpoints:\\s+127\\.0\\.0\\.250:80\n");
        assertThat(kubectl("get", "ep", "harbor-huangxin"))
                .containsPattern("harbor-huangxin\\s+127\\.0\\.0\\.250:80\\s");
    }

    @Test
    @Order(6)
    void scale_addsAndRemovesPodsAndEndpoints() {
        assertThat(kubectl("scale", "deploy", DEPLOY, "--replicas=5"))
                .contains("deployment.apps/deployment-nginx scaled");
        awaitReadyEndpoints("default", SVC, 5);
        assertThat(awaitKubectl(out -> out.contains("5/5"), "get", "deploy", DEPLOY))
                .containsPattern(DEPLOY + "\\s+5/5\\s+5\\s+5\\s");
        kubectl("scale", "deploy", DEPLOY, "--replicas=3");
        awaitReadyEndpoints("default", SVC, 3);
        awaitKubectl(out -> out.contains("3/3"), "get", "deploy", DEPLOY);
        assertThat(kubectl("get", "rs", "-o", "name").lines().count()).isEqualTo(1);
    }

    @Test
    @Order(7)
    void rolloutStatus_andRolloutRestart() {
        assertThat(kubectl("rollout", "status", "deploy/" + DEPLOY, "--timeout=60s"))
                .contains("deployment \"deployment-nginx\" successfully rolled out");
        String oldRs = kubectl("get", "rs", "-o", "name").trim();
        assertThat(kubectl("rollout", "restart", "deploy/" + DEPLOY))
                .contains("deployment.apps/deployment-nginx restarted");
        assertThat(kubectl("rollout", "status", "deploy/" + DEPLOY, "--timeout=90s"))
                .contains("deployment \"deployment-nginx\" successfully rolled out");
        String rs = kubectl("get", "rs");
        assertThat(rs.lines().count()).isEqualTo(3); // header, old (0) and new (3)
        assertThat(rs)
                .containsPattern(
                        oldRs.substring("replicaset.apps/".length()) + "\\s+0\\s+0\\s+0\\s");
        String newRs =
                kubectl(
                        "get",
                        "rs",
                        "-l",
                        "app=nginx",
                        "-o",
                        "jsonpath={.items[?(@.spec.replicas==3)].metadata.name}");
        assertThat(newRs).startsWith(DEPLOY + "-").isNotEqualTo(oldRs);
        awaitReadyEndpoints("default", SVC, 3);
        Awaitility.await()
                .atMost(WAIT)
                .until(
                        () ->
                                readyTargets(
                                                client.endpoints()
                                                        .inNamespace("default")
                                                        .withName(SVC)
                                                        .get())
                                        .stream()
                                        .allMatch(n -> n.startsWith(newRs + "-")));
        assertThat(kubectl("rollout", "history", "deploy/" + DEPLOY))
                .containsPattern("(?m)^1\\s")
                .containsPattern("(?m)^2\\s");
    }

    @Test
    @Order(8)
    void deleteWithCascadeOrphan_keepsReplicaSetsAndPods_whichTheNextDeploymentAdopts() {
        List<String> rsBefore = rsNames("default");
        assertThat(rsBefore).as("the ReplicaSets the adoption below checks").isNotEmpty();
        List<String> podsBefore =
                pods("default").stream().map(p -> p.getMetadata().getName()).sorted().toList();
        assertThat(kubectl("delete", "deploy", DEPLOY, "--cascade=orphan"))
                .contains("deployment.apps \"deployment-nginx\" deleted");
        assertThat(client.apps().deployments().inNamespace("default").withName(DEPLOY).get())
                .isNull();
        Awaitility.await()
                .atMost(WAIT)
                .until(
                        () ->
                                client
                                        .apps()
                                        .replicaSets()
                                        .inNamespace("default")
                                        .list()
                                        .getItems()
                                        .stream()
                                        .allMatch(
                                                rs ->
                                                        rs.getMetadata().getOwnerReferences()
                                                                        == null
                                                                || rs.getMetadata()
                                                                        .getOwnerReferences()
                                                                        .isEmpty()));
        assertThat(rsNames("default")).isEqualTo(rsBefore);
        assertThat(pods("default").stream().map(p -> p.getMetadata().getName()).sorted().toList())
                .isEqualTo(podsBefore);

        // the seed's template is the first revision's: the new Deployment adopts both ReplicaSets
        kubectl("apply", "-f", seedDeploy.toString());
        String uid =
                Awaitility.await()
                        .atMost(WAIT)
                        .until(
                                () ->
                                        client.apps()
                                                .deployments()
                                                .inNamespace("default")
                                                .withName(DEPLOY)
                                                .get(),
                                d -> d != null)
                        .getMetadata()
                        .getUid();
        Awaitility.await()
                .atMost(WAIT)
                .until(
                        () ->
                                client
                                        .apps()
                                        .replicaSets()
                                        .inNamespace("default")
                                        .list()
                                        .getItems()
                                        .stream()
                                        .allMatch(
                                                rs ->
                                                        rs.getMetadata().getOwnerReferences()
                                                                        != null
                                                                && rs
                                                                        .getMetadata()
                                                                        .getOwnerReferences()
                                                                        .stream()
                                                                        .anyMatch(
                                                                                r ->
                                                                                        uid.equals(
                                                                                                r
                                                                                                        .getUid()))));
        assertThat(kubectl("rollout", "status", "deploy/" + DEPLOY, "--timeout=90s"))
                .contains("successfully rolled out");
        assertThat(rsNames("default")).isEqualTo(rsBefore);
        awaitReadyEndpoints("default", SVC, 3);
    }

    private static List<String> rsNames(String namespace) {
        return client.apps().replicaSets().inNamespace(namespace).list().getItems().stream()
                .map(ReplicaSet::getMetadata)
                .map(m -> m.getName())
                .sorted()
                .toList();
    }

    @Test
    @Order(9)
    void deleteWithCascadeForeground_returnsOnlyOnceReplicaSetsAndPodsAreGone() {
        assertThat(kubectl("delete", "deploy", DEPLOY, "--cascade=foreground"))
                .contains("deployment.apps \"deployment-nginx\" deleted");
        assertThat(client.apps().deployments().inNamespace("default").withName(DEPLOY).get())
                .isNull();
        assertThat(client.apps().replicaSets().inNamespace("default").list().getItems()).isEmpty();
        assertThat(pods("default")).isEmpty();
        awaitKubectl(out -> out.contains("<none>"), "get", "ep", SVC);
    }

    @Test
    @Order(10)
    void deleteDeployment_inTheBackground_takesReplicaSetsAndPodsWithIt() {
        kubectl("apply", "-f", seedDeploy.toString());
        awaitReadyEndpoints("default", SVC, 3);
        assertThat(kubectl("delete", "-f", seedDeploy.toString()))
                .contains(
                        "service \"nginx-svc-clusterip\" deleted",
                        "deployment.apps \"deployment-nginx\" deleted");
        awaitKubectl(out -> out.isBlank(), "get", "rs,po", "-o", "name");
        awaitKubectl(out -> !out.contains(SVC), "get", "ep,endpointslices", "-o", "name");
    }

    @Test
    @Order(11)
    void deleteNamespace_removesEverythingInIt() throws Exception {
        assertThat(kubectl("create", "namespace", "shop")).contains("namespace/shop created");
        Path deploy = cluster.dir().resolve("shop-deploy.yaml");
        Files.writeString(
                deploy,
                Files.readString(seedDeploy).replace("namespace: default", "namespace: shop"),
                StandardCharsets.UTF_8);
        kubectl("apply", "-f", deploy.toString());
        kubectl("apply", "-n", "shop", "-f", seedEp.toString());
        awaitReadyEndpoints("shop", SVC, 3);
        awaitKubectl(out -> out.contains("127.0.0.250"), "get", "endpointslices", "-n", "shop");

        assertThat(kubectl("delete", "namespace", "shop")).contains("namespace \"shop\" deleted");
        Kubectl.Result ns = cluster.kubectl().run("get", "ns", "shop");
        assertThat(ns.exitCode()).isEqualTo(1);
        assertThat(ns.stderr()).contains("namespaces \"shop\" not found");
        for (String kind :
                List.of(
                        "pods",
                        "replicasets",
                        "deployments",
                        "services",
                        "endpoints",
                        "endpointslices",
                        "events")) {
            assertThat(kubectl("get", kind, "-n", "shop", "-o", "name")).as(kind).isBlank();
        }
    }

    @Test
    @Order(12)
    void silentNode_isUnknownAndItsPodsLeaveTheEndpoints_untilItIsBack() {
        kubectl("apply", "-f", seedDeploy.toString());
        awaitReadyEndpoints("default", SVC, 3);
        List<Pod> onNode2 =
                runningReady("default").stream()
                        .filter(p -> "node-2".equals(p.getSpec().getNodeName()))
                        .toList();
        assertThat(onNode2).isNotEmpty();
        Set<String> node2Ips =
                onNode2.stream().map(p -> p.getStatus().getPodIP()).collect(Collectors.toSet());

        kubelet.stop("node-2");
        awaitKubectl(out -> out.matches("(?s).*node-2\\s+NotReady\\s.*"), "get", "nodes");
        assertThat(
                        kubectl(
                                "get",
                                "node",
                                "node-2",
                                "-o",
                                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.status.conditions[?(@.type==\"Ready\")].reason}"))
                .isEqualTo("Unknown NodeStatusUnknown");
        Awaitility.await()
                .atMost(WAIT)
                .until(
                        () -> {
                            List<String> ready =
                                    readyIps(
                                            client.endpoints()
                                                    .inNamespace("default")
                                                    .withName(SVC)
                                                    .get());
                            return ready.size() == 3 - onNode2.size()
                                    && ready.stream().noneMatch(node2Ips::contains);
                        });
        String notReady =
                kubectl("get", "ep", SVC, "-o", "jsonpath={.subsets[*].notReadyAddresses[*].ip}");
        assertThat(Set.of(notReady.split(" "))).isEqualTo(node2Ips);
        assertThat(kubectl("describe", "node", "node-2"))
                .containsPattern(
                        "Normal\\s+NodeNotReady\\s+\\S+\\s+node-controller\\s+Node node-2 status is now: NodeNotReady");

        kubelet.resume("node-2");
        awaitKubectl(out -> out.matches("(?s).*node-2\\s+Ready\\s.*"), "get", "nodes");
        awaitReadyEndpoints("default", SVC, 3);
        assertThat(
                        Set.copyOf(
                                readyIps(
                                        client.endpoints()
                                                .inNamespace("default")
                                                .withName(SVC)
                                                .get())))
                .containsAll(node2Ips);
    }

    @Test
    @Order(20)
    void theControllers_reachTheApiOverTheInProcessListener() {
        // their writes above (ReplicaSets, Pods, Endpoints, bindings) came over the in-process
        // listener, without TLS: /metrics counts them apart from kubectl's
        double inProcess =
                kubectl("get", "--raw", "/metrics")
                        .lines()
                        .filter(
                                l ->
                                        l.startsWith(
                                                "j8s_apiserver_requests_by_transport_total{transport=\"in-process\"}"))
                        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                        .sum();
        assertThat(inProcess).isGreaterThan(100);
    }
}
