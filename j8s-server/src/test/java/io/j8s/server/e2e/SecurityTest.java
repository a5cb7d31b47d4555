package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.j8s.server.pki.CertificateAuthority;
import io.j8s.server.pki.Identity;
import io.j8s.server.pki.KeyPairs;
import io.j8s.server.pki.Kubeconfig;
import io.j8s.server.pki.Leaf;
import io.j8s.server.testing.Kubectl;
import io.j8s.server.testing.TestCluster;
import io.j8s.testkit.HostTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API over HTTPS as users see it: who gets in (401), who may do what (403), what the built-in
 * roles allow, and kubectl's own view of it ({@code auth can-i}, {@code auth whoami}).
 */
class SecurityTest {
    private static TestCluster cluster;
    private static Path tokenFile;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("j8s-tokens-");
        tokenFile = dir.resolve("tokens.csv");
        Files.writeString(
                tokenFile,
                """
                viewer-token,viewer,1001
                editor-token,editor,1002,"devs,qa"
                nsadmin-token,nsadmin,1003
                """);
        cluster = TestCluster.start(o -> o.withTokenAuthFile(tokenFile));
        cluster.kubectlOk(
                "create",
                "clusterrolebinding",
                "viewer-view",
                "--clusterrole=view",
                "--user=viewer");
        cluster.kubectlOk(
                "create", "rolebinding", "devs-edit", "--clusterrole=edit", "--group=devs");
        cluster.kubectlOk(
                "apply",
                "-f",
                file(
                                "bindings.yaml",
                                """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: nsadmin-admin
                  namespace: default
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: admin}
                subjects:
                - {apiGroup: rbac.authorization.k8s.io, kind: User, name: nsadmin}
                """)
                        .toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        Files.deleteIfExists(tokenFile);
        Files.deleteIfExists(tokenFile.getParent());
    }

    private static Path file(String name, String content) throws Exception {
        return Files.writeString(cluster.dir().resolve(name), content);
    }

    // ---- authentication ----

    @Test
    void curl_withoutCredentials_isUnauthorized_butVersionAndHealthArePublic() throws Exception {
        String base = cluster.server().apiUrl();
        assertThat(curl(base + "/api/v1/pods"))
                .startsWith("401 ")
                .contains("\"kind\":\"Status\"")
                .contains("\"reason\":\"Unauthorized\"")
                .contains("\"code\":401");
        assertThat(curl(base + "/version")).startsWith("200 ").contains("v1.32.4");
        assertThat(curl(base + "/healthz")).isEqualTo("200 ok");
        assertThat(curl(base + "/cacerts")).startsWith("200 -----BEGIN CERTIFICATE-----");
    }

    @Test
    void curl_speaksHttp2ThroughAlpn() throws Exception {
        Process p =
                new ProcessBuilder(
                                "curl",
                                "-sk",
                                "--http2",
                                "-o",
                                "/dev/null",
                                "-w",
                                "%{http_version}",
                                cluster.server().apiUrl() + "/version")
                        .redirectErrorStream(true)
                        .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("2");
    }

    @Test
    void badToken_isUnauthorized() {
        Kubectl stranger = cluster.kubectlWithToken("stranger", "not-a-token");
        Kubectl.Result r = stranger.run("get", "pods");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("You must be logged in to the server");
    }

    @Test
    void inProcessComponents_actAsThemselvesOverTheInProcessListener_theirTokenIsRefusedOverTcp()
            throws Exception {
        double inProcessBefore =
                transportRequests(cluster.kubectlOk("get", "--raw", "/metrics"), "in-process");
        // the client of a node identity, as the server gives its node agents
        KubernetesClient node =
                cluster.server().credentials().componentClient(Identity.node("lb1"));
        String token = node.getConfiguration().getOauthToken();
        assertThat(token).startsWith("j8s-loopback.").hasSizeGreaterThan(40);
        assertThat(node.getConfiguration().getClientCertData()).isNull();
        node.nodes()
                .resource(new NodeBuilder().withNewMetadata().withName("lb1").endMetadata().build())
                .create();
        // authorized as that node (Node authorizer, NodeRestriction), as over TLS
        assertThatThrownBy(
                        () ->
                                node.nodes()
                                        .resource(
                                                new NodeBuilder()
                                                        .withNewMetadata()
                                                        .withName("lb2")
                                                        .endMetadata()
                                                        .build())
                                        .create())
                .isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("node \"lb1\" is not allowed to modify node \"lb2\"");
        // both came over the in-process listener, as /metrics counts
        assertThat(transportRequests(cluster.kubectlOk("get", "--raw", "/metrics"), "in-process"))
                .isGreaterThanOrEqualTo(inProcessBefore + 2);
        // the same token over TCP authenticates nothing: 401, as any unknown token
        Kubectl overTcp = cluster.kubectlWithToken("loopback-over-tcp", token);
        assertThat(overTcp.run("get", "nodes").stderr())
                .contains("You must be logged in to the server");
        // a loopback-shaped token the server did not issue is refused too
        Kubectl forger =
                cluster.kubectlWithToken(
                        "forger", "j8s-loopback.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        assertThat(forger.run("get", "pods").stderr())
                .contains("You must be logged in to the server");
        // nothing the server wrote holds the token
        try (var files = Files.walk(cluster.server().kubeconfig().getParent())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .as(f.toString())
                        .doesNotContain(token);
            }
        }
        cluster.client().nodes().withName("lb1").delete();
    }

    /** The value of {@code j8s_apiserver_requests_by_transport_total{transport=...}}. */
    private static double transportRequests(String metrics, String transport) {
        return metrics.lines()
                .filter(l -> l.startsWith("j8s_apiserver_requests_by_transport_total{"))
                .filter(l -> l.contains("transport=\"" + transport + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void certificateOfAnotherCa_isUnauthorized_andWritesNothing() throws Exception {
        CertificateAuthority other =
                CertificateAuthority.create("impostor", Duration.ofDays(1), Clock.systemUTC());
        KeyPair keys = KeyPairs.ecdsa();
        Leaf leaf =
                new Leaf(
                        other.issueClient(
                                "system:admin",
                                List.of("system:masters"),
                                keys.getPublic(),
                                Duration.ofDays(1)),
                        keys.getPrivate());
        Kubectl impostor =
                cluster.kubectlWith(
                        "impostor",
                        Kubeconfig.yaml(
                                cluster.server().apiUrl(),
                                cluster.server().pki().caPem(),
                                "impostor",
                                leaf.certificatePem(),
                                leaf.keyPem()));
        Path ns =
                file(
                        "impostor-ns.yaml",
                        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: impostor\n");
        Kubectl.Result r = impostor.run("apply", "--validate=false", "-f", ns.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr())
                .contains("the server has asked for the client to provide credentials");
        assertThat(cluster.kubectl().run("get", "ns", "impostor").stderr()).contains("NotFound");
    }

    @Test
    void expiredCertificate_isUnauthorized() {
        Clock lastYear = Clock.fixed(Instant.now().minus(Duration.ofDays(400)), ZoneOffset.UTC);
        KeyPair keys = KeyPairs.ecdsa();
        CertificateAuthority ca = cluster.server().pki().ca().at(lastYear);
        Leaf expired =
                new Leaf(
                        ca.issueClient(
                                "system:admin",
                                List.of("system:masters"),
                                keys.getPublic(),
                                Duration.ofDays(30)),
                        keys.getPrivate());
        Kubectl.Result r =
                cluster.kubectlWith(
                                "expired",
                                Kubeconfig.yaml(
                                        cluster.server().apiUrl(),
                                        cluster.server().pki().caPem(),
                                        "expired",
                                        expired.certificatePem(),
                                        expired.keyPem()))
                        .run("get", "pods");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr()).contains("You must be logged in to the server");
    }

    // ---- authorization ----

    @Test
    void viewUser_canListButNotCreate_andNothingIsWritten() throws Exception {
        Kubectl viewer = cluster.kubectlWithToken("viewer", "viewer-token");
        assertThat(viewer.run("get", "svc").ok()).contains("kubernetes");
        Path cm =
                file(
                        "viewer-cm.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: by-viewer\n"
                                + "data:\n  a: b\n");
        Kubectl.Result r = viewer.run("create", "-f", cm.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stderr())
                .contains("Error from server (Forbidden)")
                .contains(
                        "configmaps is forbidden: User \"viewer\" cannot create resource \"configmaps\" in API"
                                + " group \"\" in the namespace \"default\"");
        assertThat(cluster.kubectl().run("get", "cm", "by-viewer").stderr()).contains("NotFound");
        assertThat(viewer.run("get", "secrets").stderr())
                .contains("cannot list resource \"secrets\"");
    }

    @Test
    void groupBoundToEdit_writesInItsNamespaceOnly() throws Exception {
        Kubectl editor = cluster.kubectlWithToken("editor", "editor-token");
        Path cm =
                file(
                        "editor-cm.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: by-editor\n"
                                + "data:\n  a: b\n");
        editor.run("apply", "-f", cm.toString()).ok();
        Kubectl.Result other = editor.run("apply", "-n", "kube-system", "-f", cm.toString());
        assertThat(other.exitCode()).isEqualTo(1);
        assertThat(other.stderr()).contains("in the namespace \"kube-system\"");
        assertThat(editor.run("get", "clusterroles").stderr()).contains("at the cluster scope");
    }

    @Test
    void namespaceAdmin_grantsWhatItHolds_butCannotEscalate() throws Exception {
        Kubectl nsadmin = cluster.kubectlWithToken("nsadmin", "nsadmin-token");
        nsadmin.run(
                        "apply",
                        "-f",
                        file(
                                        "grant-view.yaml",
                                        """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: carol-view, namespace: default}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: carol}]
                """)
                                .toString())
                .ok();
        Kubectl.Result bind =
                nsadmin.run(
                        "apply",
                        "-f",
                        file(
                                        "grant-admin.yaml",
                                        """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: carol-root, namespace: default}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: carol}]
                """)
                                .toString());
        assertThat(bind.exitCode()).isEqualTo(1);
        assertThat(bind.stderr())
                .contains(
                        "rolebindings.rbac.authorization.k8s.io \"carol-root\" is forbidden: user"
                                + " \"nsadmin\"")
                .contains("is attempting to grant RBAC permissions not currently held");
        Kubectl.Result role =
                nsadmin.run(
                        "apply",
                        "-f",
                        file(
                                        "role-star.yaml",
                                        """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: everything, namespace: default}
                rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
                """)
                                .toString());
        assertThat(role.exitCode()).isEqualTo(1);
        assertThat(role.stderr())
                .contains("is attempting to grant RBAC permissions not currently held");
        assertThat(cluster.kubectl().run("get", "rolebinding", "carol-root").stderr())
                .contains("NotFound");
    }

    @Test
    void canI_answersPerUser() {
        Kubectl viewer = cluster.kubectlWithToken("viewer", "viewer-token");
        assertThat(viewer.run("auth", "can-i", "list", "pods").stdout().trim()).isEqualTo("yes");
        Kubectl.Result no = viewer.run("auth", "can-i", "create", "pods");
        assertThat(no.stdout().trim()).isEqualTo("no");
        assertThat(no.exitCode()).isEqualTo(1);
        Kubectl editor = cluster.kubectlWithToken("editor", "editor-token");
        assertThat(editor.run("auth", "can-i", "create", "deployments.apps").stdout().trim())
                .isEqualTo("yes");
        assertThat(
                        editor.run(
                                        "auth",
                                        "can-i",
                                        "create",
                                        "deployments.apps",
                                        "-n",
                                        "kube-system")
                                .stdout()
                                .trim())
                .isEqualTo("no");
        assertThat(cluster.kubectl().run("auth", "can-i", "*", "*").stdout().trim())
                .isEqualTo("yes");
        // The admin may impersonate: the answer is the viewer's.
        assertThat(
                        cluster.kubectl()
                                .run("auth", "can-i", "delete", "pods", "--as=viewer")
                                .stdout()
                                .trim())
                .isEqualTo("no");
        assertThat(viewer.run("auth", "can-i", "list", "pods", "--as=editor").stderr())
                .contains("impersonate");
    }

    @Test
    void subjectAccessReview_isForThoseAllowedToAsk() throws Exception {
        Path review =
                file(
                        "sar.yaml",
                        """
                apiVersion: authorization.k8s.io/v1
                kind: SubjectAccessReview
                spec:
                  user: viewer
                  resourceAttributes: {namespace: default, verb: list, resource: pods}
                """);
        // --validate=false: reviews have no PATCH to declare server-side validation on, so kubectl
        // would validate on the client (docs/architecture.md, "Tests").
        assertThat(
                        cluster.kubectlOk(
                                "create",
                                "--validate=false",
                                "-f",
                                review.toString(),
                                "-o",
                                "jsonpath={.status.allowed}"))
                .isEqualTo("true");
        Kubectl.Result asViewer =
                cluster.kubectlWithToken("viewer", "viewer-token")
                        .run("create", "--validate=false", "-f", review.toString());
        assertThat(asViewer.exitCode()).isEqualTo(1);
        assertThat(asViewer.stderr())
                .contains(
                        "cannot create resource \"subjectaccessreviews\" in API group"
                                + " \"authorization.k8s.io\" at the cluster scope");
    }

    @Test
    void canIList_showsTheRules() {
        String out =
                cluster.kubectlWithToken("viewer", "viewer-token")
                        .run("auth", "can-i", "--list")
                        .ok();
        assertThat(out)
                .containsPattern("pods\\s+\\[\\]\\s+\\[\\]\\s+\\[get list watch\\]")
                .contains("selfsubjectaccessreviews.authorization.k8s.io");
    }

    @Test
    void whoami_namesTheUserAndGroups() {
        String out = cluster.kubectlWithToken("editor", "editor-token").run("auth", "whoami").ok();
        assertThat(out)
                .containsPattern("Username\\s+editor")
                .contains("devs")
                .contains("system:authenticated");
        assertThat(cluster.kubectl().run("auth", "whoami").ok())
                .contains("system:admin")
                .contains("system:masters");
    }

    @Test
    void bootstrapRoles_areServedAsObjects() {
        String roles = cluster.kubectlOk("get", "clusterroles", "-o", "name");
        assertThat(roles)
                .contains(
                        "clusterrole.rbac.authorization.k8s.io/cluster-admin",
                        "clusterrole.rbac.authorization.k8s.io/view",
                        "clusterrole.rbac.authorization.k8s.io/system:node",
                        "clusterrole.rbac.authorization.k8s.io/system:controller:endpoint-controller");
        // view is aggregated from system:aggregate-to-view, as Kubernetes' aggregation controller
        // writes it.
        assertThat(cluster.kubectlOk("get", "clusterrole", "view", "-o", "yaml"))
                .contains("endpointslices")
                .contains("aggregate-to-view");
    }

    // ---- nodes ----

    @Test
    void node_changesItsOwnObjectsOnly() {
        try (KubernetesClient admin = cluster.client();
                KubernetesClient n1 = cluster.clientAs(Identity.node("n1"))) {
            n1.nodes()
                    .resource(
                            new NodeBuilder()
                                    .withNewMetadata()
                                    .withName("n1")
                                    .endMetadata()
                                    .build())
                    .create();
            assertThatThrownBy(
                            () ->
                                    n1.nodes()
                                            .resource(
                                                    new NodeBuilder()
                                                            .withNewMetadata()
                                                            .withName("n2")
                                                            .endMetadata()
                                                            .build())
                                            .create())
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining(
                            "nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"");
            admin.nodes()
                    .resource(
                            new NodeBuilder()
                                    .withNewMetadata()
                                    .withName("n2")
                                    .endMetadata()
                                    .build())
                    .create();
            String label = "{\"metadata\":{\"labels\":{\"mine\":\"yes\"}}}";
            assertThat(rawPatch(n1, "/api/v1/nodes/n1", label)).startsWith("200");
            assertThat(admin.nodes().withName("n1").get().getMetadata().getLabels())
                    .containsEntry("mine", "yes");
            // A blind PATCH (no GET first): the authorizer lets nodes patch nodes, NodeRestriction
            // stops it.
            assertThat(rawPatch(n1, "/api/v1/nodes/n2", label))
                    .startsWith("403")
                    .contains(
                            "nodes \\\"n2\\\" is forbidden: node \\\"n1\\\" is not allowed to modify node \\\"n2\\\"");
            assertThat(admin.nodes().withName("n2").get().getMetadata().getLabels())
                    .isNullOrEmpty();
            // NodeRestriction's label rules: a node may not give itself a role or a restricted
            // label.
            String role =
                    "{\"metadata\":{\"labels\":{\"node-role.kubernetes.io/control-plane\":\"\"}}}";
            assertThat(rawPatch(n1, "/api/v1/nodes/n1", role))
                    .startsWith("403")
                    .contains(
                            "nodes \\\"n1\\\" is forbidden: is not allowed to modify labels:"
                                    + " node-role.kubernetes.io/control-plane")
                    .contains("\"reason\":\"Forbidden\"");
            assertThatThrownBy(
                            () ->
                                    n1.nodes()
                                            .withName("n1")
                                            .edit(
                                                    n ->
                                                            new NodeBuilder(n)
                                                                    .editMetadata()
                                                                    .addToLabels(
                                                                            "node-restriction.kubernetes.io/pci",
                                                                            "true")
                                                                    .endMetadata()
                                                                    .build()))
                    .isInstanceOf(KubernetesClientException.class)
                    .hasMessageContaining(
                            "is not allowed to modify labels: node-restriction.kubernetes.io/pci");
            admin.nodes()
                    .withName("n1")
                    .edit(
                            n ->
                                    new NodeBuilder(n)
                                            .editMetadata()
                                            .addToLabels("node-role.kubernetes.io/worker", "")
                                            .endMetadata()
                                            .build());
            assertThat(
                            rawPatch(
                                    n1,
                                    "/api/v1/nodes/n1",
                                    "{\"metadata\":{\"labels\":{\"node-role.kubernetes.io/worker\":null}}}"))
                    .startsWith("403")
                    .contains("is not allowed to modify labels: node-role.kubernetes.io/worker");
            assertThat(admin.nodes().withName("n1").get().getMetadata().getLabels())
                    .containsKey("node-role.kubernetes.io/worker")
                    .doesNotContainKeys(
                            "node-role.kubernetes.io/control-plane",
                            "node-restriction.kubernetes.io/pci");
            assertThatThrownBy(
                            () ->
                                    n1.nodes()
                                            .resource(
                                                    new NodeBuilder()
                                                            .withNewMetadata()
                                                            .withName("n1")
                                                            .addToLabels(
                                                                    "node-role.kubernetes.io/control-plane",
                                                                    "")
                                                            .endMetadata()
                                                            .build())
                                            .create())
                    .hasMessageContaining(
                            "nodes \"n1\" is forbidden: node \"n1\" is not allowed to set the following"
                                    + " labels: node-role.kubernetes.io/control-plane");
            assertThatThrownBy(() -> n1.nodes().withName("n2").get())
                    .hasMessageContaining("node 'n1' cannot read 'n2', only its own Node object");
            n1.nodes()
                    .withName("n1")
                    .subresource("status")
                    .patch(
                            PatchContext.of(PatchType.JSON_MERGE),
                            "{\"status\":{\"phase\":\"Running\"}}");

            n1.leases()
                    .inNamespace("kube-node-lease")
                    .resource(
                            new LeaseBuilder()
                                    .withNewMetadata()
                                    .withName("n1")
                                    .endMetadata()
                                    .withNewSpec()
                                    .withHolderIdentity("n1")
                                    .endSpec()
                                    .build())
                    .create();
            assertThatThrownBy(
                            () ->
                                    n1.leases()
                                            .inNamespace("kube-node-lease")
                                            .resource(
                                                    new LeaseBuilder()
                                                            .withNewMetadata()
                                                            .withName("n2")
                                                            .endMetadata()
                                                            .build())
                                            .create())
                    .hasMessageContaining(
                            "can only access node lease with the same name as the requesting node");

            for (String node : List.of("n1", "n2")) {
                admin.pods()
                        .inNamespace("default")
                        .resource(
                                new PodBuilder()
                                        .withNewMetadata()
                                        .withName("on-" + node)
                                        .endMetadata()
                                        .withNewSpec()
                                        .withNodeName(node)
                                        .addNewContainer()
                                        .withName("c")
                                        .withImage("nginx")
                                        .endContainer()
                                        .endSpec()
                                        .build())
                        .create();
            }
            assertThat(
                            n1.pods()
                                    .inAnyNamespace()
                                    .withField("spec.nodeName", "n1")
                                    .list()
                                    .getItems())
                    .extracting(p -> p.getMetadata().getName())
                    .containsExactly("on-n1");
            assertThatThrownBy(() -> n1.pods().inAnyNamespace().list())
                    .hasMessageContaining(
                            "can only list/watch pods with spec.nodeName field selector");
            String running = "{\"status\":{\"phase\":\"Running\"}}";
            assertThat(rawPatch(n1, "/api/v1/namespaces/default/pods/on-n1/status", running))
                    .startsWith("200");
            assertThat(rawPatch(n1, "/api/v1/namespaces/default/pods/on-n2/status", running))
                    .startsWith("403")
                    .contains(
                            "can only update pod status for pods with spec.nodeName set to itself");
            assertThat(
                            admin.pods()
                                    .inNamespace("default")
                                    .withName("on-n2")
                                    .get()
                                    .getStatus()
                                    .getPhase())
                    .isNotEqualTo("Running");
            assertThatThrownBy(
                            () ->
                                    n1.services()
                                            .inNamespace("default")
                                            .withName("kubernetes")
                                            .delete())
                    .hasMessageContaining("cannot delete resource \"services\"");
        }
    }

    // ---- issuing a limited credential ----

    @Test
    void serviceAccountToken_actsWithTheRolesBoundToTheAccount() throws Exception {
        cluster.kubectlOk("create", "serviceaccount", "robot");
        cluster.kubectlOk(
                "create",
                "rolebinding",
                "robot-view",
                "--clusterrole=view",
                "--serviceaccount=default:robot");
        String token = cluster.kubectlOk("create", "token", "robot", "--duration=1h").trim();
        assertThat(token.split("\\.")).hasSize(3);
        Kubectl robot = cluster.kubectlWithToken("robot", token);
        assertThat(robot.run("auth", "whoami").ok())
                .contains("system:serviceaccount:default:robot");
        assertThat(robot.run("get", "svc").ok()).contains("kubernetes");
        assertThat(robot.run("get", "svc", "-n", "kube-system").stderr()).contains("Forbidden");
        assertThat(cluster.kubectl().run("create", "token", "robot", "--duration=5m").stderr())
                .contains("may not specify a duration less than 10 minutes");
        // Deleting the account revokes its tokens.
        cluster.kubectlOk("delete", "sa", "robot");
        assertThat(robot.run("get", "svc").stderr()).contains("Unauthorized");
    }

    // ---- files ----

    @Test
    void secrets_areOwnerOnly() throws Exception {
        Path data = cluster.dir().resolve("data");
        for (Path secret :
                List.of(
                        data.resolve("kubeconfig.yaml"),
                        data.resolve("token"),
                        data.resolve("tls/ca.key"),
                        data.resolve("tls/serving.key"),
                        data.resolve("tls/admin.key"),
                        data.resolve("tls/service-account.key"))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
                    .as(secret.toString())
                    .isEqualTo("rw-------");
        }
    }

    /**
     * A merge-patch sent as is (clients usually GET first, which would hide the write's own
     * answer).
     */
    private static String rawPatch(KubernetesClient client, String path, String body) {
        var http = client.getHttpClient();
        var request =
                http.newHttpRequestBuilder()
                        .uri(client.getMasterUrl().toString().replaceAll("/+$", "") + path)
                        .method("PATCH", "application/merge-patch+json", body)
                        .build();
        try {
            var response = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
            return response.code() + " " + response.body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String curl(String url) throws Exception {
        HostTools.require(HostTools.onPath("curl"), "curl", "apt-get install -y curl");
        Process p =
                new ProcessBuilder("curl", "-sk", "-w", "\n%{http_code}", url)
                        .redirectErrorStream(true)
                        .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int nl = out.lastIndexOf('\n');
        return out.substring(nl + 1) + " " + out.substring(0, nl).trim();
    }
}
