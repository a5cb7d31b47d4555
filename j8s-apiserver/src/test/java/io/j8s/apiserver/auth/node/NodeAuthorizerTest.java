package io.j8s.apiserver.auth.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.Authorizer.Attributes;
import io.j8s.apiserver.auth.Authorizer.Decision;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.errors.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class NodeAuthorizerTest {
    private static final UserInfo N1 =
            UserInfo.authenticated("system:node:n1", List.of("system:nodes"), "");

    /**
     * Pods: default/a on n1 (uses configmap cfg, secret s, service account sa), default/b on n2.
     */
    private final NodeGraph graph =
            new NodeGraph() {
                private final Map<String, String> nodes =
                        Map.of("default/a", "n1", "default/b", "n2");
                private final JsonNode podA =
                        Json.readYamlObject(
                                """
                spec:
                  nodeName: n1
                  serviceAccountName: sa
                  volumes: [{name: v, configMap: {name: cfg}}]
                  containers: [{name: c, env: [{name: X, valueFrom: {secretKeyRef: {name: s, key: k}}}]}]
                """);

                @Override
                public Optional<String> podNode(String namespace, String name) {
                    return Optional.ofNullable(nodes.get(namespace + "/" + name));
                }

                @Override
                public Optional<String> podUid(String namespace, String name) {
                    return podNode(namespace, name).map(n -> "uid-" + name);
                }

                @Override
                public boolean referencedFromNode(
                        String kind, String namespace, String name, String node) {
                    return node.equals("n1")
                            && namespace.equals("default")
                            && CachedNodeGraph.references(podA, kind).contains(name);
                }
            };

    private final NodeAuthorizer authorizer = new NodeAuthorizer(graph);
    private final NodeRestriction restriction = new NodeRestriction(graph);

    private Decision decide(
            String verb, String group, String resource, String sub, String ns, String name) {
        return authorizer.authorize(Attributes.resource(N1, verb, group, resource, sub, ns, name));
    }

    @Test
    void nonNodes_getNoOpinion() {
        UserInfo impostor = UserInfo.authenticated("system:node:n1", List.of(), "");
        assertThat(
                        authorizer
                                .authorize(
                                        Attributes.resource(
                                                impostor, "get", "", "nodes", null, null, "n1"))
                                .allowed())
                .as("the name without the group is not a node")
                .isFalse();
    }

    @Test
    void nodes_readOnlyTheirOwn() {
        assertThat(decide("get", "", "nodes", null, null, "n1").allowed()).isTrue();
        assertThat(decide("get", "", "nodes", null, null, "n2").reason())
                .isEqualTo("node 'n1' cannot read 'n2', only its own Node object");
        assertThat(decide("list", "", "nodes", null, null, null).reason())
                .isEqualTo("node 'n1' cannot read all nodes, only its own Node object");
        assertThat(decide("patch", "", "nodes", "status", null, "n2").allowed())
                .as("left to NodeRestriction")
                .isTrue();
        assertThat(decide("delete", "", "nodes", null, null, "n1").allowed()).isFalse();
    }

    @Test
    void pods_boundToTheNode() {
        assertThat(decide("get", "", "pods", null, "default", "a").allowed()).isTrue();
        assertThat(decide("get", "", "pods", null, "default", "b").reason())
                .isEqualTo("no relationship found between node 'n1' and this object");
        assertThat(
                        authorizer
                                .authorize(
                                        Attributes.resource(
                                                        N1, "watch", "", "pods", null, null, null)
                                                .withFieldSelector("spec.nodeName=n1"))
                                .allowed())
                .isTrue();
        assertThat(
                        authorizer
                                .authorize(
                                        Attributes.resource(
                                                        N1, "list", "", "pods", null, null, null)
                                                .withFieldSelector("spec.nodeName=n2"))
                                .reason())
                .isEqualTo("can only list/watch pods with spec.nodeName field selector");
        assertThat(decide("update", "", "pods", null, "default", "a").allowed()).isFalse();
    }

    @Test
    void leases_onlyTheNodesOwnInKubeNodeLease() {
        assertThat(
                        decide(
                                        "update",
                                        "coordination.k8s.io",
                                        "leases",
                                        null,
                                        "kube-node-lease",
                                        "n1")
                                .allowed())
                .isTrue();
        assertThat(
                        decide(
                                        "update",
                                        "coordination.k8s.io",
                                        "leases",
                                        null,
                                        "kube-node-lease",
                                        "n2")
                                .reason())
                .isEqualTo("can only access node lease with the same name as the requesting node");
        assertThat(
                        decide("get", "coordination.k8s.io", "leases", null, "kube-system", "n1")
                                .reason())
                .isEqualTo("can only access leases in the \"kube-node-lease\" system namespace");
        assertThat(
                        decide(
                                        "list",
                                        "coordination.k8s.io",
                                        "leases",
                                        null,
                                        "kube-node-lease",
                                        null)
                                .allowed())
                .isFalse();
    }

    @Test
    void configMapsSecretsAndTokens_onlyWhatItsPodsUse() {
        assertThat(decide("get", "", "configmaps", null, "default", "cfg").allowed()).isTrue();
        assertThat(decide("get", "", "configmaps", null, "default", "other").allowed()).isFalse();
        assertThat(decide("get", "", "secrets", null, "default", "s").allowed()).isTrue();
        assertThat(decide("update", "", "secrets", null, "default", "s").reason())
                .isEqualTo("can only read resources of this type");
        assertThat(decide("create", "", "serviceaccounts", "token", "default", "sa").allowed())
                .isTrue();
        assertThat(decide("create", "", "serviceaccounts", "token", "default", "admin").allowed())
                .isFalse();
    }

    @Test
    void otherResources_followTheNodeRules() {
        assertThat(
                        decide("watch", "discovery.k8s.io", "endpointslices", null, null, null)
                                .allowed())
                .isTrue();
        assertThat(decide("create", "", "events", null, "default", null).allowed()).isTrue();
        assertThat(decide("delete", "", "services", null, "default", "kubernetes").allowed())
                .isFalse();
    }

    @Test
    void restriction_keepsWritesToTheNodesOwnObjects() {
        restriction.admit(
                Attributes.resource(N1, "create", "", "nodes", null, null, null),
                () -> Json.readYamlObject("metadata: {name: n1}"));
        assertThatThrownBy(
                        () ->
                                restriction.admit(
                                        Attributes.resource(
                                                N1, "create", "", "nodes", null, null, null),
                                        () -> Json.readYamlObject("metadata: {name: n2}")))
                .isInstanceOf(ApiException.class)
                .hasMessage(
                        "nodes \"n2\" is forbidden: node \"n1\" is not allowed to modify node \"n2\"");
        assertThatThrownBy(
                        () ->
                                restriction.admit(
                                        Attributes.resource(
                                                N1, "patch", "", "pods", "status", "default", "b"),
                                        () -> null))
                .hasMessage(
                        "pods \"b\" is forbidden: node \"n1\" can only update pod status for pods with"
                                + " spec.nodeName set to itself");
        restriction.admit(
                Attributes.resource(N1, "patch", "", "pods", "status", "default", "a"), () -> null);
        assertThatThrownBy(
                        () ->
                                restriction.admit(
                                        Attributes.resource(
                                                N1, "delete", "", "pods", null, "default", "b"),
                                        () -> null))
                .hasMessageContaining("can only delete pods with spec.nodeName set to itself");
        assertThatThrownBy(
                        () ->
                                restriction.admit(
                                        Attributes.resource(
                                                N1,
                                                "create",
                                                "coordination.k8s.io",
                                                "leases",
                                                null,
                                                "kube-node-lease",
                                                null),
                                        () -> Json.readYamlObject("metadata: {name: n2}")))
                .hasMessageContaining(
                        "can only access node lease with the same name as the requesting node");
        assertThatThrownBy(
                        () ->
                                restriction.admit(
                                        Attributes.resource(
                                                N1, "create", "", "pods", null, "default", null),
                                        () ->
                                                Json.readYamlObject(
                                                        "metadata: {name: p}\nspec: {nodeName: n1}")))
                .hasMessageContaining("can only create mirror pods");
    }

    @Test
    void restriction_nodeTokensMustBeBoundToAPodOnTheNode() {
        Attributes token =
                Attributes.resource(N1, "create", "", "serviceaccounts", "token", "default", "sa");
        restriction.admit(
                token,
                () ->
                        Json.readYamlObject(
                                "spec: {boundObjectRef: {apiVersion: v1, kind: Pod, name: a, uid: uid-a}}"));
        assertThatThrownBy(() -> restriction.admit(token, () -> Json.readYamlObject("spec: {}")))
                .hasMessage(
                        "serviceaccounts \"sa\" is forbidden: node requested token not bound to a pod");
        assertThatThrownBy(
                        () ->
                                restriction.admit(
                                        token,
                                        () ->
                                                Json.readYamlObject(
                                                        "spec: {boundObjectRef: {apiVersion: v1, kind: Pod, name: a}}")))
                .hasMessage(
                        "serviceaccounts \"sa\" is forbidden: node requested token with a pod binding without a uid");
        assertThatThrownBy(
                        () ->
                                restriction.admit(
                                        token,
                                        () ->
                                                Json.readYamlObject(
                                                        "spec: {boundObjectRef: {apiVersion: v1, kind: Pod, name: a, uid: old}}")))
                .hasMessage(
                        "serviceaccounts \"sa\" is forbidden: the UID in the bound object reference (old) does not"
                                + " match the UID in record. The object might have been deleted and then recreated");
        assertThatThrownBy(
                        () ->
                                restriction.admit(
                                        token,
                                        () ->
                                                Json.readYamlObject(
                                                        "spec: {boundObjectRef: {apiVersion: v1, kind: Pod, name: b, uid: uid-b}}")))
                .hasMessage(
                        "serviceaccounts \"sa\" is forbidden: node requested token bound to a pod scheduled on a"
                                + " different node");
        assertThatThrownBy(
                        () ->
                                restriction.admit(
                                        token,
                                        () ->
                                                Json.readYamlObject(
                                                        "spec: {boundObjectRef: {apiVersion: v1, kind: Pod, name: gone, uid: x}}")))
                .hasMessage("pods \"gone\" not found");
    }

    @Test
    void restriction_keepsNodesOffTheLabelsAndTaintsAdministratorsSet() {
        restriction.admitNode(
                N1,
                "create",
                null,
                Json.readYamlObject(
                        """
                metadata:
                  name: n1
                  labels: {kubernetes.io/hostname: h, kubernetes.io/os: linux, beta.kubernetes.io/arch: amd64,
                    topology.kubernetes.io/zone: z, node.kubernetes.io/instance-type: t, a.kubelet.kubernetes.io/x: y,
                    example.com/disk: ssd, plain: yes}
                """),
                null);
        assertThatThrownBy(
                        () ->
                                restriction.admitNode(
                                        N1,
                                        "create",
                                        null,
                                        Json.readYamlObject(
                                                """
                metadata:
                  name: n1
                  labels: {node-role.kubernetes.io/control-plane: "", node-restriction.kubernetes.io/pci: "yes",
                    x.node-restriction.kubernetes.io/y: z, foo.k8s.io/bar: baz, plain: yes}
                """),
                                        null))
                .isInstanceOf(ApiException.class)
                .hasMessage(
                        "nodes \"n1\" is forbidden: node \"n1\" is not allowed to set the following labels:"
                                + " foo.k8s.io/bar, node-restriction.kubernetes.io/pci, node-role.kubernetes.io/control-plane,"
                                + " x.node-restriction.kubernetes.io/y")
                .satisfies(e -> assertThat(((ApiException) e).code()).isEqualTo(403));

        JsonNode old =
                Json.readYamlObject(
                        """
                metadata: {name: n1, labels: {node-role.kubernetes.io/worker: "", kubernetes.io/os: linux}}
                spec: {taints: [{key: dedicated, value: db, effect: NoSchedule}]}
                """);
        restriction.admitNode(
                N1,
                "patch",
                null,
                Json.readYamlObject(
                        """
                metadata: {name: n1, labels: {node-role.kubernetes.io/worker: "", kubernetes.io/os: linux, mine: yes}}
                spec: {taints: [{key: dedicated, value: db, effect: NoSchedule}]}
                """),
                old);
        for (String labels :
                List.of(
                        "{kubernetes.io/os: linux}",
                        "{node-role.kubernetes.io/worker: x, kubernetes.io/os: linux}",
                        "{node-role.kubernetes.io/worker: '', node-role.kubernetes.io/master: '', kubernetes.io/os: linux}")) {
            assertThatThrownBy(
                            () ->
                                    restriction.admitNode(
                                            N1,
                                            "update",
                                            null,
                                            Json.readYamlObject(
                                                    "metadata: {name: n1, labels: "
                                                            + labels
                                                            + "}\n"
                                                            + "spec: {taints: [{key: dedicated, value: db, effect: NoSchedule}]}"),
                                            old))
                    .as(labels)
                    .hasMessageStartingWith(
                            "nodes \"n1\" is forbidden: is not allowed to modify labels: node-role.kubernetes.io/");
        }
        assertThatThrownBy(
                        () ->
                                restriction.admitNode(
                                        N1,
                                        "patch",
                                        null,
                                        Json.readYamlObject(
                                                """
                metadata: {name: n1, labels: {node-role.kubernetes.io/worker: "", kubernetes.io/os: linux}}
                spec: {}
                """),
                                        old))
                .hasMessage(
                        "nodes \"n1\" is forbidden: node \"n1\" is not allowed to modify taints");
        UserInfo admin = UserInfo.authenticated("system:admin", List.of(UserInfo.MASTERS), "");
        restriction.admitNode(
                admin,
                "update",
                null,
                Json.readYamlObject("metadata: {name: n1, labels: {a: b}}"),
                old);
    }
}
