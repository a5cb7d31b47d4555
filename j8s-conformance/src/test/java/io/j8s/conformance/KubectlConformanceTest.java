package io.j8s.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kubectl 1.20 and 1.27 to 1.33 against one real j8s server: the seed walk-through
 * (docs/walkthrough.md) with a scale, CRUD of every kind j8s serves, list then watch, a 410 on a
 * watch from a compacted revision, a 409, every patch type, server-side apply, explain
 * (docs/compatibility.md). Each version works in its own namespace.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlConformanceTest {
    private static final Pattern POD_ROW =
            Pattern.compile(
                    "(deployment-nginx-[a-z0-9]+-[a-z0-9]{5})\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+(127\\.233\\.\\d+\\.\\d+)\\s+"
                            + "(kubectl-[12])\\s+<none>\\s+<none>");

    private static TestCluster cluster;
    private static final Map<String, KubectlVersions.Runner> runners = new ConcurrentHashMap<>();

    /** A resourceVersion older than the server's compacted revision. */
    private static String compactedAway;

    static List<String> versions() {
        return KubectlVersions.expected();
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = ConformanceCluster.start("kubectl", "127.233.0.0/16");
        try (KubernetesClient admin = cluster.client()) {
            admin.namespaces()
                    .resource(
                            new NamespaceBuilder()
                                    .withNewMetadata()
                                    .withName("compacted")
                                    .endMetadata()
                                    .build())
                    .create();
            compactedAway =
                    admin.configMaps()
                            .inNamespace("compacted")
                            .resource(
                                    new ConfigMapBuilder()
                                            .withNewMetadata()
                                            .withName("old")
                                            .endMetadata()
                                            .build())
                            .create()
                            .getMetadata()
                            .getResourceVersion();
            admin.configMaps()
                    .inNamespace("compacted")
                    .withName("old")
                    .edit(
                            c -> {
                                c.setData(Map.of("a", "1"));
                                return c;
                            });
        }
        ConformanceCluster.compactAndRestart(cluster);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static KubectlVersions.Runner kubectl(String version) {
        return runners.computeIfAbsent(
                version,
                v -> new KubectlVersions.Runner(v, cluster.server().kubeconfig(), cluster.dir()));
    }

    /** The namespace of a version: k1-27 for 1.27. */
    private static String ns(String version) {
        return "k" + version.replace('.', '-');
    }

    private static Path manifest(String version, String name, String text) throws Exception {
        return Files.writeString(
                kubectl(version).home().resolve(name), text.replace("NS", ns(version)));
    }

    private static String await(KubectlVersions.Runner k, Predicate<String> check, String... args) {
        String[] last = {""};
        Awaitility.await("kubectl " + k.version() + " " + String.join(" ", args))
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> {
                            Kubectl.Result r = k.run(args);
                            last[0] = r.stdout();
                            return r.exitCode() == 0 && check.test(r.stdout());
                        });
        return last[0];
    }

    private static Set<String> ips(String text) {
        Set<String> ips = new HashSet<>();
        Matcher m = Pattern.compile("127\\.233\\.\\d+\\.\\d+").matcher(text);
        while (m.find()) {
            ips.add(m.group());
        }
        return ips;
    }

    private static String line(String output, String start) {
        return output.lines().filter(l -> l.startsWith(start)).findFirst().orElse("");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @MethodSource("versions")
    @Order(1)
    void seedWalkthrough_applyRolloutReapplyScaleDelete(String version) throws Exception {
        KubectlVersions.Runner k = kubectl(version);
        String ns = ns(version);
        k.ok("create", "namespace", ns);
        String seed =
                Files.readString(TestCluster.repoFile("examples/seed/nginx-deploy.yaml"))
                        .replace("namespace: default", "namespace: " + ns);
        Path file = Files.writeString(k.home().resolve("nginx-deploy.yaml"), seed);

        assertThat(k.ok("apply", "-f", file.toString()))
                .isEqualTo(
                        "service/nginx-svc-clusterip created\ndeployment.apps/deployment-nginx created\n");
        assertThat(
                        k.ok(
                                "-n",
                                ns,
                                "rollout",
                                "status",
                                "deployment/deployment-nginx",
                                "--timeout=120s"))
                .endsWith("deployment \"deployment-nginx\" successfully rolled out\n");

        String wide =
                await(
                        k,
                        out -> POD_ROW.matcher(out).results().count() == 3,
                        "-n",
                        ns,
                        "get",
                        "po",
                        "-o",
                        "wide");
        assertThat(wide.lines().findFirst().orElseThrow())
                .matches(
                        "NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE\\s+IP\\s+NODE\\s+NOMINATED NODE\\s+READINESS GATES");
        Set<String> podIps = ips(wide);
        assertThat(podIps).hasSize(3);

        String describe =
                await(
                        k,
                        out -> ips(line(out, "Endpoints:")).equals(podIps),
                        "-n",
                        ns,
                        "describe",
                        "svc",
                        "nginx-svc-clusterip");
        assertThat(describe)
                .containsPattern("Name:\\s+nginx-svc-clusterip\n")
                .containsPattern("Namespace:\\s+" + ns + "\n")
                .containsPattern("Selector:\\s+app=nginx\n")
                .containsPattern("Type:\\s+ClusterIP\n")
                .containsPattern("IP:\\s+127\\.96\\.\\d+\\.\\d+\n")
                .containsPattern("Port:\\s+clusterip-nginx\\s+80/TCP\n")
                .containsPattern("TargetPort:\\s+80/TCP\n")
                .containsPattern("Session Affinity:\\s+None\n");
        String ep = k.ok("-n", ns, "get", "ep");
        assertThat(ep.lines().findFirst().orElseThrow()).matches("NAME\\s+ENDPOINTS\\s+AGE");
        assertThat(ips(line(ep, "nginx-svc-clusterip"))).isEqualTo(podIps);

        assertThat(k.ok("apply", "-f", file.toString()))
                .isEqualTo(
                        "service/nginx-svc-clusterip unchanged\ndeployment.apps/deployment-nginx unchanged\n");

        // The Endpoints and EndpointSlices follow a scale up and down (a later apply would reset
        // the
        // replicas to the manifest's: kubectl patches from the live object to the manifest).
        for (int replicas : new int[] {4, 2}) {
            assertThat(
                            k.ok(
                                    "-n",
                                    ns,
                                    "scale",
                                    "deployment/deployment-nginx",
                                    "--replicas=" + replicas))
                    .isEqualTo("deployment.apps/deployment-nginx scaled\n");
            k.ok("-n", ns, "rollout", "status", "deployment/deployment-nginx", "--timeout=120s");
            k.ok(
                    "-n",
                    ns,
                    "wait",
                    "--for=condition=Available",
                    "deployment/deployment-nginx",
                    "--timeout=120s");
            Set<String> running =
                    ips(
                            await(
                                    k,
                                    out ->
                                            POD_ROW.matcher(out).results().count() == replicas
                                                    && !out.contains("Terminating"),
                                    "-n",
                                    ns,
                                    "get",
                                    "po",
                                    "-o",
                                    "wide"));
            await(
                    k,
                    out -> ips(out).equals(running),
                    "-n",
                    ns,
                    "get",
                    "ep",
                    "nginx-svc-clusterip",
                    "-o",
                    "jsonpath={.subsets[*].addresses[*].ip}");
            await(
                    k,
                    out -> ips(out).equals(running),
                    "-n",
                    ns,
                    "get",
                    "endpointslices",
                    "-l",
                    "kubernetes.io/service-name=nginx-svc-clusterip",
                    "-o",
                    "jsonpath={range .items[*].endpoints[?(@.conditions.ready==true)]}{.addresses[0]} {end}");
        }

        assertThat(k.ok("delete", "-f", file.toString()))
                .isEqualTo(
                        "service \"nginx-svc-clusterip\" deleted\ndeployment.apps \"deployment-nginx\" deleted\n");
        assertThat(k.run("-n", ns, "get", "svc,deploy", "-o", "name").stdout()).isEmpty();
    }

    @ParameterizedTest(name = "kubectl {0}")
    @MethodSource("versions")
    @Order(2)
    void crud_ofEveryKind_createGetLabelDelete(String version) throws Exception {
        KubectlVersions.Runner k = kubectl(version);
        String ns = ns(version);
        Path all = manifest(version, "every-kind.yaml", EveryKind.yaml());
        List<String> names =
                List.of(
                        "configmap/cm",
                        "secret/secret",
                        "service/svc",
                        "endpoints/ep",
                        "endpointslice.discovery.k8s.io/ep-1",
                        "pod/pod",
                        "deployment.apps/deploy",
                        "replicaset.apps/rs",
                        "serviceaccount/sa",
                        "role.rbac.authorization.k8s.io/role",
                        "rolebinding.rbac.authorization.k8s.io/rb",
                        "clusterrole.rbac.authorization.k8s.io/" + ns + "-role",
                        "clusterrolebinding.rbac.authorization.k8s.io/" + ns + "-binding",
                        "lease.coordination.k8s.io/lease",
                        "event/event",
                        "node/" + ns + "-node");
        StringBuilder created = new StringBuilder();
        StringBuilder labeled = new StringBuilder();
        for (String name : names) {
            created.append(name).append(" created\n");
            labeled.append(name).append(" labeled\n");
        }
        assertThat(k.ok("create", "-f", all.toString())).isEqualTo(created.toString());
        assertThat(k.ok("get", "-f", all.toString(), "-o", "name"))
                .isEqualTo(String.join("\n", names) + "\n");
        assertThat(k.ok("label", "-f", all.toString(), "conformance=updated"))
                .isEqualTo(labeled.toString());
        assertThat(
                        k.ok(
                                "get",
                                "-f",
                                all.toString(),
                                "-o",
                                "jsonpath={range .items[*]}{.metadata.labels.conformance} {end}"))
                .isEqualTo("updated ".repeat(names.size()));
        assertThat(k.ok("get", "secret", "secret", "-n", ns, "-o", "jsonpath={.data.password}"))
                .isEqualTo("czNjcmV0");
        String deleted = k.ok("delete", "-f", all.toString());
        for (String name : names) {
            String[] parts = name.split("/");
            assertThat(deleted).contains(parts[0] + " \"" + parts[1] + "\" deleted\n");
        }
        assertThat(k.ok("get", "-f", all.toString(), "--ignore-not-found", "-o", "name")).isEmpty();
    }

    @ParameterizedTest(name = "kubectl {0}")
    @MethodSource("versions")
    @Order(3)
    void getWatch_listsThenWatchesFromTheListsResourceVersion(String version) throws Exception {
        KubectlVersions.Runner k = kubectl(version);
        String ns = ns(version);
        k.ok("-n", ns, "create", "configmap", "before", "--from-literal=a=1");
        Path out = k.home().resolve("watch.out");
        Process watch = k.start(out, "-n", ns, "get", "configmaps", "-w", "--output-watch-events");
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Files.exists(out) && Files.readString(out).contains("before"));
            k.ok("-n", ns, "create", "configmap", "after", "--from-literal=a=1");
            k.ok(
                    "-n",
                    ns,
                    "patch",
                    "configmap",
                    "after",
                    "--type=merge",
                    "-p",
                    "{\"data\":{\"b\":\"2\"}}");
            k.ok("-n", ns, "delete", "configmap", "after");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> Files.readString(out).contains("DELETED"));
        } finally {
            watch.destroy();
            watch.waitFor();
        }
        String printed = Files.readString(out);
        assertThat(printed.lines().findFirst().orElseThrow())
                .matches("EVENT\\s+NAME\\s+DATA\\s+AGE");
        assertThat(printed).containsOnlyOnce("before");
        assertThat(printed)
                .containsPattern("ADDED\\s+before\\s+1\\s")
                .containsPattern("ADDED\\s+after\\s+1\\s")
                .containsPattern("MODIFIED\\s+after\\s+2\\s")
                .containsPattern("DELETED\\s+after\\s+2\\s");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @MethodSource("versions")
    @Order(4)
    void watchFromACompactedRevision_is410Gone(String version) {
        String out =
                kubectl(version)
                        .ok(
                                "get",
                                "--raw",
                                "/api/v1/namespaces/compacted/configmaps?watch=1&resourceVersion="
                                        + compactedAway);
        assertThat(out)
                .contains("\"type\":\"ERROR\"")
                .contains("\"code\":410")
                .contains("\"reason\":\"Expired\"")
                .contains("too old resource version: " + compactedAway);
    }

    @ParameterizedTest(name = "kubectl {0}")
    @MethodSource("versions")
    @Order(5)
    void replaceWithAStaleResourceVersion_is409Conflict(String version) throws Exception {
        KubectlVersions.Runner k = kubectl(version);
        String ns = ns(version);
        k.ok("-n", ns, "create", "configmap", "cas", "--from-literal=a=1");
        Path stale =
                Files.writeString(
                        k.home().resolve("cas.yaml"),
                        k.ok("-n", ns, "get", "cm", "cas", "-o", "yaml"));
        k.ok("-n", ns, "label", "cm", "cas", "moved=on");
        Kubectl.Result r = k.run("replace", "-f", stale.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr())
                .contains("Error from server (Conflict)")
                .contains(
                        "Operation cannot be fulfilled on"
                                + " configmaps \"cas\": the object has been modified; please apply your changes to the latest version"
                                + " and try again");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @MethodSource("versions")
    @Order(6)
    void patch_json_merge_strategic(String version) {
        KubectlVersions.Runner k = kubectl(version);
        String ns = ns(version);
        Path deploy;
        try {
            deploy =
                    manifest(
                            version,
                            "patched.yaml",
                            """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: patched, namespace: NS}
                    spec:
                      replicas: 0
                      selector: {matchLabels: {app: patched}}
                      template:
                        metadata: {labels: {app: patched}}
                        spec:
                          containers:
                          - {name: c0, image: "nginx:1.14.1"}
                          - {name: c1, image: "busybox:1"}
                    """);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        k.ok("create", "-f", deploy.toString());
        assertThat(
                        k.ok(
                                "-n",
                                ns,
                                "patch",
                                "deployment",
                                "patched",
                                "--type=json",
                                "-p",
                                "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"nginx:1.15\"}]"))
                .isEqualTo("deployment.apps/patched patched\n");
        assertThat(
                        k.ok(
                                "-n",
                                ns,
                                "patch",
                                "deployment",
                                "patched",
                                "--type=merge",
                                "-p",
                                "{\"metadata\":{\"labels\":{\"patched\":\"merge\"}}}"))
                .isEqualTo("deployment.apps/patched patched\n");
        assertThat(
                        k.ok(
                                "-n",
                                ns,
                                "patch",
                                "deployment",
                                "patched",
                                "--type=strategic",
                                "-p",
                                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"c1\",\"image\":\"busybox:2\"}]}}}}"))
                .isEqualTo("deployment.apps/patched patched\n");
        assertThat(
                        k.ok(
                                "-n",
                                ns,
                                "get",
                                "deployment",
                                "patched",
                                "-o",
                                "jsonpath={.metadata.labels.patched} {range .spec.template.spec.containers[*]}{.name}={.image} {end}"))
                .isEqualTo("merge c0=nginx:1.15 c1=busybox:2 ");
        // Patching to what is there already changes nothing.
        assertThat(
                        k.ok(
                                "-n",
                                ns,
                                "patch",
                                "deployment",
                                "patched",
                                "--type=merge",
                                "-p",
                                "{\"metadata\":{\"labels\":{\"patched\":\"merge\"}}}"))
                .isEqualTo("deployment.apps/patched patched (no change)\n");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @MethodSource("versions")
    @Order(7)
    void applyServerSide_createsTheObject_andTheSameApplyWritesNothing(String version)
            throws Exception {
        // docs/server-side-apply.md
        KubectlVersions.Runner k = kubectl(version);
        Path manifest =
                manifest(
                        version,
                        "applied.yaml",
                        """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: applied, namespace: NS}
                data: {a: "1"}
                """);
        assertThat(k.ok("apply", "--server-side", "-f", manifest.toString()))
                .isEqualTo("configmap/applied serverside-applied\n");
        String first =
                k.ok(
                        "-n",
                        ns(version),
                        "get",
                        "cm",
                        "applied",
                        "-o",
                        "jsonpath={.metadata.resourceVersion}");
        assertThat(k.ok("apply", "--server-side", "-f", manifest.toString()))
                .isEqualTo("configmap/applied serverside-applied\n");
        assertThat(
                        k.ok(
                                "-n",
                                ns(version),
                                "get",
                                "cm",
                                "applied",
                                "-o",
                                "jsonpath={.metadata.resourceVersion} {.data.a}"))
                .isEqualTo(first + " 1");
    }

    @ParameterizedTest(name = "kubectl {0}")
    @MethodSource("versions")
    @Order(8)
    void explain_sessionAffinity_andDeploymentSpecRecursive(String version) {
        KubectlVersions.Runner k = kubectl(version);
        String affinity = k.ok("explain", "svc.spec.sessionAffinity");
        assertThat(affinity)
                .containsPattern("KIND:\\s+Service\n")
                .containsPattern("VERSION:\\s+v1\n")
                .containsPattern("FIELD:\\s+sessionAffinity\\s+<string>\n")
                .contains("ClientIP");
        String recursive = k.ok("explain", "deploy.spec", "--recursive");
        // kubectl 1.20 prints VERSION: apps/v1; later ones GROUP: apps and VERSION: v1.
        assertThat(recursive)
                .containsPattern("KIND:\\s+Deployment\n")
                .containsPattern("VERSION:\\s+(apps/)?v1\n")
                .containsPattern("\n\\s+replicas\\s+<integer>\n")
                .containsPattern("\n\\s+selector\\s+<(Object|LabelSelector)>( -required-)?\n")
                .containsPattern("\n\\s+maxSurge\\s+<(string|IntOrString)>\n")
                .containsPattern("\n\\s+containers\\s+<\\[\\](Object|Container)>( -required-)?\n");
    }
}
