package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * CustomResourceDefinitions with the real kubectl and fabric8's generic client: a CRD applied and
 * served at once (discovery, OpenAPI for {@code explain}), custom resources created, listed with
 * their printer columns, scaled, their status patched through the subresource, and the CRD's
 * deletion removing them (docs/custom-resources.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustomResourceDefinitionsTest {
    private static final String KUBECTL_127 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.27";

    static final String CRD =
            """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              scope: Namespaced
              names:
                plural: widgets
                singular: widget
                kind: Widget
                shortNames: [wd]
                categories: [all]
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  status: {}
                  scale:
                    specReplicasPath: .spec.replicas
                    statusReplicasPath: .status.replicas
                additionalPrinterColumns:
                - name: Replicas
                  type: integer
                  jsonPath: .spec.replicas
                - name: Color
                  type: string
                  jsonPath: .spec.color
                  priority: 1
                - name: Ready
                  type: string
                  jsonPath: .status.conditions[?(@.type=="Ready")].status
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        description: What the widget should be.
                        properties:
                          replicas:
                            type: integer
                            description: How many copies of the widget.
                          color:
                            type: string
                            description: The widget's color.
                      status:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
            """;

    static final String WIDGET =
            """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: w1
              namespace: default
            spec:
              replicas: 2
              color: blue
            """;

    private static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        Kubectl.requireAvailable();
        cluster =
                TestCluster.withControllers(
                        c -> c.withEnabled(java.util.Set.of("garbagecollector", "namespace")));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String apply(String yaml) {
        return cluster.kubectl()
                .runWithInput(yaml.getBytes(StandardCharsets.UTF_8), Map.of(), "apply", "-f", "-")
                .ok();
    }

    private static void await(String what, Supplier<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    @Order(1)
    void aCrdIsServedOnceApplied() throws Exception {
        assertThat(apply(CRD))
                .contains("customresourcedefinition.apiextensions.k8s.io/widgets.example.com");
        await(
                "Established",
                () ->
                        cluster.kubectl()
                                .run(
                                        "get",
                                        "crd",
                                        "widgets.example.com",
                                        "-o",
                                        "jsonpath={.status.conditions[?(@.type==\"Established\")].status}")
                                .stdout()
                                .equals("True"));
        assertThat(
                        cluster.kubectlOk(
                                "wait",
                                "--for=condition=Established",
                                "crd/widgets.example.com",
                                "--timeout=30s"))
                .contains("condition met");
        assertThat(cluster.kubectlOk("get", "crd")).contains("widgets.example.com");
        assertThat(cluster.kubectlOk("api-resources", "--api-group=example.com"))
                .containsPattern("widgets\\s+wd\\s+example.com/v1\\s+true\\s+Widget");
        assertThat(
                        cluster.kubectlOk(
                                "get",
                                "crd",
                                "widgets.example.com",
                                "-o",
                                "jsonpath={.metadata.finalizers}"))
                .contains("customresourcecleanup.apiextensions.k8s.io");
    }

    @Test
    @Order(2)
    void invalidAndConflictingCrds() throws Exception {
        Kubectl.Result webhook =
                cluster.kubectl()
                        .runWithInput(
                                CRD.replace("widgets.example.com", "things.example.com")
                                        .replace("plural: widgets", "plural: things")
                                        .replace("singular: widget", "singular: thing")
                                        .replace("kind: Widget", "kind: Thing")
                                        .replace("shortNames: [wd]", "shortNames: [th]")
                                        .replace(
                                                "spec:\n  group",
                                                "spec:\n  conversion:\n    strategy: Webhook\n  group")
                                        .getBytes(StandardCharsets.UTF_8),
                                Map.of(),
                                "apply",
                                "-f",
                                "-");
        assertThat(webhook.exitCode()).isNotZero();
        assertThat(webhook.stderr())
                .contains("is invalid")
                .contains("spec.conversion.strategy")
                .contains("not supported");
        // the same kind in the same group: not accepted, not served
        apply(
                CRD.replace("widgets.example.com", "gadgets.example.com")
                        .replace("plural: widgets", "plural: gadgets")
                        .replace("singular: widget", "singular: gadget")
                        .replace("shortNames: [wd]", "shortNames: [gd]"));
        await(
                "NamesAccepted=False",
                () ->
                        cluster.kubectl()
                                .run(
                                        "get",
                                        "crd",
                                        "gadgets.example.com",
                                        "-o",
                                        "jsonpath={.status.conditions[?(@.type==\"NamesAccepted\")].reason}")
                                .stdout()
                                .equals("KindConflict"));
        assertThat(cluster.kubectl().run("get", "gadgets").exitCode()).isNotZero();
        cluster.kubectlOk("delete", "crd", "gadgets.example.com");
    }

    @Test
    @Order(3)
    void customResourcesAreCreatedListedAndPrinted() {
        assertThat(apply(WIDGET)).contains("widget.example.com/w1 created");
        assertThat(cluster.kubectlOk("get", "widget", "w1", "-o", "jsonpath={.spec.color}"))
                .isEqualTo("blue");
        String table = cluster.kubectlOk("get", "wd");
        assertThat(table).containsPattern("NAME\\s+REPLICAS\\s+READY");
        assertThat(table).doesNotContain("COLOR");
        assertThat(table).containsPattern("w1\\s+2");
        assertThat(cluster.kubectlOk("get", "widgets", "-o", "wide"))
                .containsPattern("NAME\\s+REPLICAS\\s+COLOR\\s+READY")
                .containsPattern("w1\\s+2\\s+blue");
        assertThat(cluster.kubectlOk("get", "all")).contains("widget.example.com/w1");
        assertThat(cluster.kubectlOk("get", "widgets", "--field-selector", "metadata.name=w1"))
                .contains("w1");
    }

    @Test
    @Order(4)
    void explainReadsTheSchema() {
        assertThat(cluster.kubectlOk("explain", "widget.spec"))
                .contains("How many copies of the widget.")
                .contains("color");
        if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(KUBECTL_127))) {
            assertThat(cluster.kubectl().withBinary(KUBECTL_127).run("explain", "widget.spec").ok())
                    .contains("How many copies of the widget.");
        }
    }

    @Test
    @Order(5)
    void scaleAndStatusSubresources() {
        assertThat(cluster.kubectlOk("scale", "widget", "w1", "--replicas=5"))
                .contains("widget.example.com/w1 scaled");
        assertThat(cluster.kubectlOk("get", "widget", "w1", "-o", "jsonpath={.spec.replicas}"))
                .isEqualTo("5");
        String generation =
                cluster.kubectlOk("get", "widget", "w1", "-o", "jsonpath={.metadata.generation}");
        cluster.kubectlOk(
                "patch",
                "widget",
                "w1",
                "--subresource=status",
                "--type=merge",
                "-p",
                "{\"status\":{\"replicas\":5,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]},"
                        + "\"spec\":{\"color\":\"red\"}}");
        assertThat(cluster.kubectlOk("get", "widget", "w1", "-o", "jsonpath={.status.replicas}"))
                .isEqualTo("5");
        // a status write changes the status only, and not the generation
        assertThat(cluster.kubectlOk("get", "widget", "w1", "-o", "jsonpath={.spec.color}"))
                .isEqualTo("blue");
        assertThat(
                        cluster.kubectlOk(
                                "get", "widget", "w1", "-o", "jsonpath={.metadata.generation}"))
                .isEqualTo(generation);
        assertThat(cluster.kubectlOk("get", "widget", "w1")).containsPattern("w1\\s+5\\s+True");
    }

    @Test
    @Order(6)
    void fabric8GenericClient() throws Exception {
        ResourceDefinitionContext context =
                new ResourceDefinitionContext.Builder()
                        .withGroup("example.com")
                        .withVersion("v1")
                        .withKind("Widget")
                        .withPlural("widgets")
                        .withNamespaced(true)
                        .build();
        try (KubernetesClient client = cluster.client()) {
            GenericKubernetesResource w = new GenericKubernetesResource();
            w.setApiVersion("example.com/v1");
            w.setKind("Widget");
            w.setMetadata(
                    new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                            .withName("w2")
                            .withNamespace("default")
                            .build());
            w.setAdditionalProperty("spec", Map.of("replicas", 1, "color", "green"));
            java.util.List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            var watch =
                    client.genericKubernetesResources(context)
                            .inNamespace("default")
                            .watch(
                                    new io.fabric8.kubernetes.client.Watcher<
                                            GenericKubernetesResource>() {
                                        @Override
                                        public void eventReceived(
                                                Action action, GenericKubernetesResource r) {
                                            events.add(action + " " + r.getMetadata().getName());
                                        }

                                        @Override
                                        public void onClose(
                                                io.fabric8.kubernetes.client.WatcherException e) {}
                                    });
            client.genericKubernetesResources(context).inNamespace("default").resource(w).create();
            GenericKubernetesResource read =
                    client.genericKubernetesResources(context)
                            .inNamespace("default")
                            .withName("w2")
                            .get();
            assertThat(read.getMetadata().getUid()).isNotEmpty();
            assertThat(
                            client.genericKubernetesResources(context)
                                    .inNamespace("default")
                                    .list()
                                    .getItems())
                    .extracting(r -> r.getMetadata().getName())
                    .containsExactly("w1", "w2");
            client.genericKubernetesResources(context)
                    .inNamespace("default")
                    .withName("w2")
                    .delete();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!events.contains("DELETED w2") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            watch.close();
            assertThat(events).contains("ADDED w2", "DELETED w2");
        }
    }

    @Test
    @Order(7)
    void theGarbageCollectorDeletesWhatACustomResourceOwns() throws Exception {
        String uid = cluster.kubectlOk("get", "widget", "w1", "-o", "jsonpath={.metadata.uid}");
        apply(
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: owned-by-w1
                  namespace: default
                  ownerReferences:
                  - apiVersion: example.com/v1
                    kind: Widget
                    name: w1
                    uid: %s
                data:
                  a: b
                """
                        .formatted(uid));
        Thread.sleep(1500);
        assertThat(cluster.kubectl().run("get", "configmap", "owned-by-w1").exitCode())
                .as("the owner exists: the ConfigMap stays")
                .isZero();
        assertThat(cluster.kubectlOk("delete", "widget", "w1")).contains("deleted");
        assertThat(cluster.kubectl().run("get", "widget", "w1").stderr()).contains("NotFound");
        await(
                "the ConfigMap owned by w1 collected",
                () -> cluster.kubectl().run("get", "configmap", "owned-by-w1").exitCode() != 0);
    }

    @Test
    @Order(8)
    void customResourcesAreServedAgainAfterARestart() throws Exception {
        apply(WIDGET);
        cluster.restart();
        assertThat(cluster.kubectlOk("get", "widget", "w1", "-o", "jsonpath={.spec.color}"))
                .isEqualTo("blue");
    }

    @Test
    @Order(9)
    void aChangedCrdTakesEffectLive() throws Exception {
        String v2 =
                """
                  - name: v2
                    served: true
                    storage: false
                    additionalPrinterColumns:
                    - name: Shade
                      type: string
                      jsonPath: .spec.color
                    schema:
                      openAPIV3Schema:
                        type: object
                        x-kubernetes-preserve-unknown-fields: true
                """;
        apply(CRD + v2);
        await(
                "v2 served",
                () -> cluster.kubectl().run("get", "widgets.v2.example.com", "w1").exitCode() == 0);
        assertThat(cluster.kubectlOk("get", "widgets.v2.example.com", "w1"))
                .containsPattern("NAME\\s+SHADE")
                .containsPattern("w1\\s+blue");
        assertThat(
                        cluster.kubectlOk(
                                "get",
                                "widgets.v2.example.com",
                                "w1",
                                "-o",
                                "jsonpath={.apiVersion}"))
                .isEqualTo("example.com/v2");
    }

    @Test
    @Order(10)
    void deletingANamespaceDeletesItsCustomResources() throws Exception {
        cluster.kubectlOk("create", "namespace", "doomed");
        apply(
                WIDGET.replace("name: w1", "name: w9")
                        .replace("namespace: default", "namespace: doomed"));
        cluster.kubectlOk("delete", "namespace", "doomed", "--timeout=60s");
        assertThat(cluster.kubectl().run("get", "namespace", "doomed").stderr())
                .contains("NotFound");
        assertThat(cluster.kubectlOk("get", "widgets", "-A", "-o", "name")).doesNotContain("w9");
    }

    @Test
    @Order(11)
    void deletingTheCrdRemovesItsObjects() throws Exception {
        cluster.kubectlOk("delete", "crd", "widgets.example.com", "--timeout=60s");
        await(
                "widgets no longer served",
                () ->
                        !cluster.kubectl()
                                .run("api-resources", "--api-group=example.com")
                                .stdout()
                                .contains("widgets"));
        assertThat(cluster.kubectl().run("get", "widgets").stderr())
                .contains("the server doesn't have a resource type \"widgets\"");
        // created again, the CRD serves no old object
        apply(CRD);
        await(
                "widgets served again",
                () -> cluster.kubectl().run("get", "widgets").exitCode() == 0);
        assertThat(cluster.kubectl().run("get", "widgets").stderr()).contains("No resources found");
    }
}
