package io.j8s.apiserver.auth.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.Authorizer.Attributes;
import io.j8s.apiserver.auth.Authorizer.Decision;
import io.j8s.apiserver.auth.UserInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class RbacAuthorizerTest {
    private static final UserInfo ADMIN =
            UserInfo.authenticated("root", List.of("system:masters"), "");
    private static final UserInfo ALICE = UserInfo.authenticated("alice", List.of("devs"), "");
    private static final UserInfo ROBOT =
            UserInfo.authenticated(
                    "system:serviceaccount:team:robot", List.of("system:serviceaccounts"), "");

    private final List<JsonNode> roles = new ArrayList<>();
    private final List<JsonNode> bindings = new ArrayList<>();
    private final List<JsonNode> clusterRoles = new ArrayList<>(BootstrapPolicy.clusterRoles());
    private final List<JsonNode> clusterBindings =
            new ArrayList<>(BootstrapPolicy.clusterRoleBindings());
    private final RbacAuthorizer authorizer =
            new RbacAuthorizer(
                    () -> PolicySnapshot.of(clusterRoles, roles, clusterBindings, bindings));

    private static Attributes request(
            UserInfo user, String verb, String group, String resource, String namespace) {
        return Attributes.resource(user, verb, group, resource, null, namespace, null);
    }

    private static JsonNode yaml(String text) {
        return Json.readYamlObject(text);
    }

    @Test
    void clusterAdmin_mayDoAnything() {
        Decision d = authorizer.authorize(request(ADMIN, "delete", "apps", "deployments", "x"));
        assertThat(d.allowed()).isTrue();
        assertThat(d.reason())
                .isEqualTo(
                        "RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole"
                                + " \"cluster-admin\" to Group \"system:masters\"");
        assertThat(authorizer.authorize(Attributes.nonResource(ADMIN, "get", "/metrics")).allowed())
                .isTrue();
    }

    @Test
    void nobodyElse_isAllowedByDefault_butMayDiscoverAndReview() {
        assertThat(authorizer.authorize(request(ALICE, "list", "", "pods", "default")).allowed())
                .isFalse();
        assertThat(
                        authorizer
                                .authorize(Attributes.nonResource(ALICE, "get", "/apis/apps/v1"))
                                .allowed())
                .isTrue();
        assertThat(
                        authorizer
                                .authorize(
                                        request(
                                                ALICE,
                                                "create",
                                                "authorization.k8s.io",
                                                "selfsubjectaccessreviews",
                                                null))
                                .allowed())
                .isTrue();
        assertThat(
                        authorizer
                                .authorize(
                                        Attributes.nonResource(
                                                UserInfo.ANONYMOUS, "get", "/version"))
                                .allowed())
                .isTrue();
        assertThat(
                        authorizer
                                .authorize(
                                        Attributes.nonResource(UserInfo.ANONYMOUS, "get", "/apis"))
                                .allowed())
                .as("discovery needs authentication")
                .isFalse();
    }

    @Test
    void roleBinding_toAClusterRole_grantsItInThatNamespaceOnly() {
        bindings.add(
                yaml(
                        """
                kind: RoleBinding
                metadata: {name: devs-edit, namespace: team}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
                subjects: [{kind: Group, name: devs}]
                """));
        assertThat(
                        authorizer
                                .authorize(request(ALICE, "create", "apps", "deployments", "team"))
                                .allowed())
                .isTrue();
        assertThat(
                        authorizer
                                .authorize(request(ALICE, "create", "apps", "deployments", "other"))
                                .allowed())
                .isFalse();
        assertThat(authorizer.authorize(request(ALICE, "list", "", "pods", null)).allowed())
                .isFalse();
        assertThat(
                        authorizer
                                .authorize(
                                        request(
                                                ALICE,
                                                "create",
                                                "rbac.authorization.k8s.io",
                                                "rolebindings",
                                                "team"))
                                .allowed())
                .as("edit does not grant RBAC")
                .isFalse();
    }

    @Test
    void aggregatedRoles_includeWhatTheirSelectorsMatch() {
        bindings.add(
                yaml(
                        """
                kind: RoleBinding
                metadata: {name: alice-view, namespace: team}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects: [{kind: User, name: alice}]
                """));
        assertThat(
                        authorizer
                                .authorize(
                                        request(
                                                ALICE,
                                                "get",
                                                "discovery.k8s.io",
                                                "endpointslices",
                                                "team"))
                                .allowed())
                .isTrue();
        assertThat(
                        authorizer
                                .authorize(request(ALICE, "list", "example.com", "widgets", "team"))
                                .allowed())
                .isFalse();
        clusterRoles.add(
                yaml(
                        """
                kind: ClusterRole
                metadata:
                  name: widgets-view
                  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
                rules: [{apiGroups: [example.com], resources: [widgets], verbs: [list]}]
                """));
        assertThat(
                        authorizer
                                .authorize(request(ALICE, "list", "example.com", "widgets", "team"))
                                .allowed())
                .isTrue();
        // admin aggregates edit, which aggregates view: the chain carries it up.
        assertThat(
                        PolicySnapshot.of(clusterRoles, List.of(), List.of(), List.of())
                                .clusterRole("admin")
                                .orElseThrow())
                .anyMatch(r -> r.resources().contains("widgets"));
    }

    @Test
    void roleInTheNamespace_andServiceAccountSubjects() {
        roles.add(
                yaml(
                        """
                kind: Role
                metadata: {name: cm-reader, namespace: team}
                rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
                """));
        bindings.add(
                yaml(
                        """
                kind: RoleBinding
                metadata: {name: robot, namespace: team}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-reader}
                subjects: [{kind: ServiceAccount, name: robot}]
                """));
        assertThat(authorizer.authorize(request(ROBOT, "get", "", "configmaps", "team")).allowed())
                .as("the subject's namespace defaults to the binding's")
                .isTrue();
        assertThat(authorizer.authorize(request(ROBOT, "get", "", "configmaps", "other")).allowed())
                .isFalse();
    }

    @Test
    void bindingToAMissingRole_saysSo() {
        bindings.add(
                yaml(
                        """
                kind: RoleBinding
                metadata: {name: dangling, namespace: team}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: gone}
                subjects: [{kind: User, name: alice}]
                """));
        Decision d = authorizer.authorize(request(ALICE, "get", "", "pods", "team"));
        assertThat(d.allowed()).isFalse();
        assertThat(d.reason()).isEqualTo("RBAC: role.rbac.authorization.k8s.io \"gone\" not found");
    }

    @Test
    void controllers_haveTheirRoles() {
        UserInfo endpoints =
                UserInfo.authenticated(
                        "system:serviceaccount:kube-system:endpoint-controller",
                        List.of("system:serviceaccounts", "system:serviceaccounts:kube-system"),
                        "");
        assertThat(
                        authorizer
                                .authorize(request(endpoints, "update", "", "endpoints", "default"))
                                .allowed())
                .isTrue();
        assertThat(
                        authorizer
                                .authorize(request(endpoints, "delete", "", "pods", "default"))
                                .allowed())
                .isFalse();
        UserInfo scheduler = UserInfo.authenticated("system:kube-scheduler", List.of(), "");
        assertThat(
                        authorizer
                                .authorize(
                                        Attributes.resource(
                                                scheduler, "create", "", "pods", "binding",
                                                "default", "p"))
                                .allowed())
                .isTrue();
        UserInfo proxy = UserInfo.authenticated("system:kube-proxy", List.of(), "");
        assertThat(
                        authorizer
                                .authorize(
                                        request(
                                                proxy,
                                                "watch",
                                                "discovery.k8s.io",
                                                "endpointslices",
                                                null))
                                .allowed())
                .isTrue();
        assertThat(
                        authorizer
                                .authorize(request(proxy, "update", "", "services", "default"))
                                .allowed())
                .isFalse();
    }

    @Test
    void rulesFor_listsWhatTheUserHas() {
        List<PolicyRule> unbound = authorizer.rulesFor(ALICE, "default");
        assertThat(unbound)
                .as("every authenticated user may discover and review itself")
                .isNotEmpty()
                .allMatch(
                        r ->
                                r.resources().contains("selfsubjectaccessreviews")
                                        || r.resources().contains("selfsubjectreviews")
                                        || !r.nonResourceURLs().isEmpty());
        assertThat(unbound).anyMatch(r -> r.resources().contains("selfsubjectaccessreviews"));
        assertThat(unbound).anyMatch(r -> r.nonResourceURLs().contains("/api"));

        bindings.add(
                yaml(
                        """
                kind: RoleBinding
                metadata: {name: alice-view, namespace: team}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects: [{kind: User, name: alice}]
                """));
        assertThat(authorizer.rulesFor(ALICE, "team"))
                .as("the namespace's RoleBinding adds view")
                .anyMatch(r -> r.resources().contains("pods") && r.verbs().contains("list"));
        assertThat(authorizer.rulesFor(ALICE, "default"))
                .as("but not in another namespace")
                .containsExactlyInAnyOrderElementsOf(unbound);
    }
}
