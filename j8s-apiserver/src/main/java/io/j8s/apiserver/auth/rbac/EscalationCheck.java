package io.j8s.apiserver.auth.rbac;

import io.j8s.api.ResourceType;
import io.j8s.api.json.GoEncoding;
import io.j8s.api.json.Json;
import io.j8s.apiserver.admission.WriteAdmission;
import io.j8s.apiserver.auth.Authorizer;
import io.j8s.apiserver.auth.Authorizer.Attributes;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.request.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * RBAC's escalation prevention (Kubernetes' {@code ConfirmNoEscalation} and {@code
 * BindingAuthorized}): a user may write a Role or ClusterRole only with rules they hold themselves
 * (in that namespace), unless allowed to {@code escalate} it (an aggregated ClusterRole needs
 * {@code escalate} or {@code system:masters}); and may bind a role only when they hold all its
 * rules, unless allowed to {@code bind} it. Members of {@code system:masters} may do both. Without
 * this, anyone allowed to create RoleBindings could grant themselves {@code cluster-admin} in a
 * namespace. Thread safe.
 */
public final class EscalationCheck implements WriteAdmission {
    private static final String GROUP = "rbac.authorization.k8s.io";

    private final Authorizer authorizer;
    private final RbacAuthorizer rbac;
    private final Supplier<PolicySnapshot> policy;

    public EscalationCheck(
            Authorizer authorizer, RbacAuthorizer rbac, Supplier<PolicySnapshot> policy) {
        this.authorizer = authorizer;
        this.rbac = rbac;
        this.policy = policy;
    }

    @Override
    public void admit(
            HttpExchange exchange,
            RequestInfo info,
            ResourceType type,
            ObjectNode object,
            ObjectNode old) {
        if (!type.group().equals(GROUP)) {
            return;
        }
        UserInfo user = exchange.attachment(UserInfo.class);
        if (user == null || user.inGroup(UserInfo.MASTERS)) {
            return;
        }
        if (old != null && onlyGarbageCollectionFieldsChange(object, old)) {
            return; // as Kubernetes: the garbage collector may edit owners and finalizers of any
            // role
        }
        String namespace = type.namespaced() ? info.namespace() : null;
        String name = Json.name(object);
        switch (type.kind()) {
            case "Role", "ClusterRole" -> {
                if (allowed(user, "escalate", type.plural(), namespace, name)) {
                    return;
                }
                if (type.kind().equals("ClusterRole")
                        && object.path("aggregationRule").isObject()) {
                    // An aggregated role grants whatever it selects, now or later.
                    throw ApiException.forbidden(
                            GROUP,
                            type.plural(),
                            name,
                            "must have cluster-admin privileges to use the aggregationRule");
                }
                List<PolicyRule> rules = new ArrayList<>();
                for (JsonNode rule : Json.elements(object, "rules")) {
                    rules.add(PolicyRule.fromJson(rule));
                }
                confirmNoEscalation(user, namespace, type, name, rules);
            }
            case "RoleBinding", "ClusterRoleBinding" -> {
                String roleKind = Json.text(object, "roleRef.kind");
                String roleName = Json.text(object, "roleRef.name");
                String rolePlural = roleKind.equals("Role") ? "roles" : "clusterroles";
                if (allowed(
                        user,
                        "bind",
                        rolePlural,
                        roleKind.equals("Role") ? namespace : null,
                        roleName)) {
                    return;
                }
                PolicySnapshot snapshot = policy.get();
                Optional<List<PolicyRule>> rules =
                        roleKind.equals("Role")
                                ? snapshot.role(namespace, roleName)
                                : snapshot.clusterRole(roleName);
                if (rules.isEmpty()) {
                    throw ApiException.forbidden(
                            GROUP,
                            type.plural(),
                            name,
                            "user \""
                                    + user.name()
                                    + "\" cannot bind "
                                    + rolePlural
                                    + " \""
                                    + roleName
                                    + "\": it does not exist");
                }
                confirmNoEscalation(user, namespace, type, name, rules.get());
            }
            default -> {}
        }
    }

    /** Whether {@code object} differs from {@code old} only in owner references and finalizers. */
    static boolean onlyGarbageCollectionFieldsChange(ObjectNode object, ObjectNode old) {
        // nil and empty are equal (a client's "aggregationRule": null or "resourceNames": [] is no
        // change)
        return GoEncoding.semanticEqual(
                withoutServerAndGcFields(object), withoutServerAndGcFields(old));
    }

    private static ObjectNode withoutServerAndGcFields(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        copy.remove("status");
        if (copy.get("metadata") instanceof ObjectNode metadata) {
            for (String field :
                    List.of(
                            "ownerReferences",
                            "finalizers",
                            "resourceVersion",
                            "managedFields",
                            "generation",
                            "creationTimestamp",
                            "uid")) {
                metadata.remove(field);
            }
        }
        return copy;
    }

    private boolean allowed(
            UserInfo user, String verb, String plural, String namespace, String name) {
        return authorizer
                .authorize(Attributes.resource(user, verb, GROUP, plural, null, namespace, name))
                .allowed();
    }

    private void confirmNoEscalation(
            UserInfo user,
            String namespace,
            ResourceType type,
            String name,
            List<PolicyRule> rules) {
        List<PolicyRule> uncovered = RuleCoverage.uncovered(rbac.rulesFor(user, namespace), rules);
        if (!uncovered.isEmpty()) {
            throw ApiException.forbidden(
                    GROUP,
                    type.plural(),
                    name,
                    "user \""
                            + user.name()
                            + "\" (groups="
                            + user.groups().stream()
                                    .map(g -> "\"" + g + "\"")
                                    .collect(Collectors.joining(" ", "[", "]"))
                            + ") is attempting to grant RBAC permissions not currently held:\n"
                            + uncovered.stream()
                                    .map(RuleCoverage::describe)
                                    .collect(Collectors.joining("\n")));
        }
    }
}
