package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.j8s.api.json.Json;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Server-side apply with the real kubectl and fabric8 (docs/server-side-apply.md): {@code kubectl
 * apply --server-side} twice without a write, conflicts between field managers and {@code
 * --force-conflicts}, {@code --show-managed-fields}, the migration from client-side apply, and
 * fabric8's {@code serverSideApply()}.
 */
class ServerSideApplyKubectlTest {
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws InterruptedException {
        cluster = TestCluster.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Kubectl.Result apply(String yaml, String... args) {
        List<String> all = new ArrayList<>(List.of("apply", "-f", "-"));
        all.addAll(List.of(args));
        return cluster.kubectl()
                .runWithInput(
                        yaml.getBytes(StandardCharsets.UTF_8),
                        Map.of(),
                        all.toArray(String[]::new));
    }

    private static JsonNode get(String... args) {
        List<String> all = new ArrayList<>(List.of("get", "-o", "json"));
        all.addAll(List.of(args));
        return Json.parse(cluster.kubectlOk(all.toArray(String[]::new)));
    }

    private static JsonNode entry(JsonNode object, String manager, String operation) {
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            if (e.path("manager").asString().equals(manager)
                    && e.path("operation").asString().equals(operation)) {
                return e;
            }
        }
        return null;
    }

    private static final String DEPLOYMENT =
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
              labels: {app: web}
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.25
                    ports:
                    - containerPort: 80
            """;

    @Test
    void applyTwice_theSecondChangesNothing_andManagedFieldsShowOnRequest() {
        Kubectl.Result first = apply(DEPLOYMENT, "--server-side");
        assertThat(first.exitCode()).as(first.stderr()).isZero();
        assertThat(first.stdout()).contains("deployment.apps/web serverside-applied");
        JsonNode created = get("deployment", "web", "-n", "default", "--show-managed-fields");
        String rv = created.path("metadata").path("resourceVersion").asString();
        JsonNode mine = entry(created, "kubectl", "Apply");
        assertThat(mine).isNotNull();
        assertThat(mine.path("apiVersion").asString()).isEqualTo("apps/v1");
        assertThat(mine.path("fieldsType").asString()).isEqualTo("FieldsV1");
        assertThat(mine.path("time").asString()).isNotEmpty();
        // Owned as Kubernetes encodes it: the container by its key, its port by containerPort
        // and the defaulted protocol; defaults (imagePullPolicy) not owned by the applier.
        String fields = Json.write(mine.get("fieldsV1"));
        assertThat(fields)
                .contains("\"f:replicas\":{}")
                .contains("\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:image\":{}")
                .contains("\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\"")
                .doesNotContain("imagePullPolicy");
        // kubectl hides them unless asked.
        assertThat(get("deployment", "web", "-n", "default").path("metadata").has("managedFields"))
                .isFalse();

        Kubectl.Result second = apply(DEPLOYMENT, "--server-side");
        assertThat(second.exitCode()).as(second.stderr()).isZero();
        assertThat(
                        get("deployment", "web", "-n", "default")
                                .path("metadata")
                                .path("resourceVersion")
                                .asString())
                .isEqualTo(rv);

        // A field the manager stops applying is removed.
        Kubectl.Result third = apply(DEPLOYMENT.replace("  replicas: 2\n", ""), "--server-side");
        assertThat(third.exitCode()).as(third.stderr()).isZero();
        JsonNode after = get("deployment", "web", "-n", "default", "--show-managed-fields");
        assertThat(Json.write(entry(after, "kubectl", "Apply").get("fieldsV1")))
                .doesNotContain("f:replicas");
    }

    private static final String CONFIG =
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: shared
              namespace: default
            data:
              color: %s
            """;

    @Test
    void twoManagers_conflict_untilForced() {
        assertThat(
                        apply(CONFIG.formatted("blue"), "--server-side", "--field-manager=team-a")
                                .exitCode())
                .isZero();
        Kubectl.Result conflict =
                apply(CONFIG.formatted("red"), "--server-side", "--field-manager=team-b");
        assertThat(conflict.exitCode()).isNotZero();
        assertThat(conflict.stderr())
                .contains("Apply failed with 1 conflict: conflict with \"team-a\": .data.color");
        assertThat(
                        get("configmap", "shared", "-n", "default")
                                .path("data")
                                .path("color")
                                .asString())
                .isEqualTo("blue");

        Kubectl.Result forced =
                apply(
                        CONFIG.formatted("red"),
                        "--server-side",
                        "--field-manager=team-b",
                        "--force-conflicts");
        assertThat(forced.exitCode()).as(forced.stderr()).isZero();
        JsonNode cm = get("configmap", "shared", "-n", "default", "--show-managed-fields");
        assertThat(cm.path("data").path("color").asString()).isEqualTo("red");
        assertThat(Json.write(entry(cm, "team-b", "Apply").get("fieldsV1")))
                .isEqualTo("{\"f:data\":{\"f:color\":{}}}");
        // team-a lost its only field, so its entry is gone.
        assertThat(entry(cm, "team-a", "Apply")).isNull();

        // An ordinary update is tracked as an Update of its manager and takes the field.
        cluster.kubectlOk(
                "patch",
                "configmap",
                "shared",
                "-n",
                "default",
                "--type=merge",
                "-p",
                "{\"data\":{\"color\":\"green\"}}",
                "--field-manager=editor");
        JsonNode patched = get("configmap", "shared", "-n", "default", "--show-managed-fields");
        assertThat(Json.write(entry(patched, "editor", "Update").get("fieldsV1")))
                .isEqualTo("{\"f:data\":{\"f:color\":{}}}");
        Kubectl.Result back =
                apply(CONFIG.formatted("red"), "--server-side", "--field-manager=team-b");
        assertThat(back.stderr()).contains("conflict with \"editor\" using v1: .data.color");
    }

    @Test
    void clientSideApply_thenServerSide_migratesTheOwnership() {
        String yaml =
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: migrated
                  namespace: default
                data:
                  a: "1"
                  b: "2"
                """;
        Kubectl.Result csa = apply(yaml);
        assertThat(csa.exitCode()).as(csa.stderr()).isZero();
        JsonNode before = get("configmap", "migrated", "-n", "default", "--show-managed-fields");
        assertThat(entry(before, "kubectl-client-side-apply", "Update")).isNotNull();
        assertThat(
                        before.path("metadata")
                                .path("annotations")
                                .has("kubectl.kubernetes.io/last-applied-configuration"))
                .isTrue();

        // The server-side apply changes a field the client-side apply owned: no conflict
        // (the last-applied annotation still holds it), and kubectl moves the ownership.
        Kubectl.Result ssa = apply(yaml.replace("b: \"2\"", "b: \"3\""), "--server-side");
        assertThat(ssa.exitCode()).as(ssa.stderr()).isZero();
        JsonNode after = get("configmap", "migrated", "-n", "default", "--show-managed-fields");
        assertThat(after.path("data").path("b").asString()).isEqualTo("3");
        String owned = Json.write(entry(after, "kubectl", "Apply").get("fieldsV1"));
        assertThat(owned).contains("\"f:a\":{}").contains("\"f:b\":{}");
        JsonNode old = entry(after, "kubectl-client-side-apply", "Update");
        assertThat(old == null || !Json.write(old.get("fieldsV1")).contains("f:data")).isTrue();
        // The annotation follows what was applied, so a later client-side apply still works.
        assertThat(
                        after.path("metadata")
                                .path("annotations")
                                .path("kubectl.kubernetes.io/last-applied-configuration")
                                .asString())
                .contains("\"b\":\"3\"");
    }

    @Test
    void fabric8ServerSideApply_createsAndUpdates() {
        ConfigMap cm =
                new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("from-fabric8")
                        .withNamespace("default")
                        .endMetadata()
                        .addToData("k", "v1")
                        .build();
        ConfigMap created = cluster.client().resource(cm).serverSideApply();
        assertThat(created.getData()).containsEntry("k", "v1");
        assertThat(created.getMetadata().getManagedFields())
                .anySatisfy(
                        e -> {
                            assertThat(e.getManager()).isEqualTo("fabric8");
                            assertThat(e.getOperation()).isEqualTo("Apply");
                        });
        cm.getData().put("k", "v2");
        ConfigMap updated = cluster.client().resource(cm).serverSideApply();
        assertThat(updated.getData()).containsEntry("k", "v2");
        assertThat(updated.getMetadata().getResourceVersion())
                .isNotEqualTo(created.getMetadata().getResourceVersion());
        ConfigMap again = cluster.client().resource(cm).serverSideApply();
        assertThat(again.getMetadata().getResourceVersion())
                .isEqualTo(updated.getMetadata().getResourceVersion());
    }

    private static HttpResponse<String> patch(String query, String contentType, String body)
            throws Exception {
        HttpClient http =
                HttpClient.newBuilder()
                        .sslContext(cluster.adminSslContext())
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        HttpRequest request =
                HttpRequest.newBuilder(
                                URI.create(
                                        cluster.server().apiUrl()
                                                + "/api/v1/namespaces/default/configmaps/raw"
                                                + query))
                        .timeout(Duration.ofSeconds(30))
                        .header("Accept", "application/json")
                        .header("Content-Type", contentType)
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theOptionsAndErrorsOfAnApplyRequest() throws Exception {
        String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"data\":{\"a\":\"b\"}}";
        // fieldManager is required (PatchOptions validation).
        HttpResponse<String> missing = patch("", "application/apply-patch+yaml", body);
        assertThat(missing.statusCode()).isEqualTo(422);
        assertThat(Json.parse(missing.body()).path("message").asString())
                .isEqualTo(
                        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value:"
                                + " is required for apply patch");
        assertThat(Json.parse(missing.body()).path("reason").asString()).isEqualTo("Invalid");
        assertThat(Json.parse(missing.body()).path("details").path("kind").asString())
                .isEqualTo("PatchOptions");
        assertThat(Json.parse(missing.body()).path("details").path("group").asString())
                .isEqualTo("meta.k8s.io");
        // force only with apply.
        HttpResponse<String> force = patch("?force=true", "application/merge-patch+json", "{}");
        assertThat(force.statusCode()).isEqualTo(422);
        assertThat(force.body())
                .contains("force: Forbidden: may not be specified for non-apply patch");
        // CBOR apply bodies: 415 naming the YAML type.
        HttpResponse<String> cbor = patch("?fieldManager=m", "application/apply-patch+cbor", body);
        assertThat(cbor.statusCode()).isEqualTo(415);
        assertThat(cbor.body()).contains("application/apply-patch+yaml");
        // dryRun: answered, nothing stored.
        HttpResponse<String> dry =
                patch("?fieldManager=m&dryRun=All", "application/apply-patch+yaml", body);
        assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
        assertThat(cluster.kubectl().run("get", "configmap", "raw", "-n", "default").exitCode())
                .isNotZero();
        // A wrong apiVersion: 400 with Kubernetes' words.
        HttpResponse<String> version =
                patch(
                        "?fieldManager=m",
                        "application/apply-patch+yaml",
                        "apiVersion: v2\nkind: ConfigMap\n");
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(version.body())
                .contains(
                        "Incorrect version specified in apply patch. Specified patch version: v2,"
                                + " expected: v1");
        // Apply creates (201), with the applier's entry.
        HttpResponse<String> created =
                patch("?fieldManager=m", "application/apply-patch+yaml", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode object = Json.parse(created.body());
        assertThat(entry(object, "m", "Apply")).isNotNull();
        // fieldValidation=Strict refuses unknown fields.
        HttpResponse<String> strict =
                patch(
                        "?fieldManager=m&fieldValidation=Strict",
                        "application/apply-patch+yaml",
                        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"bogus\":1}");
        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(strict.body()).contains("bogus");
    }

    @Test
    void olderKubectls_applyServerSide_too() {
        for (String binary :
                List.of(
                        "/usr/lib/google-cloud-sdk/bin/kubectl.1.27",
                        "/opt/kubectl-1.20/usr/bin/kubectl")) {
            Kubectl kubectl = cluster.kubectl().withBinary(binary);
            String name = "old-" + binary.hashCode();
            String yaml = CONFIG.formatted("blue").replace("name: shared", "name: " + name);
            byte[] input = yaml.getBytes(StandardCharsets.UTF_8);
            Kubectl.Result first =
                    kubectl.runWithInput(input, Map.of(), "apply", "--server-side", "-f", "-");
            assertThat(first.exitCode()).as(binary + ": " + first.stderr()).isZero();
            String rv =
                    get("configmap", name, "-n", "default")
                            .path("metadata")
                            .path("resourceVersion")
                            .asString();
            Kubectl.Result second =
                    kubectl.runWithInput(input, Map.of(), "apply", "--server-side", "-f", "-");
            assertThat(second.exitCode()).as(binary + ": " + second.stderr()).isZero();
            assertThat(
                            get("configmap", name, "-n", "default")
                                    .path("metadata")
                                    .path("resourceVersion")
                                    .asString())
                    .as(binary)
                    .isEqualTo(rv);
        }
    }
}
