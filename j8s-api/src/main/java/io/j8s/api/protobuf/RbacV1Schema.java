package io.j8s.api.protobuf;

import java.util.List;

/**
 * The protobuf messages of rbac.authorization.k8s.io/v1 ({@code k8s.io/api/rbac/v1}): roles and
 * bindings.
 *
 * <p>Field numbers, JSON names, Go pointers ({@code ?}) and fields without {@code omitempty}
 * ({@code !}) are the facts of Kubernetes 1.32's {@code generated.proto} and Go struct tags; the
 * notation is described in {@link SchemaTable}.
 */
final class RbacV1Schema {
    static final SchemaTable TABLE =
            new SchemaTable(
                    "rbac",
                    "rbac.authorization.k8s.io/v1",
                    List.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"),
                    """
            AggregationRule
              1 clusterRoleSelectors []meta.LabelSelector
            ClusterRole
              1 metadata meta.ObjectMeta
              2 rules []PolicyRule!
              3 aggregationRule AggregationRule?
            ClusterRoleBinding
              1 metadata meta.ObjectMeta
              2 subjects []Subject
              3 roleRef RoleRef
            PolicyRule
              1 verbs []string!
              2 apiGroups []string
              3 resources []string
              4 resourceNames []string
              5 nonResourceURLs []string
            Role
              1 metadata meta.ObjectMeta
              2 rules []PolicyRule!
            RoleBinding
              1 metadata meta.ObjectMeta
              2 subjects []Subject
              3 roleRef RoleRef
            RoleRef
              1 apiGroup string!
              2 kind string!
              3 name string!
            Subject
              1 kind string!
              2 apiGroup string
              3 name string!
              4 namespace string
            """);

    private RbacV1Schema() {}
}
