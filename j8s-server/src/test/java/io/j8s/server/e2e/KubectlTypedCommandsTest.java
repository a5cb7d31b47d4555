package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.RecordingProxy;
import io.j8s.server.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * kubectl's typed commands, which send their bodies as Kubernetes protobuf, against a real server:
 * kubectl talks to it through a {@link RecordingProxy}, so each test also checks that the body
 * really was protobuf. An object made by a typed command must read back exactly like the same
 * object created from the JSON manifest kubectl prints with {@code --dry-run=client}.
 */
class KubectlTypedCommandsTest {
    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

    private static TestCluster cluster;
    private static RecordingProxy proxy;
    private static Kubectl kubectl;

    @BeforeAll
    static void start() throws Exception {
        Kubectl.requireAvailable();
        cluster = TestCluster.start();
        proxy = RecordingProxy.start(cluster.server().apiUrl(), cluster.adminSslContext());
        Path work = Files.createDirectories(cluster.dir().resolve("typed"));
        kubectl =
                new Kubectl(
                        proxy.writeKubeconfig(
                                cluster.server().kubeconfig(), work.resolve("kubeconfig")),
                        Files.createDirectories(work.resolve("cache")),
                        work);
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * Runs kubectl and returns the protobuf bodies' request lines it sent ({@code POST
     * /api/v1/...}).
     */
    private static List<String> protobufRequests(Kubectl.Result[] result, String... args) {
        proxy.clear();
        result[0] = kubectl.run(args);
        return proxy.requests().stream()
                .filter(r -> r.mediaType().equals(PROTOBUF))
                .map(r -> r.method() + " " + r.uri().replaceFirst("\\?.*", ""))
                .toList();
    }

    static Stream<Arguments> typedCreates() {
        return Stream.of(
                Arguments.of(
                        "configmap",
                        "create configmap %s --from-literal=mode=fast --from-literal=empty="),
                Arguments.of("secret", "create secret generic %s --from-literal=password=s3cr3t"),
                Arguments.of(
                        "secret",
                        "create secret docker-registry %s --docker-server=r.example --docker-username=u"
                                + " --docker-password=p"),
                Arguments.of("namespace", "create namespace %s"),
                Arguments.of("serviceaccount", "create serviceaccount %s"),
                Arguments.of("service", "create service clusterip %s --tcp=80:8080 --tcp=443"),
                Arguments.of("service", "create service clusterip %s --clusterip=None"),
                Arguments.of("service", "create service nodeport %s --tcp=80:8080"),
                Arguments.of("service", "create service loadbalancer %s --tcp=80"),
                Arguments.of(
                        "service", "create service externalname %s --external-name=example.com"),
                Arguments.of(
                        "deployment",
                        "create deployment %s --image=nginx:1.27 --port=80 --replicas=2"),
                Arguments.of(
                        "role", "create role %s --verb=get,list --resource=pods,deployments.apps"),
                Arguments.of(
                        "clusterrole",
                        "create clusterrole %s --verb=get --non-resource-url=/healthz"),
                Arguments.of(
                        "clusterrole",
                        "create clusterrole %s --aggregation-rule=example.com/aggregate=true"),
                Arguments.of(
                        "rolebinding",
                        "create rolebinding %s --role=r --user=jane --serviceaccount=default:sa"),
                Arguments.of(
                        "clusterrolebinding",
                        "create clusterrolebinding %s --clusterrole=cr --group=devs"));
    }

    @ParameterizedTest(name = "kubectl {1}")
    @MethodSource("typedCreates")
    void typedCreate_sendsProtobuf_andReadsBackLikeTheJsonManifest(String resource, String command)
            throws Exception {
        String id = Integer.toHexString(command.hashCode());
        String typed = "p-" + id;
        String fromJson = "j-" + id;
        Kubectl.Result[] result = new Kubectl.Result[1];
        List<String> protobuf = protobufRequests(result, command.formatted(typed).split(" "));
        assertThat(result[0].ok()).contains(typed + " created");
        assertThat(protobuf).hasSize(1).allMatch(r -> r.startsWith("POST /api"));

        String manifest =
                kubectl.run((command.formatted(fromJson) + " --dry-run=client -o json").split(" "))
                        .ok();
        Path file = cluster.dir().resolve("typed").resolve(fromJson + ".json");
        Files.writeString(file, manifest, StandardCharsets.UTF_8);
        List<String> json = protobufRequests(result, "create", "-f", file.toString());
        assertThat(result[0].ok()).contains(fromJson + " created");
        assertThat(json).as("kubectl create -f sends JSON").isEmpty();

        JsonNode a = comparable(kubectl.run("get", resource, typed, "-o", "json").ok(), typed);
        JsonNode b =
                comparable(kubectl.run("get", resource, fromJson, "-o", "json").ok(), fromJson);
        assertThat(a).isEqualTo(b);
    }

    /**
     * The object without what the server sets per object (uid, resourceVersion, timestamps,
     * allocated ClusterIPs and nodePorts, status), with its own name replaced by {@code NAME}.
     */
    private static JsonNode comparable(String json, String name) {
        ObjectNode object = (ObjectNode) Json.parse(json.replace("\"" + name + "\"", "\"NAME\""));
        ObjectNode metadata = (ObjectNode) object.get("metadata");
        for (String field :
                List.of(
                        "uid",
                        "resourceVersion",
                        "creationTimestamp",
                        "generation",
                        "managedFields")) {
            metadata.remove(field);
        }
        object.remove("status");
        if (object.get("spec") instanceof ObjectNode spec
                && object.path("kind").asString().equals("Service")) {
            spec.remove(List.of("clusterIP", "clusterIPs"));
            for (JsonNode port : spec.path("ports")) {
                ((ObjectNode) port).remove("nodePort");
            }
        }
        return object;
    }

    @Test
    void createConfigmapTwice_isAlreadyExists() {
        kubectl.run("create", "configmap", "twice", "--from-literal=a=b").ok();
        Kubectl.Result second = kubectl.run("create", "configmap", "twice", "--from-literal=a=b");
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.stderr())
                .contains("error: failed to create configmap: configmaps \"twice\" already exists");
    }

    @Test
    void createServiceWithPortZero_isRejectedByKubectlItself() {
        Kubectl.Result[] result = new Kubectl.Result[1];
        List<String> protobuf =
                protobufRequests(result, "create", "service", "clusterip", "bad", "--tcp=0:0");
        assertThat(result[0].exitCode()).isEqualTo(1);
        assertThat(result[0].stderr()).contains("error: must be between 1 and 65535, inclusive");
        assertThat(protobuf).as("kubectl validates the port before sending anything").isEmpty();
    }

    @Test
    void createInvalidService_printsThe422() {
        Kubectl.Result[] result = new Kubectl.Result[1];
        List<String> protobuf =
                protobufRequests(
                        result,
                        "create",
                        "service",
                        "nodeport",
                        "bad",
                        "--tcp=80",
                        "--node-port=1");
        assertThat(protobuf).containsExactly("POST /api/v1/namespaces/default/services");
        assertThat(result[0].exitCode()).isEqualTo(1);
        assertThat(result[0].stderr())
                .contains(
                        "error: failed to create NodePort service: Service \"bad\" is invalid:"
                                + " spec.ports[0].nodePort: Invalid value: 1: provided port is not in the valid range."
                                + " The range of valid ports is 30000-32767");
        assertThat(kubectl.run("get", "svc", "bad").exitCode()).isEqualTo(1);
    }

    @Test
    void createInvalidDeployment_printsThe422() {
        Kubectl.Result result =
                kubectl.run("create", "deployment", "bad", "--image=nginx", "--replicas=-1");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr())
                .contains(
                        "error: failed to create deployment: Deployment.apps \"bad\" is invalid:"
                                + " spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    }

    @Test
    void createDeployment_zeroReplicasStayZero() {
        kubectl.run("create", "deployment", "idle", "--image=nginx", "--replicas=0").ok();
        assertThat(kubectl.run("get", "deploy", "idle", "-o", "jsonpath={.spec.replicas}").ok())
                .isEqualTo("0");
    }

    @Test
    void drain_deletesThePodsWithProtobufDeleteOptions() throws Exception {
        Path seed = cluster.dir().resolve("typed").resolve("drain.yaml");
        Files.writeString(
                seed,
                """
                apiVersion: v1
                kind: Node
                metadata: {name: drained}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: on-drained}
                spec:
                  nodeName: drained
                  containers: [{name: c, image: nginx}]
                """);
        kubectl.run("apply", "-f", seed.toString()).ok();
        Kubectl.Result[] result = new Kubectl.Result[1];
        List<String> protobuf =
                protobufRequests(
                        result,
                        "drain",
                        "drained",
                        "--disable-eviction",
                        "--force",
                        "--grace-period=0",
                        "--timeout=30s");
        assertThat(result[0].ok()).contains("node/drained drained");
        assertThat(protobuf).containsExactly("DELETE /api/v1/namespaces/default/pods/on-drained");
        assertThat(kubectl.run("get", "pod", "on-drained").stderr())
                .contains("pods \"on-drained\" not found");
        assertThat(
                        kubectl.run(
                                        "get",
                                        "node",
                                        "drained",
                                        "-o",
                                        "jsonpath={.spec.unschedulable}")
                                .ok())
                .isEqualTo("true");
    }

    /** Whether {@code kubectl api-resources} lists a resource of {@code group}. */
    private static boolean serves(String group, String resource) {
        List<String> args = new ArrayList<>(List.of("api-resources", "-o", "name"));
        args.add("--api-group=" + group);
        return kubectl.run(args.toArray(String[]::new))
                .stdout()
                .lines()
                .anyMatch(l -> l.startsWith(resource));
    }

    @Test
    void authCanI_sendsAProtobufSelfSubjectAccessReview() {
        assertThat(serves("authorization.k8s.io", "selfsubjectaccessreviews"))
                .as("kubectl api-resources lists it")
                .isTrue();
        Kubectl.Result[] result = new Kubectl.Result[1];
        List<String> protobuf = protobufRequests(result, "auth", "can-i", "get", "pods");
        assertThat(protobuf)
                .containsExactly("POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews");
        assertThat(result[0].stdout().strip()).isIn("yes", "no");
    }

    @Test
    void createToken_sendsAProtobufTokenRequest() {
        // A subresource: api-resources never lists it (kubectl discovers it from the group's
        // resource list).
        kubectl.run("create", "serviceaccount", "tokens").ok();
        Kubectl.Result[] result = new Kubectl.Result[1];
        List<String> protobuf =
                protobufRequests(result, "create", "token", "tokens", "--duration=10m");
        assertThat(protobuf)
                .containsExactly("POST /api/v1/namespaces/default/serviceaccounts/tokens/token");
        assertThat(result[0].ok().strip()).isNotEmpty();
    }
}
