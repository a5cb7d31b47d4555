package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import io.j8s.testkit.HostTools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The OpenAPI documents as the real kubectl uses them: kubectl 1.27 reads {@code /openapi/v2}
 * (protobuf) before {@code apply}, {@code explain} reads the v3 schemas, and {@code apply
 * --validate=strict} leaves unknown fields to the server's field validation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiKubectlTest {
    private static final String KUBECTL_127 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";
    private static final String KUBECTL_133 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";

    private static TestCluster cluster;
    private static Path workDir;

    @BeforeAll
    static void start() throws Exception {
        Kubectl.requireAvailable();
        cluster = TestCluster.start();
        workDir = Files.createTempDirectory("j8s-openapi-");
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (workDir != null) {
            try (var files = Files.list(workDir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(workDir);
        }
    }

    /** kubectl 1.27, 1.32 (the default) and 1.33, those installed. */
    private static List<Kubectl> kubectls() {
        List<Kubectl> out = new ArrayList<>();
        for (String binary : List.of(KUBECTL_127, KUBECTL_133)) {
            if (Files.isExecutable(Path.of(binary))) {
                out.add(cluster.kubectl().withBinary(binary));
            }
        }
        out.add(cluster.kubectl());
        return out;
    }

    private static Kubectl kubectl127() {
        HostTools.require(
                Files.isExecutable(Path.of(KUBECTL_127)),
                KUBECTL_127,
                "install the Google Cloud SDK's kubectl versions (they come with the CI machine)");
        return cluster.kubectl().withBinary(KUBECTL_127);
    }

    @Test
    @Order(1)
    void kubectl127AppliesTheSeedManifestsAndReappliesThemUnchanged() {
        Kubectl kubectl = kubectl127();
        String deploy = TestCluster.repoFile("examples/seed/nginx-deploy.yaml").toString();
        String ep = TestCluster.repoFile("examples/seed/ep.yaml").toString();
        Kubectl.Result first = kubectl.run("apply", "-f", deploy);
        assertThat(first.ok())
                .contains(
                        "service/nginx-svc-clusterip created",
                        "deployment.apps/deployment-nginx created");
        assertThat(first.stderr()).isEmpty();
        assertThat(kubectl.run("apply", "-f", ep).ok())
                .contains("endpoints/harbor-huangxin created", "service/harbor-huangxin created");
        Kubectl.Result again = kubectl.run("apply", "-f", deploy);
        assertThat(again.ok())
                .contains(
                        "service/nginx-svc-clusterip unchanged",
                        "deployment.apps/deployment-nginx unchanged");
        assertThat(again.stderr()).isEmpty();
        assertThat(kubectl.run("apply", "-f", ep).ok())
                .contains(
                        "endpoints/harbor-huangxin unchanged", "service/harbor-huangxin unchanged");
    }

    @Test
    @Order(2)
    void applyMergesAChangeWithThePublishedMergeKeys() throws Exception {
        int i = 0;
        for (Kubectl kubectl : kubectls()) {
            String name = "merged-" + i++;
            Path manifest = workDir.resolve(name + ".yaml");
            Files.writeString(
                    manifest,
                    """
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: %s
                    spec:
                      selector: {app: merged}
                      ports:
                      - {name: http, port: 80, targetPort: 8080}
                    """
                            .formatted(name));
            assertThat(kubectl.run("apply", "-f", manifest.toString()).ok())
                    .contains("service/" + name + " created");
            Files.writeString(
                    manifest,
                    """
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: %s
                    spec:
                      selector: {app: merged}
                      sessionAffinity: ClientIP
                      ports:
                      - {name: https, port: 443, targetPort: 8443}
                      - {name: http, port: 80, targetPort: 8080}
                    """
                            .formatted(name));
            Kubectl.Result changed = kubectl.run("apply", "-f", manifest.toString());
            assertThat(changed.ok()).contains("service/" + name + " configured");
            assertThat(changed.stderr()).isEmpty();
            assertThat(
                            kubectl.run(
                                            "get",
                                            "svc",
                                            name,
                                            "-o",
                                            "jsonpath={.spec.sessionAffinity} {.spec.ports[*].name} {.spec.ports[*].targetPort}")
                                    .ok())
                    .isEqualTo("ClientIP https http 8443 8080");
        }
    }

    @Test
    @Order(3)
    void explainPrintsAFieldWithItsTypeAndDescription() {
        List<Kubectl> kubectls = kubectls();
        for (Kubectl kubectl : kubectls) {
            String out = kubectl.run("explain", "svc.spec.sessionAffinity").ok();
            assertThat(out)
                    .containsPattern("KIND:\\s+Service")
                    .containsPattern("VERSION:\\s+v1")
                    .containsPattern("FIELD:\\s+sessionAffinity\\s+<string>")
                    .contains("\"ClientIP\" keeps them");
            if (kubectl != kubectls.get(0) || !Files.isExecutable(Path.of(KUBECTL_127))) {
                // kubectl 1.27 does not print enums yet
                assertThat(out).containsPattern("ENUM:\\s+ClientIP\\s+None");
            }
            String port = kubectl.run("explain", "service.spec.ports.targetPort").ok();
            assertThat(port).containsPattern("FIELD:\\s+targetPort\\s+<IntOrString>");
        }
    }

    @Test
    @Order(4)
    void explainRecursivePrintsTheNestedFields() {
        for (Kubectl kubectl : kubectls()) {
            String out = kubectl.run("explain", "deploy.spec", "--recursive").ok();
            assertThat(out)
                    .containsPattern("GROUP:\\s+apps")
                    .containsPattern("KIND:\\s+Deployment")
                    .containsPattern("VERSION:\\s+v1")
                    .contains("The desired state of the Deployment.")
                    .containsPattern("replicas\\s+<integer>")
                    .containsPattern("selector\\s+<LabelSelector> -required-")
                    .containsPattern("template\\s+<PodTemplateSpec> -required-")
                    .containsPattern("containers\\s+<\\[\\]Container> -required-")
                    .containsPattern("maxSurge\\s+<IntOrString>")
                    .containsPattern("image\\s+<string>");
            String slice = kubectl.run("explain", "endpointslices").ok();
            assertThat(slice)
                    .containsPattern("KIND:\\s+EndpointSlice")
                    .containsPattern("addressType\\s+<string> -required-")
                    .containsPattern("endpoints\\s+<\\[\\]Endpoint> -required-");
        }
    }

    @Test
    @Order(5)
    void explainKnowsEveryServedKind() {
        List<Kubectl> kubectls = kubectls();
        for (Kubectl kubectl : List.of(kubectls.get(0), kubectls.get(kubectls.size() - 1))) {
            for (ResourceType type : ResourceTypes.all()) {
                if (type.group().equals(ResourceTypes.EVENTS)) {
                    continue; // not served (J8sServer.servedTypes)
                }
                String out =
                        kubectl.run("explain", type.plural(), "--api-version=" + type.apiVersion())
                                .ok();
                assertThat(out)
                        .as(type.groupResource())
                        .containsPattern("KIND:\\s+" + type.kind())
                        .contains("metadata\t<ObjectMeta>");
            }
        }
    }

    @Test
    @Order(6)
    void strictValidationRefusesAnUnknownField() throws Exception {
        Path manifest = workDir.resolve("unknown.yaml");
        Files.writeString(
                manifest,
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: strict
                data: {a: b}
                colour: blue
                """);
        for (Kubectl kubectl : kubectls()) {
            Kubectl.Result r = kubectl.run("apply", "--validate=strict", "-f", manifest.toString());
            assertThat(r.exitCode()).as(r.stdout()).isNotZero();
            assertThat(r.stderr()).contains("strict decoding error: unknown field \"colour\"");
        }
        assertThat(cluster.kubectl().run("get", "configmap", "strict").exitCode()).isNotZero();
    }

    @Test
    @Order(7)
    void openApiV2IsServedInJsonAndProtobufWithAnEtag() throws Exception {
        HttpClient http =
                HttpClient.newBuilder()
                        .sslContext(cluster.adminSslContext())
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        URI uri = URI.create(cluster.server().apiUrl() + "/openapi/v2");
        HttpResponse<byte[]> proto =
                http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header(
                                        "Accept",
                                        "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(proto.statusCode()).isEqualTo(200);
        assertThat(proto.headers().firstValue("Content-Type").orElse(""))
                .isEqualTo("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
        String etag = proto.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> json =
                http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Accept", "application/json")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(new String(json.body(), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("{\"swagger\":\"2.0\"");
        assertThat(json.headers().firstValue("ETag")).contains(etag);
        HttpResponse<byte[]> cached =
                http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Accept", "application/json")
                                .header("If-None-Match", etag)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(cached.statusCode()).isEqualTo(304);
        assertThat(cached.body()).isEmpty();
        HttpResponse<byte[]> refused =
                http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .header("Accept", "text/html")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(refused.statusCode()).isEqualTo(406);
    }

    @Test
    @Order(8)
    void openApiV3DocumentsAreCachedByHash() throws Exception {
        HttpClient http =
                HttpClient.newBuilder()
                        .sslContext(cluster.adminSslContext())
                        .connectTimeout(Duration.ofSeconds(5))
                        .build();
        String base = cluster.server().apiUrl();
        HttpResponse<String> root =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + "/openapi/v3"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        String url =
                io.j8s.api.json.Json.parse(root.body())
                        .path("paths")
                        .path("apis/apps/v1")
                        .path("serverRelativeURL")
                        .asString();
        String hash = url.substring(url.indexOf("?hash=") + 6);
        HttpResponse<String> doc =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + url))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.headers().firstValue("ETag")).contains("\"" + hash + "\"");
        assertThat(doc.headers().firstValue("Cache-Control")).contains("public, immutable");
        assertThat(doc.body()).contains("\"io.k8s.api.apps.v1.Deployment\"");
        HttpResponse<String> cached =
                http.send(
                        HttpRequest.newBuilder(URI.create(base + url))
                                .timeout(Duration.ofSeconds(30))
                                .header("If-None-Match", "\"" + hash + "\"")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(cached.statusCode()).isEqualTo(304);
        HttpResponse<String> stale =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(base + "/openapi/v3/apis/apps/v1?hash=0123"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(stale.statusCode()).isEqualTo(301);
        assertThat(stale.headers().firstValue("Location")).contains(url);
    }
}
