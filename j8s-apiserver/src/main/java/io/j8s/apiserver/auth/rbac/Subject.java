package io.j8s.apiserver.auth.rbac;

import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.UserInfo;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One subject of a RoleBinding or ClusterRoleBinding, and whether it names a user (Kubernetes'
 * {@code appliesTo}). Immutable.
 *
 * @param kind User, Group or ServiceAccount
 * @param namespace the ServiceAccount's namespace ("" for users and groups)
 */
public record Subject(String kind, String name, String namespace) {
    public static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    public static Subject user(String name) {
        return new Subject("User", name, "");
    }

    public static Subject group(String name) {
        return new Subject("Group", name, "");
    }

    public static Subject serviceAccount(String namespace, String name) {
        return new Subject("ServiceAccount", name, namespace);
    }

    public static Subject fromJson(JsonNode subject) {
        return new Subject(
                Json.str(subject, "kind"),
                Json.str(subject, "name"),
                Json.str(subject, "namespace"));
    }

    public ObjectNode toJson() {
        ObjectNode s = Json.object();
        s.put("kind", kind);
        if (!kind.equals("ServiceAccount")) {
            s.put("apiGroup", "rbac.authorization.k8s.io");
        }
        s.put("name", name);
        if (!namespace.isEmpty()) {
            s.put("namespace", namespace);
        }
        return s;
    }

    /**
     * Whether this subject names {@code user}; {@code bindingNamespace} is the RoleBinding's
     * namespace, the default of a ServiceAccount subject's namespace ("" for ClusterRoleBindings).
     */
    public boolean appliesTo(UserInfo user, String bindingNamespace) {
        switch (kind) {
            case "User":
                return user.name().equals(name);
            case "Group":
                return user.inGroup(name);
            case "ServiceAccount":
                String ns = namespace.isEmpty() ? bindingNamespace : namespace;
                if (ns == null || ns.isEmpty()) {
                    return false;
                }
                return user.name().equals(SERVICE_ACCOUNT_PREFIX + ns + ":" + name);
            default:
                return false;
        }
    }
}
