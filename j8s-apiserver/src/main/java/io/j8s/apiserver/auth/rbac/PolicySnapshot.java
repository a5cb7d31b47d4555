package io.j8s.apiserver.auth.rbac;

import io.j8s.api.json.Json;
import io.j8s.api.selector.LabelSelector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The RBAC objects decoded once: roles with their effective rules (aggregated ClusterRoles
 * expanded, as Kubernetes' clusterrole-aggregation controller would write them), and bindings per
 * namespace. Immutable; rebuilt whenever an RBAC object changes.
 */
public final class PolicySnapshot {
    /** A RoleBinding ({@code namespace} set) or ClusterRoleBinding ({@code namespace} ""). */
    public record Binding(
            String namespace,
            String name,
            String roleKind,
            String roleName,
            List<Subject> subjects) {
        public Binding {
            subjects = List.copyOf(subjects);
        }

        /**
         * {@code ClusterRoleBinding "x"} or {@code RoleBinding "ns/x"}, as Kubernetes' reasons name
         * it.
         */
        String describe() {
            return namespace.isEmpty()
                    ? "ClusterRoleBinding \"" + name + "\""
                    : "RoleBinding \"" + name + "/" + namespace + "\"";
        }
    }

    /** A ClusterRole as read: own rules, labels, and the aggregation selectors (null when none). */
    record ClusterRole(
            String name,
            Map<String, String> labels,
            List<PolicyRule> rules,
            List<LabelSelector> aggregation) {}

    public static final PolicySnapshot EMPTY =
            new PolicySnapshot(Map.of(), Map.of(), List.of(), Map.of());

    private final Map<String, List<PolicyRule>> clusterRoles;
    private final Map<String, List<PolicyRule>> roles;
    private final List<Binding> clusterBindings;
    private final Map<String, List<Binding>> roleBindings;

    private PolicySnapshot(
            Map<String, List<PolicyRule>> clusterRoles,
            Map<String, List<PolicyRule>> roles,
            List<Binding> clusterBindings,
            Map<String, List<Binding>> roleBindings) {
        this.clusterRoles = clusterRoles;
        this.roles = roles;
        this.clusterBindings = clusterBindings;
        this.roleBindings = roleBindings;
    }

    /** Decodes stored objects (ClusterRoles, Roles, ClusterRoleBindings, RoleBindings). */
    public static PolicySnapshot of(
            Collection<? extends JsonNode> clusterRoleObjects,
            Collection<? extends JsonNode> roleObjects,
            Collection<? extends JsonNode> clusterBindingObjects,
            Collection<? extends JsonNode> roleBindingObjects) {
        List<ClusterRole> decoded = new ArrayList<>();
        for (JsonNode role : clusterRoleObjects) {
            decoded.add(decodeClusterRole(role));
        }
        Map<String, List<PolicyRule>> clusterRoles = aggregate(decoded);
        Map<String, List<PolicyRule>> roles = new HashMap<>();
        for (JsonNode role : roleObjects) {
            roles.put(Json.namespace(role) + "/" + Json.name(role), rules(role));
        }
        List<Binding> clusterBindings = new ArrayList<>();
        for (JsonNode binding : clusterBindingObjects) {
            clusterBindings.add(binding(binding, ""));
        }
        Map<String, List<Binding>> roleBindings = new HashMap<>();
        for (JsonNode binding : roleBindingObjects) {
            String namespace = Json.namespace(binding);
            roleBindings
                    .computeIfAbsent(namespace, n -> new ArrayList<>())
                    .add(binding(binding, namespace));
        }
        roleBindings.replaceAll((ns, list) -> List.copyOf(list));
        return new PolicySnapshot(
                Map.copyOf(clusterRoles),
                Map.copyOf(roles),
                List.copyOf(clusterBindings),
                Map.copyOf(roleBindings));
    }

    static ClusterRole decodeClusterRole(JsonNode role) {
        List<LabelSelector> aggregation = null;
        JsonNode rule = role.path("aggregationRule");
        if (rule.isObject()) {
            aggregation = new ArrayList<>();
            for (JsonNode selector : Json.elements(rule, "clusterRoleSelectors")) {
                aggregation.add(LabelSelector.fromMatchLabelsAndExpressions(selector));
            }
        }
        return new ClusterRole(
                Json.name(role), Json.stringMap(role, "metadata.labels"), rules(role), aggregation);
    }

    private static List<PolicyRule> rules(JsonNode role) {
        List<PolicyRule> rules = new ArrayList<>();
        for (JsonNode rule : Json.elements(role, "rules")) {
            rules.add(PolicyRule.fromJson(rule));
        }
        return List.copyOf(rules);
    }

    private static Binding binding(JsonNode binding, String namespace) {
        List<Subject> subjects = new ArrayList<>();
        for (JsonNode subject : Json.elements(binding, "subjects")) {
            subjects.add(Subject.fromJson(subject));
        }
        JsonNode ref = binding.path("roleRef");
        return new Binding(
                namespace,
                Json.name(binding),
                Json.str(ref, "kind"),
                Json.str(ref, "name"),
                subjects);
    }

    /**
     * The effective rules of every ClusterRole: its own, or for an aggregated one the union of the
     * effective rules of every other ClusterRole its selectors match (in name order, duplicates
     * dropped). Cycles contribute nothing. An empty selector matches nothing here (Kubernetes would
     * aggregate every role, {@code cluster-admin} included, which j8s refuses to do silently).
     */
    static Map<String, List<PolicyRule>> aggregate(List<ClusterRole> roles) {
        Map<String, ClusterRole> byName = new java.util.TreeMap<>();
        for (ClusterRole role : roles) {
            byName.put(role.name(), role);
        }
        Map<String, List<PolicyRule>> effective = new HashMap<>();
        for (ClusterRole role : byName.values()) {
            effective.put(role.name(), effectiveRules(role, byName, effective, new HashSet<>()));
        }
        return effective;
    }

    private static List<PolicyRule> effectiveRules(
            ClusterRole role,
            Map<String, ClusterRole> byName,
            Map<String, List<PolicyRule>> done,
            Set<String> visiting) {
        List<PolicyRule> known = done.get(role.name());
        if (known != null) {
            return known;
        }
        if (role.aggregation() == null) {
            return role.rules();
        }
        if (!visiting.add(role.name())) {
            return List.of();
        }
        Set<PolicyRule> union = new LinkedHashSet<>();
        for (ClusterRole other : byName.values()) {
            if (other.name().equals(role.name())) {
                continue;
            }
            for (LabelSelector selector : role.aggregation()) {
                if (!selector.isEverything() && selector.matches(other.labels())) {
                    union.addAll(effectiveRules(other, byName, done, visiting));
                    break;
                }
            }
        }
        visiting.remove(role.name());
        List<PolicyRule> rules = List.copyOf(union);
        done.put(role.name(), rules);
        return rules;
    }

    /** The effective rules of a ClusterRole, or empty when it does not exist. */
    public Optional<List<PolicyRule>> clusterRole(String name) {
        return Optional.ofNullable(clusterRoles.get(name));
    }

    /** The rules of a Role, or empty when it does not exist. */
    public Optional<List<PolicyRule>> role(String namespace, String name) {
        return Optional.ofNullable(roles.get(namespace + "/" + name));
    }

    public List<Binding> clusterBindings() {
        return clusterBindings;
    }

    public List<Binding> roleBindings(String namespace) {
        return roleBindings.getOrDefault(namespace, List.of());
    }
}
