package io.j8s.api;

import io.j8s.api.kinds.ConfigStrategies.ConfigMapStrategy;
import io.j8s.api.kinds.ConfigStrategies.LeaseStrategy;
import io.j8s.api.kinds.ConfigStrategies.SecretStrategy;
import io.j8s.api.kinds.ConfigStrategies.ServiceAccountStrategy;
import io.j8s.api.kinds.DeploymentStrategy;
import io.j8s.api.kinds.EndpointSliceStrategy;
import io.j8s.api.kinds.EndpointsStrategy;
import io.j8s.api.kinds.EventStrategy;
import io.j8s.api.kinds.NamespaceStrategy;
import io.j8s.api.kinds.NodeStrategy;
import io.j8s.api.kinds.PodStrategy;
import io.j8s.api.kinds.RbacStrategies.BindingStrategy;
import io.j8s.api.kinds.RbacStrategies.RoleStrategy;
import io.j8s.api.kinds.ReplicaSetStrategy;
import io.j8s.api.kinds.ServiceStrategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The catalog of every resource j8s serves, with the group/version/kind, plural and singular names,
 * scope, short names, categories and subresources the real apiserver's discovery lists for it. The
 * catalog is immutable; its order is discovery order (core group first), which is also the
 * preference when a short name is ambiguous ({@code ev}: core events before {@code events.k8s.io}).
 */
public final class ResourceTypes {

    public static final String CORE = "";
    public static final String APPS = "apps";
    public static final String DISCOVERY = "discovery.k8s.io";
    public static final String COORDINATION = "coordination.k8s.io";
    public static final String EVENTS = "events.k8s.io";
    public static final String RBAC = "rbac.authorization.k8s.io";

    private static final List<ResourceType> ALL =
            List.of(
                    // core/v1
                    namespaced(
                            false,
                            CORE,
                            "v1",
                            "Namespace",
                            "namespaces",
                            "namespace",
                            List.of("ns"),
                            List.of(),
                            Set.of("status", "finalize"),
                            new NamespaceStrategy()),
                    namespaced(
                            true,
                            CORE,
                            "v1",
                            "Pod",
                            "pods",
                            "pod",
                            List.of("po"),
                            List.of("all"),
                            Set.of("status", "binding", "log", "exec", "attach", "portforward"),
                            new PodStrategy()),
                    namespaced(
                            true,
                            CORE,
                            "v1",
                            "Service",
                            "services",
                            "service",
                            List.of("svc"),
                            List.of("all"),
                            Set.of("status"),
                            new ServiceStrategy()),
                    namespaced(
                            true,
                            CORE,
                            "v1",
                            "Endpoints",
                            "endpoints",
                            "endpoints",
                            List.of("ep"),
                            List.of(),
                            Set.of(),
                            new EndpointsStrategy()),
                    namespaced(
                            true,
                            CORE,
                            "v1",
                            "Event",
                            "events",
                            "event",
                            List.of("ev"),
                            List.of(),
                            Set.of(),
                            new EventStrategy(false)),
                    namespaced(
                            false,
                            CORE,
                            "v1",
                            "Node",
                            "nodes",
                            "node",
                            List.of("no"),
                            List.of(),
                            Set.of("status", "proxy"),
                            new NodeStrategy()),
                    namespaced(
                            true,
                            CORE,
                            "v1",
                            "ConfigMap",
                            "configmaps",
                            "configmap",
                            List.of("cm"),
                            List.of(),
                            Set.of(),
                            new ConfigMapStrategy()),
                    namespaced(
                            true,
                            CORE,
                            "v1",
                            "ServiceAccount",
                            "serviceaccounts",
                            "serviceaccount",
                            List.of("sa"),
                            List.of(),
                            Set.of(),
                            new ServiceAccountStrategy()),
                    namespaced(
                            true,
                            CORE,
                            "v1",
                            "Secret",
                            "secrets",
                            "secret",
                            List.of(),
                            List.of(),
                            Set.of(),
                            new SecretStrategy()),
                    // apps/v1
                    namespaced(
                            true,
                            APPS,
                            "v1",
                            "Deployment",
                            "deployments",
                            "deployment",
                            List.of("deploy"),
                            List.of("all"),
                            Set.of("status", "scale"),
                            new DeploymentStrategy()),
                    namespaced(
                            true,
                            APPS,
                            "v1",
                            "ReplicaSet",
                            "replicasets",
                            "replicaset",
                            List.of("rs"),
                            List.of("all"),
                            Set.of("status", "scale"),
                            new ReplicaSetStrategy()),
                    // discovery.k8s.io/v1
                    namespaced(
                            true,
                            DISCOVERY,
                            "v1",
                            "EndpointSlice",
                            "endpointslices",
                            "endpointslice",
                            List.of(),
                            List.of(),
                            Set.of(),
                            new EndpointSliceStrategy()),
                    // coordination.k8s.io/v1
                    namespaced(
                            true,
                            COORDINATION,
                            "v1",
                            "Lease",
                            "leases",
                            "lease",
                            List.of(),
                            List.of(),
                            Set.of(),
                            new LeaseStrategy()),
                    // events.k8s.io/v1
                    namespaced(
                            true,
                            EVENTS,
                            "v1",
                            "Event",
                            "events",
                            "event",
                            List.of("ev"),
                            List.of(),
                            Set.of(),
                            new EventStrategy(true)),
                    // rbac.authorization.k8s.io/v1
                    namespaced(
                            true,
                            RBAC,
                            "v1",
                            "Role",
                            "roles",
                            "role",
                            List.of(),
                            List.of(),
                            Set.of(),
                            new RoleStrategy(true)),
                    namespaced(
                            false,
                            RBAC,
                            "v1",
                            "ClusterRole",
                            "clusterroles",
                            "clusterrole",
                            List.of(),
                            List.of(),
                            Set.of(),
                            new RoleStrategy(false)),
                    namespaced(
                            true,
                            RBAC,
                            "v1",
                            "RoleBinding",
                            "rolebindings",
                            "rolebinding",
                            List.of(),
                            List.of(),
                            Set.of(),
                            new BindingStrategy(true)),
                    namespaced(
                            false,
                            RBAC,
                            "v1",
                            "ClusterRoleBinding",
                            "clusterrolebindings",
                            "clusterrolebinding",
                            List.of(),
                            List.of(),
                            Set.of(),
                            new BindingStrategy(false)));

    private ResourceTypes() {}

    private static ResourceType namespaced(
            boolean namespaced,
            String group,
            String version,
            String kind,
            String plural,
            String singular,
            List<String> shortNames,
            List<String> categories,
            Set<String> subresources,
            KindStrategy strategy) {
        return new ResourceType(
                group,
                version,
                kind,
                plural,
                singular,
                namespaced,
                shortNames,
                categories,
                subresources,
                strategy);
    }

    /** Every served resource, in discovery order. */
    public static List<ResourceType> all() {
        return ALL;
    }

    /** The API groups in discovery order ({@code ""} for core first). */
    public static List<String> groups() {
        List<String> groups = new ArrayList<>();
        for (ResourceType t : ALL) {
            if (!groups.contains(t.group())) {
                groups.add(t.group());
            }
        }
        return groups;
    }

    /** The resources of one group-version, in discovery order. */
    public static List<ResourceType> ofGroupVersion(String group, String version) {
        List<ResourceType> out = new ArrayList<>();
        for (ResourceType t : ALL) {
            if (t.group().equals(group) && t.version().equals(version)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The resource at {@code /api/v1/<plural>} or {@code /apis/<group>/<version>/<plural>}. */
    public static Optional<ResourceType> byResource(String group, String version, String plural) {
        for (ResourceType t : ALL) {
            if (t.group().equals(group)
                    && t.version().equals(version)
                    && t.plural().equals(plural)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The resource of an object's {@code apiVersion} and {@code kind} ({@code v1}/{@code Service}).
     */
    public static Optional<ResourceType> byKind(String apiVersion, String kind) {
        for (ResourceType t : ALL) {
            if (t.apiVersion().equals(apiVersion) && t.kind().equals(kind)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The resources of a category ({@code all} for {@code kubectl get all}). */
    public static List<ResourceType> byCategory(String category) {
        List<ResourceType> out = new ArrayList<>();
        for (ResourceType t : ALL) {
            if (t.categories().contains(category)) {
                out.add(t);
            }
        }
        return out;
    }

    /**
     * Resolves what a user types, as kubectl's REST mapper does: a plural, singular or short name
     * or a kind (case-insensitive), optionally qualified by group ({@code deployments.apps}, {@code
     * deploy.apps}). When several groups match, the catalog's order decides.
     */
    public static Optional<ResourceType> resolve(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (ResourceType t : ALL) {
            if (matches(t, n)) {
                return Optional.of(t);
            }
        }
        for (ResourceType t : ALL) {
            if (!t.group().isEmpty() && n.endsWith("." + t.group())) {
                String bare = n.substring(0, n.length() - t.group().length() - 1);
                if (matches(t, bare)) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean matches(ResourceType t, String n) {
        return t.plural().equals(n)
                || t.singular().equals(n)
                || t.kind().toLowerCase(Locale.ROOT).equals(n)
                || t.shortNames().contains(n);
    }

    /** {@code kind -> type} of one group-version, for decoding objects. */
    public static Map<String, ResourceType> kindsOf(String apiVersion) {
        Map<String, ResourceType> out = new LinkedHashMap<>();
        for (ResourceType t : ALL) {
            if (t.apiVersion().equals(apiVersion)) {
                out.put(t.kind(), t);
            }
        }
        return out;
    }
}
