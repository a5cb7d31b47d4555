package io.j8s.server.controllers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.j8s.api.json.Json;
import io.j8s.server.ControllerOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Deployment created as the official Java client (client-java) sends it, with empty collections
 * everywhere, rolls out: j8s stores it as Kubernetes would after a Go round trip (the empty {@code
 * omitempty} fields gone), so the deployment controller's updates, which omit them, are not refused
 * as changing the immutable selector.
 */
class ClientJavaDeploymentTest extends AbstractControllerTest {
    private static final String NS = "default";

    /**
     * client-java's body for a Deployment built with its builders (Gson, empty lists and maps
     * kept).
     */
    private static final String BODY =
            """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"cj","namespace":"default","annotations":{},"labels":{"app":"cj"},
               "finalizers":[],"ownerReferences":[],"managedFields":[]},
             "spec":{"replicas":2,
               "selector":{"matchLabels":{"app":"cj"},"matchExpressions":[]},
               "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}},
               "template":{"metadata":{"labels":{"app":"cj"},"annotations":{},"finalizers":[],"ownerReferences":[]},
                 "spec":{"containers":[{"name":"web","image":"nginx:1.14.1","args":[],"command":[],"env":[],
                   "envFrom":[],"ports":[{"containerPort":80,"name":"http","protocol":"TCP"}],"volumeMounts":[],
                   "volumeDevices":[],"resources":{"claims":[],"limits":{},"requests":{}}}],
                   "initContainers":[],"ephemeralContainers":[],"volumes":[],"nodeSelector":{},"tolerations":[],
                   "imagePullSecrets":[],"hostAliases":[],"readinessGates":[],"topologySpreadConstraints":[],
                   "overhead":{},"schedulingGates":[],"resourceClaims":[]}}}}
            """;

    @Override
    ControllerOptions controllers(ControllerOptions c) {
        return c.withEnabled(Set.of("deployment", "replicaset", "scheduler", "nodeipam"))
                .withResyncPeriod(Duration.ofSeconds(1));
    }

    @BeforeAll
    void startNodes() {
        cluster.startNodes("node-1", "node-2");
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpClient http =
                HttpClient.newBuilder()
                        .sslContext(cluster.adminSslContext())
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(cluster.server().apiUrl() + path))
                        .timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/json")
                        .header("Content-Type", "application/json");
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void deploymentWithEmptyCollectionsBecomesAvailable() throws Exception {
        HttpResponse<String> created =
                send("POST", "/apis/apps/v1/namespaces/default/deployments", BODY);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> {
                            Deployment d =
                                    client.apps()
                                            .deployments()
                                            .inNamespace(NS)
                                            .withName("cj")
                                            .get();
                            return d.getStatus() != null
                                    && Objects.equals(
                                            d.getStatus().getObservedGeneration(),
                                            d.getMetadata().getGeneration())
                                    && Objects.equals(d.getStatus().getUpdatedReplicas(), 2)
                                    && Objects.equals(d.getStatus().getAvailableReplicas(), 2)
                                    && d.getStatus().getConditions().stream()
                                            .anyMatch(
                                                    c ->
                                                            c.getType().equals("Available")
                                                                    && c.getStatus()
                                                                            .equals("True"));
                        });

        HttpResponse<String> got =
                send("GET", "/apis/apps/v1/namespaces/default/deployments/cj", null);
        assertThat(got.statusCode()).isEqualTo(200);
        JsonNode d = Json.parse(got.body());
        // (annotations: the controller's deployment.kubernetes.io/revision only)
        assertThat(d.path("metadata").path("annotations").propertyNames())
                .containsExactly("deployment.kubernetes.io/revision");
        assertThat(d.path("metadata").has("finalizers")).isFalse();
        assertThat(d.path("metadata").has("ownerReferences")).isFalse();
        // "managedFields": [] sent on create is "not set": the server tracks the writers, the
        // deployment controller's status writes as kube-controller-manager (its User-Agent)
        List<String> managers = new ArrayList<>();
        d.path("metadata")
                .path("managedFields")
                .forEach(e -> managers.add(e.path("manager").asString()));
        assertThat(managers).contains("kube-controller-manager");
        assertThat(d.path("spec").path("selector"))
                .isEqualTo(Json.parse("{\"matchLabels\":{\"app\":\"cj\"}}"));
        JsonNode podSpec = d.path("spec").path("template").path("spec");
        for (String field :
                new String[] {
                    "initContainers",
                    "volumes",
                    "nodeSelector",
                    "tolerations",
                    "imagePullSecrets",
                    "overhead",
                    "schedulingGates"
                }) {
            assertThat(podSpec.has(field)).as(field).isFalse();
        }
        JsonNode container = podSpec.path("containers").get(0);
        assertThat(container.has("args")).isFalse();
        assertThat(container.has("env")).isFalse();
        assertThat(container.path("resources")).isEqualTo(Json.parse("{}"));
        assertThat(d.path("spec").path("template").path("metadata"))
                .isEqualTo(Json.parse("{\"labels\":{\"app\":\"cj\"}}"));

        // The same body again (with the controller's annotation), as client-java's replace sends
        // it:
        // nothing changes, so no new revision.
        String rv = d.path("metadata").path("resourceVersion").asString();
        ObjectNode again = Json.parseObject(BODY);
        ObjectNode metadata = (ObjectNode) again.get("metadata");
        metadata.put("resourceVersion", rv);
        metadata.set("annotations", d.path("metadata").path("annotations").deepCopy());
        HttpResponse<String> replaced =
                send("PUT", "/apis/apps/v1/namespaces/default/deployments/cj", Json.write(again));
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        JsonNode after = Json.parse(replaced.body());
        assertThat(after.path("metadata").path("resourceVersion").asString()).isEqualTo(rv);
        assertThat(after.path("metadata").path("generation").asLong()).isEqualTo(1);
    }
}
