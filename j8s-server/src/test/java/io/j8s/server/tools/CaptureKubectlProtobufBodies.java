package io.j8s.server.tools;

import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.RecordingProxy;
import io.j8s.server.testing.TestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Captures the protobuf request bodies the real kubectl sends for its typed commands, as fixtures
 * for {@code io.j8s.api.protobuf.KubectlBodiesTest}: kubectl talks to a j8s test server through a
 * {@link RecordingProxy}; each command's protobuf body is written as {@code <name>.pb}, and, for
 * commands that have {@code --dry-run=client}, the object kubectl prints with {@code
 * --dry-run=client -o json} as {@code <name>.json} (the JSON the same client sends for the same
 * object). Expected JSON for the other commands is written by hand and left alone.
 *
 * <p>Not part of the suite. Run it from the repository root with {@code ./mvnw -B -o test -pl
 * j8s-server -am -Dtest=CaptureKubectlProtobufBodies -Dsurefire.failIfNoSpecifiedTests=false
 * -Dj8s.captureProtobufBodies=true}.
 */
@EnabledIfSystemProperty(named = "j8s.captureProtobufBodies", matches = "true")
class CaptureKubectlProtobufBodies {
    static final String FIXTURES = "j8s-api/src/test/resources/io/j8s/api/protobuf/kubectl";

    /**
     * One command to capture; {@code dryRun}: whether kubectl can print its object with {@code
     * --dry-run=client}.
     */
    private record Fixture(String name, boolean dryRun, List<String> args) {}

    private static Fixture create(String name, String... args) {
        return new Fixture(name, true, List.of(args));
    }

    private static Fixture other(String name, String... args) {
        return new Fixture(name, false, List.of(args));
    }

    private static final List<Fixture> FIXTURE_LIST =
            List.of(
                    create(
                            "configmap",
                            "create",
                            "configmap",
                            "settings",
                            "--from-literal=mode=fast",
                            "--from-literal=empty=",
                            "--from-file=blob.bin"),
                    create(
                            "secret-generic",
                            "create",
                            "secret",
                            "generic",
                            "creds",
                            "--from-literal=password=s3cr3t",
                            "--type=Opaque"),
                    create(
                            "secret-docker-registry",
                            "create",
                            "secret",
                            "docker-registry",
                            "regcred",
                            "--docker-server=registry.example.com",
                            "--docker-username=u",
                            "--docker-password=p",
                            "--docker-email=u@example.com"),
                    create("namespace", "create", "namespace", "team-a"),
                    create("serviceaccount", "create", "serviceaccount", "builder"),
                    create(
                            "service-clusterip",
                            "create",
                            "service",
                            "clusterip",
                            "web",
                            "--tcp=80:8080",
                            "--tcp=443"),
                    create(
                            "service-headless",
                            "create",
                            "service",
                            "clusterip",
                            "headless",
                            "--clusterip=None"),
                    create(
                            "service-nodeport",
                            "create",
                            "service",
                            "nodeport",
                            "np",
                            "--tcp=80:8080",
                            "--node-port=30080"),
                    create(
                            "service-loadbalancer",
                            "create",
                            "service",
                            "loadbalancer",
                            "lb",
                            "--tcp=80"),
                    create(
                            "service-externalname",
                            "create",
                            "service",
                            "externalname",
                            "ext",
                            "--external-name=example.com",
                            "--tcp=80"),
                    create(
                            "deployment",
                            "create",
                            "deployment",
                            "web",
                            "--image=nginx:1.27",
                            "--image=busybox",
                            "--port=80",
                            "--replicas=3"),
                    create(
                            "deployment-zero-replicas",
                            "create",
                            "deployment",
                            "idle",
                            "--image=nginx",
                            "--replicas=0"),
                    create(
                            "role",
                            "create",
                            "role",
                            "pod-reader",
                            "--verb=get,list,watch",
                            "--resource=pods,deployments.apps",
                            "--resource-name=a",
                            "--resource-name=b"),
                    create(
                            "clusterrole",
                            "create",
                            "clusterrole",
                            "node-reader",
                            "--verb=get",
                            "--verb=list",
                            "--resource=nodes"),
                    create(
                            "clusterrole-nonresource",
                            "create",
                            "clusterrole",
                            "healthz",
                            "--verb=get",
                            "--non-resource-url=/healthz",
                            "--non-resource-url=/livez"),
                    create(
                            "clusterrole-aggregated",
                            "create",
                            "clusterrole",
                            "monitoring",
                            "--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true"),
                    create(
                            "rolebinding",
                            "create",
                            "rolebinding",
                            "read-pods",
                            "--role=pod-reader",
                            "--user=jane",
                            "--group=devs",
                            "--serviceaccount=default:builder"),
                    create(
                            "clusterrolebinding",
                            "create",
                            "clusterrolebinding",
                            "read-nodes",
                            "--clusterrole=node-reader",
                            "--user=jane"),
                    other(
                            "token",
                            "create",
                            "token",
                            "builder",
                            "--duration=10m",
                            "--audience=https://j8s.example",
                            "--bound-object-kind=Pod",
                            "--bound-object-name=web-pod"),
                    other("can-i", "auth", "can-i", "list", "pods", "-n", "kube-system"),
                    other(
                            "can-i-subresource",
                            "auth",
                            "can-i",
                            "create",
                            "pods",
                            "--subresource=log"),
                    other("can-i-nonresource", "auth", "can-i", "get", "/healthz"),
                    other("can-i-list", "auth", "can-i", "--list", "-n", "default"),
                    other("whoami", "auth", "whoami"),
                    other(
                            "drain-delete-options",
                            "drain",
                            "capture-node",
                            "--disable-eviction",
                            "--force",
                            "--grace-period=0",
                            "--timeout=20s"));

    private static final String SEED =
            """
            apiVersion: v1
            kind: Node
            metadata: {name: capture-node}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: lonely}
            spec:
              nodeName: capture-node
              containers: [{name: c, image: nginx}]
            """;

    @Test
    void capture() throws IOException, InterruptedException {
        Path out = TestCluster.repoFile(FIXTURES);
        try (TestCluster cluster = TestCluster.start();
                RecordingProxy proxy = RecordingProxy.start(cluster.server().apiUrl())) {
            Path work = Files.createDirectories(cluster.dir().resolve("capture"));
            byte[] blob = new byte[256];
            for (int i = 0; i < blob.length; i++) {
                blob[i] = (byte) i;
            }
            Files.write(work.resolve("blob.bin"), blob);
            Kubectl kubectl =
                    new Kubectl(
                            proxy.writeKubeconfig(
                                    cluster.server().kubeconfig(), work.resolve("kubeconfig")),
                            Files.createDirectories(work.resolve("cache")),
                            work);
            Files.writeString(work.resolve("seed.yaml"), SEED);
            kubectl.run("apply", "-f", "seed.yaml").ok();

            List<String> readme =
                    new ArrayList<>(
                            List.of(
                                    "# Protobuf bodies sent by the real kubectl",
                                    "",
                                    "Captured by `io.j8s.server.tools.CaptureKubectlProtobufBodies` (see its javadoc) with the kubectl",
                                    "that reports `"
                                            + kubectl.run("version", "--client")
                                                    .ok()
                                                    .lines()
                                                    .findFirst()
                                                    .orElse("?")
                                            + "` (against a server reporting v1.32, the",
                                    "gcloud dispatcher runs its built-in kubectl v1.32.4; see docs/architecture.md, \"Tests\").",
                                    "`<name>.pb` is the request body; `<name>.json` the JSON kubectl prints for the same object with",
                                    "`--dry-run=client -o json` (marked *dry-run*), or written by hand for commands without a dry run.",
                                    "",
                                    "| fixture | command | expected JSON |",
                                    "|---|---|---|"));
            for (Fixture fixture : FIXTURE_LIST) {
                proxy.clear();
                Kubectl.Result result = kubectl.run(fixture.args().toArray(String[]::new));
                RecordingProxy.Request request =
                        proxy.requests().stream()
                                .filter(
                                        r ->
                                                r.mediaType()
                                                        .equals(
                                                                "application/vnd.kubernetes.protobuf"))
                                .findFirst()
                                .orElseThrow(
                                        () ->
                                                new AssertionError(
                                                        "kubectl "
                                                                + fixture.args()
                                                                + " sent no protobuf body: "
                                                                + result));
                Files.write(out.resolve(fixture.name() + ".pb"), request.body());
                if (fixture.dryRun()) {
                    List<String> dryRun = new ArrayList<>(fixture.args());
                    dryRun.addAll(List.of("--dry-run=client", "-o", "json"));
                    Files.writeString(
                            out.resolve(fixture.name() + ".json"),
                            kubectl.run(dryRun.toArray(String[]::new)).ok(),
                            StandardCharsets.UTF_8);
                }
                readme.add(
                        "| `"
                                + fixture.name()
                                + "` | `kubectl "
                                + String.join(" ", fixture.args())
                                + "` | "
                                + (fixture.dryRun() ? "dry-run" : "by hand")
                                + " |");
            }
            Files.write(out.resolve("README.md"), readme, StandardCharsets.UTF_8);
        }
    }
}
