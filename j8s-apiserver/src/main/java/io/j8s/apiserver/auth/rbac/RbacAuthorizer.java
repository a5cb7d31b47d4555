package io.j8s.apiserver.auth.rbac;

import io.j8s.apiserver.auth.Authorizer;
import io.j8s.apiserver.auth.UserInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Role-based access control over the stored Roles, ClusterRoles and their bindings (Kubernetes'
 * {@code plugin/pkg/auth/authorizer/rbac}): a request is allowed when a ClusterRoleBinding, or a
 * RoleBinding of the request's namespace, binds one of the user's subjects to a role with a rule
 * that allows it. Nothing is ever explicitly denied. Thread safe.
 */
public final class RbacAuthorizer implements Authorizer {
    private final Supplier<PolicySnapshot> policy;

    /**
     * @param policy the current RBAC objects (asked once per decision)
     */
    public RbacAuthorizer(Supplier<PolicySnapshot> policy) {
        this.policy = policy;
    }

    @Override
    public Decision authorize(Attributes a) {
        PolicySnapshot snapshot = policy.get();
        List<String> errors = new ArrayList<>();
        for (PolicySnapshot.Binding binding : snapshot.clusterBindings()) {
            Decision d = visit(snapshot, binding, a, errors);
            if (d != null) {
                return d;
            }
        }
        if (a.namespace() != null) {
            for (PolicySnapshot.Binding binding : snapshot.roleBindings(a.namespace())) {
                Decision d = visit(snapshot, binding, a, errors);
                if (d != null) {
                    return d;
                }
            }
        }
        return Decision.deny(errors.isEmpty() ? "" : "RBAC: " + String.join(", ", errors));
    }

    private static Decision visit(
            PolicySnapshot snapshot,
            PolicySnapshot.Binding binding,
            Attributes a,
            List<String> errors) {
        Subject subject = appliesTo(binding, a.user());
        if (subject == null) {
            return null;
        }
        Optional<List<PolicyRule>> rules = rules(snapshot, binding);
        if (rules.isEmpty()) {
            errors.add(
                    binding.roleKind().toLowerCase(java.util.Locale.ROOT)
                            + ".rbac.authorization.k8s.io \""
                            + binding.roleName()
                            + "\" not found");
            return null;
        }
        for (PolicyRule rule : rules.get()) {
            if (rule.allows(a)) {
                return Decision.allow(
                        "RBAC: allowed by "
                                + binding.describe()
                                + " of "
                                + binding.roleKind()
                                + " \""
                                + binding.roleName()
                                + "\" to "
                                + subject.kind()
                                + " \""
                                + subject.name()
                                + "\"");
            }
        }
        return null;
    }

    /** Every rule granted to {@code user} in {@code namespace} (null: cluster scope only). */
    public List<PolicyRule> rulesFor(UserInfo user, String namespace) {
        PolicySnapshot snapshot = policy.get();
        List<PolicyRule> out = new ArrayList<>();
        List<PolicySnapshot.Binding> bindings = new ArrayList<>(snapshot.clusterBindings());
        if (namespace != null) {
            bindings.addAll(snapshot.roleBindings(namespace));
        }
        for (PolicySnapshot.Binding binding : bindings) {
            if (appliesTo(binding, user) != null) {
                rules(snapshot, binding).ifPresent(out::addAll);
            }
        }
        return out;
    }

    private static Optional<List<PolicyRule>> rules(
            PolicySnapshot snapshot, PolicySnapshot.Binding binding) {
        if (binding.roleKind().equals("ClusterRole")) {
            return snapshot.clusterRole(binding.roleName());
        }
        return binding.namespace().isEmpty()
                ? Optional.empty()
                : snapshot.role(binding.namespace(), binding.roleName());
    }

    private static Subject appliesTo(PolicySnapshot.Binding binding, UserInfo user) {
        for (Subject subject : binding.subjects()) {
            if (subject.appliesTo(user, binding.namespace())) {
                return subject;
            }
        }
        return null;
    }
}
