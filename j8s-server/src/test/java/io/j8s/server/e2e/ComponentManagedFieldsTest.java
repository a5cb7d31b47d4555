package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.server.ControllerOptions;
import io.j8s.server.DataPlaneOptions;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * j8s' controllers and node agents read objects without their managed fields (docs/architecture.md,
 * "The client runtime") and write them back without: the API server keeps every manager's entries
 * and adds theirs, as it does for kube-controller-manager and the kubelet, whose informers drop
 * managed fields too. Seen with the real kubectl's {@code --show-managed-fields}.
 */
class ComponentManagedFieldsTest {
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws InterruptedException {
        cluster =
                TestCluster.start(
                        o ->
                                o.withDataPlane(DataPlaneOptions.none().withSimulatedNodes(1))
                                        .withControllers(ControllerOptions.defaults()));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static final String DEPLOYMENT =
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: kept
              namespace: default
            spec:
              replicas: 1
              selector:
                matchLabels: {app: kept}
              template:
                metadata:
                  labels: {app: kept}
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.25
            """;

    @Test
    void controllersAndNodesWritingObjectsKeepEveryManagersFields() {
        Kubectl.Result applied =
                cluster.kubectl()
                        .runWithInput(
                                DEPLOYMENT.getBytes(StandardCharsets.UTF_8),
                                Map.of(),
                                "apply",
                                "--server-side",
                                "-f",
                                "-");
        assertThat(applied.exitCode()).as(applied.stderr()).isZero();
        String rsName =
                Awaitility.await()
                        .atMost(Duration.ofSeconds(60))
                        .until(ComponentManagedFieldsTest::replicaSet, name -> name != null);

        cluster.kubectlOk("scale", "deployment/kept", "-n", "default", "--replicas=2");
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> get("rs", rsName, "-n", "default").path("spec").path("replicas"),
                        replicas -> replicas.asInt() == 2);

        // The deployment controller's update of the ReplicaSet it created: its own entry kept and
        // grown, the replicas now its field.
        JsonNode rs = get("rs", rsName, "-n", "default", "--show-managed-fields");
        JsonNode controller = entry(rs, "kube-controller-manager", "Update", "");
        assertThat(controller)
                .as("the ReplicaSet's managedFields: %s", rs.path("metadata"))
                .isNotNull();
        assertThat(Json.write(controller.get("fieldsV1")))
                .contains("\"f:replicas\":{}")
                .contains("\"f:ownerReferences\"");
        // The Deployment: the applier's and kubectl scale's entries, and the controller's status.
        JsonNode d = get("deployment", "kept", "-n", "default", "--show-managed-fields");
        assertThat(entry(d, "kubectl", "Apply", "")).as("the applier's entry").isNotNull();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> {
                            JsonNode pods =
                                    get(
                                            "pods",
                                            "-n",
                                            "default",
                                            "-l",
                                            "app=kept",
                                            "--show-managed-fields");
                            assertThat(pods.path("items")).hasSize(2);
                            for (JsonNode pod : pods.path("items")) {
                                assertThat(entry(pod, "kube-controller-manager", "Update", ""))
                                        .as("the ReplicaSet controller's create")
                                        .isNotNull();
                                assertThat(entry(pod, "kubelet", "Update", "status"))
                                        .as("the node's status writes")
                                        .isNotNull();
                            }
                            JsonNode status =
                                    entry(
                                            get(
                                                    "deployment",
                                                    "kept",
                                                    "-n",
                                                    "default",
                                                    "--show-managed-fields"),
                                            "kube-controller-manager",
                                            "Update",
                                            "status");
                            assertThat(status).as("the controller's status entry").isNotNull();
                        });
    }

    /** The name of the ReplicaSet the Deployment {@code kept} owns, or null. */
    private static String replicaSet() {
        for (JsonNode rs : get("rs", "-n", "default").path("items")) {
            for (JsonNode owner : rs.path("metadata").path("ownerReferences")) {
                if (owner.path("name").asString().equals("kept")) {
                    return rs.path("metadata").path("name").asString();
                }
            }
        }
        return null;
    }

    private static JsonNode get(String... args) {
        List<String> all = new ArrayList<>(List.of("get", "-o", "json"));
        all.addAll(List.of(args));
        return Json.parse(cluster.kubectlOk(all.toArray(String[]::new)));
    }

    private static JsonNode entry(
            JsonNode object, String manager, String operation, String subresource) {
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            if (e.path("manager").asString().equals(manager)
                    && e.path("operation").asString().equals(operation)
                    && e.path("subresource").asString("").equals(subresource)) {
                return e;
            }
        }
        return null;
    }
}
