package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import io.j8s.testkit.HostTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The acceptance of issue 18 for kubectl and fabric8, as a user sees it: a CRD ({@code
 * widgets.acceptance.j8s.io}, a structural schema with an enum, a pattern, bounds and a CEL rule,
 * printer columns, the status and scale subresources) and its custom resources driven by kubectl
 * 1.20 (the oldest supported) and 1.33 (the newest installed): server-side apply, its conflicts,
 * {@code get -o wide}, {@code explain}, {@code scale}, {@code wait}, and a 422 with every cause.
 * The expected texts are those kubectl prints against a Kubernetes API server (sources named at
 * each assert; docs/custom-resources.md).
 */
class CustomResourceAcceptanceTest {
    static final String KUBECTL_120 = "/opt/kubectl-1.20/usr/bin/kubectl";
    static final String KUBECTL_133 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";
    static final String RESOURCE = "widget.acceptance.j8s.io";

    static final String CRD =
            """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.acceptance.j8s.io
            spec:
              group: acceptance.j8s.io
              scope: Namespaced
              names:
                kind: Widget
                listKind: WidgetList
                plural: widgets
                singular: widget
                shortNames: [wd]
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
                - {name: Size, type: integer, jsonPath: .spec.size}
                - {name: Color, type: string, jsonPath: .spec.color}
                - {name: Replicas, type: integer, jsonPath: .spec.replicas, priority: 1}
                - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
                - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        description: What the widget should be.
                        required: [size]
                        x-kubernetes-validations:
                        - rule: self.replicas <= self.size
                          message: replicas must not exceed size
                        properties:
                          size:
                            type: integer
                            description: The widget's size, 1 to 10.
                            minimum: 1
                            maximum: 10
                          color:
                            type: string
                            description: The widget's color.
                            enum: [red, green, blue]
                          owner:
                            type: string
                            description: Who owns the widget.
                            pattern: '^[a-z]+$'
                          replicas:
                            type: integer
                            description: How many copies.
                            minimum: 0
                            default: 1
                      status:
                        type: object
                        properties:
                          replicas:
                            type: integer
                          conditions:
                            type: array
                            x-kubernetes-list-type: map
                            x-kubernetes-list-map-keys: [type]
                            items:
                              type: object
                              required: [type, status]
                              properties:
                                type: {type: string}
                                status: {type: string}
                                reason: {type: string}
                                message: {type: string}
            """;

    /** kubectl's help after a server-side apply conflict (k8s.io/kubectl/pkg/cmd/apply). */
    static final String CONFLICT_HELP =
            """
            Please review the fields above--they currently have other managers. Here
            are the ways you can resolve this warning:
            * If you intend to manage all of these fields, please re-run the apply
              command with the `--force-conflicts` flag.
            * If you do not intend to manage all of the fields, please edit your
              manifest to remove references to the fields that should keep their
              current managers.
            * You may co-own fields by updating your manifest to match the existing
              value; in this case, you'll become the manager if the other manager(s)
              stop managing the field (remove it from their configuration).
            """;

    /** The help's last line: kubectl 1.20 links the API concepts page, later ones SSA's. */
    static String conflictHelp(String binary) {
        return CONFLICT_HELP
                + (binary.equals(KUBECTL_120)
                        ? "See http://k8s.io/docs/reference/using-api/api-concepts/#conflicts\n"
                        : "See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts\n");
    }

    private static TestCluster cluster;
    private static Path work;

    @BeforeAll
    static void start() throws Exception {
        Kubectl.requireAvailable();
        for (String binary : List.of(KUBECTL_120, KUBECTL_133)) {
            HostTools.require(
                    Files.isExecutable(Path.of(binary)),
                    binary,
                    "install kubectl 1.20 and the Google Cloud SDK's kubectl versions (.ci/run)");
        }
        // All controllers: the CRD's conditions, the garbage collector.
        cluster = TestCluster.withControllers(c -> c);
        work = Files.createDirectories(cluster.dir().resolve("acceptance"));
        Path crd = write("crd.yaml", CRD);
        assertThat(cluster.kubectlOk("apply", "-f", crd.toString()))
                .isEqualTo(
                        "customresourcedefinition.apiextensions.k8s.io/widgets.acceptance.j8s.io"
                                + " created\n");
        assertThat(
                        cluster.kubectlOk(
                                "wait",
                                "--for=condition=Established",
                                "crd/widgets.acceptance.j8s.io",
                                "--timeout=60s"))
                .isEqualTo(
                        "customresourcedefinition.apiextensions.k8s.io/widgets.acceptance.j8s.io"
                                + " condition met\n");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path write(String name, String text) throws Exception {
        Path file = work.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static Kubectl kubectl(String binary) {
        return cluster.kubectl().withBinary(binary);
    }

    /** "20" for kubectl 1.20, "33" for 1.33: each version's run names its own objects. */
    private static String v(String binary) {
        return binary.equals(KUBECTL_120) ? "20" : "33";
    }

    private static Path widget(String name, String spec) throws Exception {
        return write(
                name + ".yaml",
                """
                apiVersion: acceptance.j8s.io/v1
                kind: Widget
                metadata:
                  name: %s
                  namespace: default
                spec:
                %s
                """
                        .formatted(name, spec.indent(2).stripTrailing()));
    }

    private static GenericKubernetesResource get(String name) {
        return cluster.client()
                .genericKubernetesResources("acceptance.j8s.io/v1", "Widget")
                .inNamespace("default")
                .withName(name)
                .get();
    }

    /** The managedFields entries as {@code manager/operation[/subresource]: fields}. */
    private static List<String> managedFields(GenericKubernetesResource object) {
        List<String> out = new ArrayList<>();
        for (ManagedFieldsEntry e : object.getMetadata().getManagedFields()) {
            out.add(
                    e.getManager()
                            + "/"
                            + e.getOperation()
                            + (e.getSubresource() == null || e.getSubresource().isEmpty()
                                    ? ""
                                    : "/" + e.getSubresource())
                            + ": "
                            + Serialization.asJson(e.getFieldsV1().getAdditionalProperties()));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_120, KUBECTL_133})
    void applyServerSideTwice_theSecondChangesNothing(String binary) throws Exception {
        Kubectl kubectl = kubectl(binary);
        String name = "twice-" + v(binary);
        Path manifest = widget(name, "size: 3\ncolor: red\n");
        assertThat(kubectl.run("apply", "--server-side", "-f", manifest.toString()).ok())
                .isEqualTo(RESOURCE + "/" + name + " serverside-applied\n");
        GenericKubernetesResource first = get(name);
        assertThat(managedFields(first))
                .containsExactly("kubectl/Apply: {\"f:spec\":{\"f:color\":{},\"f:size\":{}}}");
        // The schema's default, set by the server.
        assertThat(((Map<?, ?>) first.getAdditionalProperties().get("spec")).get("replicas"))
                .isEqualTo(1);

        Kubectl.Result again = kubectl.run("apply", "--server-side", "-f", manifest.toString());
        assertThat(again.ok()).isEqualTo(RESOURCE + "/" + name + " serverside-applied\n");
        assertThat(again.stderr()).isEmpty();
        GenericKubernetesResource second = get(name);
        assertThat(second.getMetadata().getResourceVersion())
                .isEqualTo(first.getMetadata().getResourceVersion());
        assertThat(second.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(second.getMetadata().getManagedFields())
                .isEqualTo(first.getMetadata().getManagedFields());

        // kubectl 1.21 and later hide managedFields unless --show-managed-fields; 1.20 prints them.
        String yaml = kubectl.run("get", "widget", name, "-o", "yaml").ok();
        if (binary.equals(KUBECTL_120)) {
            assertThat(yaml).contains("managedFields:", "manager: kubectl", "operation: Apply");
        } else {
            assertThat(yaml).doesNotContain("managedFields");
            assertThat(
                            kubectl.run(
                                            "get",
                                            "widget",
                                            name,
                                            "-o",
                                            "yaml",
                                            "--show-managed-fields")
                                    .ok())
                    .contains("managedFields:", "manager: kubectl", "operation: Apply");
        }
    }

    @Test
    void clientSideApplyThenServerSideApply_kubectlMigratesTheManager() throws Exception {
        // kubectl 1.26+ moves the client-side apply manager's fields to its server-side apply
        // manager before the first --server-side apply (k8s.io/client-go/util/csaupgrade), so the
        // changed field is no conflict and the client-side apply manager is gone.
        Kubectl kubectl = kubectl(KUBECTL_133);
        String name = "migrate-33";
        assertThat(
                        kubectl.run("apply", "-f", widget(name, "size: 3\ncolor: red\n").toString())
                                .ok())
                .isEqualTo(RESOURCE + "/" + name + " created\n");
        assertThat(managedFields(get(name)))
                .singleElement()
                .asString()
                .startsWith("kubectl-client-side-apply/Update: ");
        Kubectl.Result ssa =
                kubectl.run(
                        "apply",
                        "--server-side",
                        "-f",
                        widget(name, "size: 4\ncolor: red\n").toString());
        assertThat(ssa.ok()).isEqualTo(RESOURCE + "/" + name + " serverside-applied\n");
        GenericKubernetesResource after = get(name);
        assertThat(((Map<?, ?>) after.getAdditionalProperties().get("spec")).get("size"))
                .isEqualTo(4);
        // What Kubernetes does (k8s.io/kubectl/pkg/cmd/apply): the apply, forced by the API
        // server's
        // lastAppliedManager for conflicts with the client-side apply's last-applied
        // configuration; the last-applied annotation saved as "kubectl-last-applied"; csaupgrade
        // merging what "kubectl-client-side-apply" still owns into "kubectl"; then the apply sent
        // again, which drops from "kubectl" what its configuration no longer sets (replicas goes
        // back to its default, owned by no one; the annotation stays, "kubectl-last-applied"'s).
        assertThat(managedFields(after))
                .containsExactlyInAnyOrder(
                        "kubectl/Apply: {\"f:spec\":{\"f:color\":{},\"f:size\":{}}}",
                        "kubectl-last-applied/Apply: {\"f:metadata\":{\"f:annotations\":"
                                + "{\"f:kubectl.kubernetes.io/last-applied-configuration\":{}}}}");
        assertThat(((Map<?, ?>) after.getAdditionalProperties().get("spec")).get("replicas"))
                .isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_120, KUBECTL_133})
    void aConflictBetweenTwoManagers_andForceConflicts(String binary) throws Exception {
        Kubectl kubectl = kubectl(binary);
        String name = "conflict-" + v(binary);
        assertThat(
                        kubectl.run(
                                        "apply",
                                        "--server-side",
                                        "-f",
                                        widget(name, "size: 3\ncolor: red\n").toString())
                                .ok())
                .isEqualTo(RESOURCE + "/" + name + " serverside-applied\n");

        Path other = widget(name, "size: 5\n");
        Kubectl.Result conflict =
                kubectl.run(
                        "apply", "--server-side", "--field-manager=team-b", "-f", other.toString());
        assertThat(conflict.exitCode()).isEqualTo(1);
        assertThat(conflict.stdout()).isEmpty();
        // The server's message (k8s.io/apiserver .../fieldmanager/internal/conflict.go: an Apply
        // manager is named without its apiVersion), then kubectl's help.
        assertThat(conflict.stderr())
                .isEqualTo(
                        "error: Apply failed with 1 conflict: conflict with \"kubectl\": .spec.size\n"
                                + conflictHelp(binary));
        assertThat(((Map<?, ?>) get(name).getAdditionalProperties().get("spec")).get("size"))
                .isEqualTo(3);

        Kubectl.Result forced =
                kubectl.run(
                        "apply",
                        "--server-side",
                        "--field-manager=team-b",
                        "--force-conflicts",
                        "-f",
                        other.toString());
        assertThat(forced.ok()).isEqualTo(RESOURCE + "/" + name + " serverside-applied\n");
        GenericKubernetesResource after = get(name);
        assertThat(((Map<?, ?>) after.getAdditionalProperties().get("spec")).get("size"))
                .isEqualTo(5);
        // spec.size moved to team-b; kubectl keeps spec.color.
        assertThat(managedFields(after))
                .containsExactlyInAnyOrder(
                        "kubectl/Apply: {\"f:spec\":{\"f:color\":{}}}",
                        "team-b/Apply: {\"f:spec\":{\"f:size\":{}}}");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_120, KUBECTL_133})
    void getPrintsThePrinterColumns_wideOnesWithOWide(String binary) throws Exception {
        Kubectl kubectl = kubectl(binary);
        String name = "wide-" + v(binary);
        kubectl.run(
                        "apply",
                        "--server-side",
                        "-f",
                        widget(name, "size: 3\ncolor: red\nreplicas: 2\n").toString())
                .ok();
        // kubectl's table printer: tabwriter with padding 3; a column whose path finds nothing is
        // an
        // empty cell (apiextensions-apiserver's tableconvertor).
        String wide = kubectl.run("get", "widgets", name, "-o", "wide").ok();
        assertThat(wide.lines().toList())
                .hasSize(2)
                .first()
                .isEqualTo("NAME      SIZE   COLOR   REPLICAS   READY   AGE");
        assertThat(wide.lines().toList().get(1))
                .matches(name + "   3      red     2                  \\d+s");

        String narrow = kubectl.run("get", "wd", name).ok();
        assertThat(narrow.lines().toList())
                .hasSize(2)
                .first()
                .isEqualTo("NAME      SIZE   COLOR   READY   AGE");
        assertThat(narrow.lines().toList().get(1))
                .matches(name + "   3      red             \\d+s");
    }

    @Test
    void explainPrintsTheSchemaOfSpec_kubectl133() {
        // k8s.io/kubectl/pkg/explain/v2/templates/plaintext.tmpl: the OpenAPI v3 document.
        String out = kubectl(KUBECTL_133).run("explain", "widgets.spec").ok();
        assertThat(out.stripTrailing())
                .isEqualTo(
                        """
                        GROUP:      acceptance.j8s.io
                        KIND:       Widget
                        VERSION:    v1

                        FIELD: spec <Object>


                        DESCRIPTION:
                            What the widget should be.
                           \s
                        FIELDS:
                          color\t<string>
                          enum: red, green, blue
                            The widget's color.

                          owner\t<string>
                            Who owns the widget.

                          replicas\t<integer>
                            How many copies.

                          size\t<integer> -required-
                            The widget's size, 1 to 10.\
                        """);
    }

    @Test
    void explainPrintsTheSchemaOfSpec_kubectl120() {
        // k8s.io/kubectl/pkg/explain/model_printer.go and fields_printer.go: OpenAPI v2.
        String out = kubectl(KUBECTL_120).run("explain", "widgets.spec").ok();
        assertThat(out.stripTrailing())
                .isEqualTo(
                        """
                        KIND:     Widget
                        VERSION:  acceptance.j8s.io/v1

                        RESOURCE: spec <Object>

                        DESCRIPTION:
                             What the widget should be.

                        FIELDS:
                           color\t<string>
                             The widget's color.

                           owner\t<string>
                             Who owns the widget.

                           replicas\t<integer>
                             How many copies.

                           size\t<integer> -required-
                             The widget's size, 1 to 10.\
                        """);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_120, KUBECTL_133})
    void scaleChangesSpecReplicasThroughTheScaleSubresource(String binary) throws Exception {
        Kubectl kubectl = kubectl(binary);
        String name = "scale-" + v(binary);
        kubectl.run(
                        "apply",
                        "--server-side",
                        "-f",
                        widget(name, "size: 5\nreplicas: 1\n").toString())
                .ok();
        assertThat(kubectl.run("scale", "widget", name, "--replicas=4").ok())
                .isEqualTo(RESOURCE + "/" + name + " scaled\n");
        assertThat(kubectl.run("get", "widget", name, "-o", "jsonpath={.spec.replicas}").ok())
                .isEqualTo("4");
        // The scale subresource reads spec and status through the CRD's paths.
        String scale =
                cluster.client()
                        .raw(
                                "/apis/acceptance.j8s.io/v1/namespaces/default/widgets/"
                                        + name
                                        + "/scale");
        assertThat(scale).contains("\"kind\":\"Scale\"", "\"replicas\":4");

        // Beyond the CEL rule (replicas <= size): the scale is refused like an update.
        Kubectl.Result tooMany = kubectl.run("scale", "widget", name, "--replicas=6");
        assertThat(tooMany.exitCode()).isEqualTo(1);
        assertThat(tooMany.stderr())
                .isEqualTo(
                        "The Widget \""
                                + name
                                + "\" is invalid: spec: Invalid value: \"object\": replicas must"
                                + " not exceed size\n");
        assertThat(kubectl.run("get", "widget", name, "-o", "jsonpath={.spec.replicas}").ok())
                .isEqualTo("4");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_120, KUBECTL_133})
    void waitForAConditionTheStatusGets(String binary) throws Exception {
        Kubectl kubectl = kubectl(binary);
        String name = "wait-" + v(binary);
        kubectl.run("apply", "--server-side", "-f", widget(name, "size: 2\n").toString()).ok();
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        Process wait =
                kubectl.start(
                        out,
                        err,
                        "wait",
                        "--for=condition=Ready",
                        "widget/" + name,
                        "--timeout=60s");
        try {
            Thread.sleep(1500);
            assertThat(wait.isAlive()).as("kubectl wait returned before the condition").isTrue();
            // What an operator does: the condition written to the status subresource.
            cluster.client()
                    .genericKubernetesResources("acceptance.j8s.io/v1", "Widget")
                    .inNamespace("default")
                    .withName(name)
                    .subresource("status")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"status\":{\"replicas\":1,\"conditions\":[{\"type\":\"Ready\","
                                    + "\"status\":\"True\",\"reason\":\"Done\"}]}}");
            assertThat(wait.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(out)).isEqualTo(RESOURCE + "/" + name + " condition met\n");
            assertThat(wait.exitValue()).as(Files.readString(err)).isZero();
        } finally {
            wait.destroyForcibly();
        }
        String ready = kubectl.run("get", "wd", name).ok();
        assertThat(ready.lines().toList().get(1)).matches(name + "   2              True    \\d+s");
    }

    @Test
    void fabric8ServerSideApply() {
        KubernetesClient client = cluster.client();
        GenericKubernetesResource widget =
                Serialization.unmarshal(
                        """
                        apiVersion: acceptance.j8s.io/v1
                        kind: Widget
                        metadata: {name: fabric8, namespace: default}
                        spec: {size: 4, color: green}
                        """,
                        GenericKubernetesResource.class);
        GenericKubernetesResource applied =
                client.resource(widget).fieldManager("my-operator").serverSideApply();
        assertThat(managedFields(applied))
                .containsExactly("my-operator/Apply: {\"f:spec\":{\"f:color\":{},\"f:size\":{}}}");
        GenericKubernetesResource again =
                client.resource(widget).fieldManager("my-operator").serverSideApply();
        assertThat(again.getMetadata().getResourceVersion())
                .isEqualTo(applied.getMetadata().getResourceVersion());

        // Another manager changing spec.color: 409 naming the owner and the field.
        GenericKubernetesResource change =
                Serialization.unmarshal(
                        """
                        apiVersion: acceptance.j8s.io/v1
                        kind: Widget
                        metadata: {name: fabric8, namespace: default}
                        spec: {size: 4, color: blue}
                        """,
                        GenericKubernetesResource.class);
        assertThatThrownBy(() -> client.resource(change).fieldManager("other").serverSideApply())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> {
                            assertThat(e.getCode()).isEqualTo(409);
                            Status status = e.getStatus();
                            assertThat(status.getReason()).isEqualTo("Conflict");
                            assertThat(status.getMessage())
                                    .isEqualTo(
                                            "Apply failed with 1 conflict: conflict with"
                                                    + " \"my-operator\": .spec.color");
                            assertThat(status.getDetails().getCauses())
                                    .extracting(
                                            StatusCause::getReason,
                                            StatusCause::getMessage,
                                            StatusCause::getField)
                                    .containsExactly(
                                            org.assertj.core.groups.Tuple.tuple(
                                                    "FieldManagerConflict",
                                                    "conflict with \"my-operator\"",
                                                    ".spec.color"));
                        });
        GenericKubernetesResource forced =
                client.resource(change).fieldManager("other").forceConflicts().serverSideApply();
        assertThat(((Map<?, ?>) forced.getAdditionalProperties().get("spec")).get("color"))
                .isEqualTo("blue");
        assertThat(managedFields(forced))
                .containsExactlyInAnyOrder(
                        "my-operator/Apply: {\"f:spec\":{\"f:size\":{}}}",
                        "other/Apply: {\"f:spec\":{\"f:color\":{},\"f:size\":{}}}");
    }

    /** The causes of the invalid Widget below, as kubectl prints them. */
    static final List<String> CAUSES =
            List.of(
                    // structural schema (kube-openapi's pattern and minimum messages)
                    "* spec.owner: Invalid value: \"Bob!\": spec.owner in body should match"
                            + " '^[a-z]+$'",
                    "* spec.size: Invalid value: 0: spec.size in body should be greater than or"
                            + " equal to 1",
                    // CEL, after the schema's errors (customResourceStrategy.Validate)
                    "* spec: Invalid value: \"object\": replicas must not exceed size");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {KUBECTL_120, KUBECTL_133})
    void anInvalidWidgetGets422WithEveryCause_andNothingIsStored(String binary) throws Exception {
        Kubectl kubectl = kubectl(binary);
        String name = "bad-" + v(binary);
        Path bad = widget(name, "size: 0\nowner: Bob!\nreplicas: 2\n");
        for (String[] command :
                List.of(
                        new String[] {"create", "-f", bad.toString()},
                        new String[] {"apply", "--server-side", "-f", bad.toString()})) {
            Kubectl.Result result = kubectl.run(command);
            assertThat(result.exitCode()).as(String.join(" ", command)).isEqualTo(1);
            assertThat(result.stdout()).isEmpty();
            // k8s.io/kubectl/pkg/cmd/util/helpers.go checkErr and MultilineError: the prefix on a
            // line of its own (with its trailing space), then one "* field: message" per cause.
            // Kubernetes orders the schema's causes as its validator walks the object's map, so
            // their order is not compared; the CEL cause comes last.
            List<String> lines = result.stderr().lines().toList();
            assertThat(lines).hasSize(4);
            assertThat(lines.get(0)).isEqualTo("The Widget \"" + name + "\" is invalid: ");
            assertThat(lines.subList(1, 4)).containsExactlyInAnyOrderElementsOf(CAUSES);
            assertThat(lines.get(3)).isEqualTo(CAUSES.get(2));
        }

        // An unsupported value blocks the CEL rules: Kubernetes reports it and, for the rules,
        // one notice with no field (customResourceStrategy.Validate, hasBlockingErr).
        String blocked = "blocked-" + v(binary);
        Kubectl.Result result =
                kubectl.run(
                        "create",
                        "-f",
                        widget(blocked, "size: 3\ncolor: purple\nreplicas: 5\n").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr())
                .isEqualTo(
                        "The Widget \""
                                + blocked
                                + "\" is invalid: \n"
                                + "* spec.color: Unsupported value: \"purple\": supported values:"
                                + " \"red\", \"green\", \"blue\"\n"
                                + "* <nil>: Invalid value: \"null\": some validation rules were not"
                                + " checked because the object was invalid; correct the existing"
                                + " errors to complete validation\n");
        assertThat(kubectl.run("get", "widget", blocked).exitCode()).isEqualTo(1);

        Kubectl.Result missing = kubectl.run("get", "widget", name);
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr())
                .isEqualTo(
                        "Error from server (NotFound): widgets.acceptance.j8s.io \""
                                + name
                                + "\" not found\n");
    }

    @Test
    void anInvalidWidget_theStatusAClientReads() {
        GenericKubernetesResource bad =
                Serialization.unmarshal(
                        """
                        apiVersion: acceptance.j8s.io/v1
                        kind: Widget
                        metadata: {name: bad-fabric8, namespace: default}
                        spec: {size: 0, owner: Bob!, replicas: 2}
                        """,
                        GenericKubernetesResource.class);
        assertThatThrownBy(() -> cluster.client().resource(bad).create())
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> {
                            assertThat(e.getCode()).isEqualTo(422);
                            Status status = e.getStatus();
                            assertThat(status.getReason()).isEqualTo("Invalid");
                            assertThat(status.getDetails().getKind()).isEqualTo("Widget");
                            assertThat(status.getDetails().getGroup())
                                    .isEqualTo("acceptance.j8s.io");
                            assertThat(status.getDetails().getName()).isEqualTo("bad-fabric8");
                            assertThat(status.getMessage())
                                    .startsWith(
                                            "Widget.acceptance.j8s.io \"bad-fabric8\" is invalid: [");
                            assertThat(status.getDetails().getCauses())
                                    .extracting(
                                            c ->
                                                    c.getReason()
                                                            + " "
                                                            + c.getField()
                                                            + ": "
                                                            + c.getMessage())
                                    .containsExactlyInAnyOrder(
                                            "FieldValueInvalid spec.owner: Invalid value: \"Bob!\":"
                                                    + " spec.owner in body should match"
                                                    + " '^[a-z]+$'",
                                            "FieldValueInvalid spec.size: Invalid value: 0:"
                                                    + " spec.size in body should be greater than"
                                                    + " or equal to 1",
                                            "FieldValueInvalid spec: Invalid value: \"object\":"
                                                    + " replicas must not exceed size");
                        });
        assertThat(get("bad-fabric8")).isNull();
    }
}
