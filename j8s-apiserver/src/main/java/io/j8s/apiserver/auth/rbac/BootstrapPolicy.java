package io.j8s.apiserver.auth.rbac;

import static io.j8s.apiserver.auth.rbac.PolicyRule.verbs;

import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.UserInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ClusterRoles and ClusterRoleBindings every j8s server starts with: Kubernetes' bootstrap
 * policy ({@code plugin/pkg/auth/authorizer/rbac/bootstrappolicy}, {@code policy.go} and {@code
 * controller_policy.go}) for the resources j8s serves, plus two j8s roles for joining nodes.
 *
 * <p>Controller roles are Kubernetes' rules for the same controller, widened where a j8s controller
 * needs more (each controller's javadoc lists what it does): the ReplicaSet controller updates Pods
 * to adopt and release them, the node controller watches Leases, informers watch what they list.
 */
public final class BootstrapPolicy {
    /** The user of a node agent is {@code system:node:<name>} in this group. */
    public static final String NODES_GROUP = "system:nodes";

    public static final String NODE_USER_PREFIX = "system:node:";

    /** Holders of a join token authenticate as {@code system:bootstrap:<id>} in this group. */
    public static final String BOOTSTRAPPERS_GROUP = "system:bootstrappers";

    public static final String KUBE_PROXY = "system:kube-proxy";
    public static final String KUBE_SCHEDULER = "system:kube-scheduler";
    public static final String KUBE_CONTROLLER_MANAGER = "system:kube-controller-manager";

    /** The user of the Pod watch a server's in-process node agents share. */
    public static final String NODE_AGENTS = "system:j8s:node-agents";

    /**
     * Controllers act as the service account {@code kube-system/<name>}, bound to {@code
     * system:controller:<name>}.
     */
    public static final String CONTROLLER_ROLE_PREFIX = "system:controller:";

    /**
     * The CA bundle a joining agent verifies against its token's hash (readable without
     * credentials).
     */
    public static final String CACERTS_PATH = "/cacerts";

    /** Where a join token buys a node's client certificate. */
    public static final String NODE_CREDENTIAL_PATH = "/v1-j8s/node-credential";

    public static final String AUTOUPDATE_ANNOTATION =
            "rbac.authorization.kubernetes.io/autoupdate";
    private static final String AGGREGATE = "rbac.authorization.k8s.io/aggregate-to-";

    private static final String[] READ = {"get", "list", "watch"};
    private static final String[] WRITE = {
        "create", "update", "patch", "delete", "deletecollection"
    };
    private static final String[] READ_WRITE = {
        "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"
    };
    private static final String CORE = "";
    private static final String APPS = "apps";
    private static final String EXTENSIONS = "extensions";
    private static final String AUTHENTICATION = "authentication.k8s.io";
    private static final String AUTHORIZATION = "authorization.k8s.io";
    private static final String COORDINATION = "coordination.k8s.io";
    private static final String DISCOVERY = "discovery.k8s.io";
    private static final String RBAC = "rbac.authorization.k8s.io";
    private static final String STORAGE = "storage.k8s.io";

    /** The controllers j8s runs, by their service account name. */
    public static final List<String> CONTROLLERS =
            List.of(
                    "deployment-controller",
                    "replicaset-controller",
                    "endpoint-controller",
                    "endpointslice-controller",
                    "endpointslicemirroring-controller",
                    "generic-garbage-collector",
                    "namespace-controller",
                    "node-controller",
                    "service-account-controller",
                    "root-ca-cert-publisher");

    private BootstrapPolicy() {}

    private static PolicyRule events() {
        return verbs("create", "update", "patch")
                .groups(CORE, "events.k8s.io")
                .resources("events")
                .build();
    }

    /**
     * What the Node authorizer allows every node outside the resources it decides on itself
     * (Kubernetes' {@code NodeRules}), restricted further by {@code NodeRestriction}.
     */
    public static List<PolicyRule> nodeRules() {
        return List.of(
                verbs("create").groups(AUTHENTICATION).resources("tokenreviews").build(),
                verbs("create")
                        .groups(AUTHORIZATION)
                        .resources("subjectaccessreviews", "localsubjectaccessreviews")
                        .build(),
                verbs(READ).groups(CORE).resources("services", "endpoints").build(),
                verbs(READ).groups(DISCOVERY).resources("endpointslices").build(),
                verbs("create", "get", "list", "watch").groups(CORE).resources("nodes").build(),
                verbs("update", "patch").groups(CORE).resources("nodes/status").build(),
                verbs("update", "patch").groups(CORE).resources("nodes").build(),
                events(),
                // j8s: the node agent's event recorder reads an Event back before patching its
                // count.
                verbs("get").groups(CORE).resources("events").build(),
                verbs(READ).groups(CORE).resources("pods").build(),
                verbs("create", "delete").groups(CORE).resources("pods").build(),
                verbs("update", "patch").groups(CORE).resources("pods/status").build(),
                verbs("create").groups(CORE).resources("pods/eviction").build(),
                verbs(READ).groups(CORE).resources("secrets", "configmaps").build(),
                verbs("get", "create", "update", "patch", "delete")
                        .groups(COORDINATION)
                        .resources("leases")
                        .build(),
                verbs("create").groups(CORE).resources("serviceaccounts/token").build());
    }

    /** Every bootstrap ClusterRole, as stored (labels and annotations included). */
    public static List<ObjectNode> clusterRoles() {
        List<ObjectNode> roles = new ArrayList<>();
        roles.add(
                role(
                        "cluster-admin",
                        Map.of(),
                        verbs("*").groups("*").resources("*").build(),
                        verbs("*").urls("*").build()));
        roles.add(
                role(
                        "system:discovery",
                        Map.of(),
                        verbs("get")
                                .urls(
                                        "/livez",
                                        "/readyz",
                                        "/healthz",
                                        "/version",
                                        "/version/",
                                        "/openapi",
                                        "/openapi/*",
                                        "/api",
                                        "/api/*",
                                        "/apis",
                                        "/apis/*")
                                .build()));
        roles.add(
                role(
                        "system:basic-user",
                        Map.of(),
                        verbs("create")
                                .groups(AUTHORIZATION)
                                .resources("selfsubjectaccessreviews", "selfsubjectrulesreviews")
                                .build(),
                        verbs("create")
                                .groups(AUTHENTICATION)
                                .resources("selfsubjectreviews")
                                .build()));
        roles.add(
                role(
                        "system:public-info-viewer",
                        Map.of(),
                        verbs("get")
                                .urls("/livez", "/readyz", "/healthz", "/version", "/version/")
                                .build()));
        roles.add(aggregated("admin", Map.of(), "admin"));
        roles.add(aggregated("edit", Map.of(AGGREGATE + "admin", "true"), "edit"));
        roles.add(aggregated("view", Map.of(AGGREGATE + "edit", "true"), "view"));
        roles.add(
                role(
                        "system:aggregate-to-admin",
                        Map.of(AGGREGATE + "admin", "true"),
                        verbs("create")
                                .groups(AUTHORIZATION)
                                .resources("localsubjectaccessreviews")
                                .build(),
                        verbs(READ_WRITE).groups(RBAC).resources("roles", "rolebindings").build()));
        roles.add(
                role(
                        "system:aggregate-to-edit",
                        Map.of(AGGREGATE + "edit", "true"),
                        verbs(READ)
                                .groups(CORE)
                                .resources(
                                        "pods/attach",
                                        "pods/proxy",
                                        "pods/exec",
                                        "pods/portforward",
                                        "secrets",
                                        "services/proxy")
                                .build(),
                        verbs("impersonate").groups(CORE).resources("serviceaccounts").build(),
                        verbs(WRITE)
                                .groups(CORE)
                                .resources(
                                        "pods",
                                        "pods/attach",
                                        "pods/proxy",
                                        "pods/exec",
                                        "pods/portforward")
                                .build(),
                        verbs("create").groups(CORE).resources("pods/eviction").build(),
                        verbs(WRITE)
                                .groups(CORE)
                                .resources(
                                        "replicationcontrollers",
                                        "replicationcontrollers/scale",
                                        "serviceaccounts",
                                        "services",
                                        "services/proxy",
                                        "persistentvolumeclaims",
                                        "configmaps",
                                        "secrets")
                                .build(),
                        verbs("create").groups(CORE).resources("serviceaccounts/token").build(),
                        verbs(WRITE)
                                .groups(APPS)
                                .resources(
                                        "statefulsets",
                                        "statefulsets/scale",
                                        "daemonsets",
                                        "deployments",
                                        "deployments/scale",
                                        "deployments/rollback",
                                        "replicasets",
                                        "replicasets/scale")
                                .build(),
                        verbs(WRITE)
                                .groups("autoscaling")
                                .resources("horizontalpodautoscalers")
                                .build(),
                        verbs(WRITE).groups("batch").resources("jobs", "cronjobs").build(),
                        verbs(WRITE).groups("policy").resources("poddisruptionbudgets").build(),
                        verbs(WRITE)
                                .groups("networking.k8s.io")
                                .resources("networkpolicies", "ingresses")
                                .build()));
        roles.add(
                role(
                        "system:aggregate-to-view",
                        Map.of(AGGREGATE + "view", "true"),
                        verbs(READ)
                                .groups(CORE)
                                .resources(
                                        "pods",
                                        "replicationcontrollers",
                                        "replicationcontrollers/scale",
                                        "serviceaccounts",
                                        "services",
                                        "services/status",
                                        "endpoints",
                                        "persistentvolumeclaims",
                                        "persistentvolumeclaims/status",
                                        "configmaps")
                                .build(),
                        verbs(READ)
                                .groups(CORE)
                                .resources(
                                        "limitranges",
                                        "resourcequotas",
                                        "bindings",
                                        "events",
                                        "pods/status",
                                        "resourcequotas/status",
                                        "namespaces/status",
                                        "replicationcontrollers/status",
                                        "pods/log")
                                .build(),
                        verbs(READ).groups(CORE).resources("namespaces").build(),
                        verbs(READ).groups(DISCOVERY).resources("endpointslices").build(),
                        verbs(READ)
                                .groups(APPS)
                                .resources(
                                        "controllerrevisions",
                                        "statefulsets",
                                        "statefulsets/status",
                                        "statefulsets/scale",
                                        "daemonsets",
                                        "daemonsets/status",
                                        "deployments",
                                        "deployments/status",
                                        "deployments/scale",
                                        "replicasets",
                                        "replicasets/status",
                                        "replicasets/scale")
                                .build(),
                        verbs(READ)
                                .groups("autoscaling")
                                .resources(
                                        "horizontalpodautoscalers",
                                        "horizontalpodautoscalers/status")
                                .build(),
                        verbs(READ)
                                .groups("batch")
                                .resources("jobs", "jobs/status", "cronjobs", "cronjobs/status")
                                .build(),
                        verbs(READ)
                                .groups("policy")
                                .resources("poddisruptionbudgets", "poddisruptionbudgets/status")
                                .build(),
                        verbs(READ)
                                .groups("networking.k8s.io")
                                .resources("networkpolicies", "ingresses", "ingresses/status")
                                .build()));
        // metrics-server's role, aggregated into view, edit and admin (the Metrics API, see
        // docs/architecture.md)
        roles.add(
                role(
                        "system:aggregated-metrics-reader",
                        Map.of(
                                "k8s-app",
                                "metrics-server",
                                AGGREGATE + "view",
                                "true",
                                AGGREGATE + "edit",
                                "true",
                                AGGREGATE + "admin",
                                "true"),
                        verbs(READ).groups("metrics.k8s.io").resources("pods", "nodes").build()));
        roles.add(role("system:node", Map.of(), nodeRules().toArray(PolicyRule[]::new)));
        roles.add(
                role(
                        "system:node-proxier",
                        Map.of(),
                        verbs("list", "watch")
                                .groups(CORE)
                                .resources("services", "endpoints")
                                .build(),
                        verbs(READ).groups(CORE).resources("nodes").build(),
                        events(),
                        verbs("list", "watch")
                                .groups(DISCOVERY)
                                .resources("endpointslices")
                                .build()));
        // The cluster DNS (k3s's CoreDNS ClusterRole of the same name): acts as
        // kube-system/coredns.
        roles.add(
                role(
                        "system:coredns",
                        Map.of(),
                        verbs("list", "watch")
                                .groups(CORE)
                                .resources("endpoints", "services", "pods", "namespaces")
                                .build(),
                        verbs("list", "watch")
                                .groups(DISCOVERY)
                                .resources("endpointslices")
                                .build()));
        roles.add(
                role(
                        "system:kube-scheduler",
                        Map.of(),
                        events(),
                        verbs("create").groups(COORDINATION).resources("leases").build(),
                        verbs("get", "update")
                                .groups(COORDINATION)
                                .resources("leases")
                                .names("kube-scheduler")
                                .build(),
                        verbs(READ).groups(CORE).resources("nodes").build(),
                        verbs("get", "list", "watch", "delete")
                                .groups(CORE)
                                .resources("pods")
                                .build(),
                        verbs("create").groups(CORE).resources("pods/binding", "bindings").build(),
                        verbs("patch", "update").groups(CORE).resources("pods/status").build(),
                        verbs(READ)
                                .groups(CORE)
                                .resources("services", "replicationcontrollers")
                                .build(),
                        verbs(READ).groups(APPS, EXTENSIONS).resources("replicasets").build(),
                        verbs(READ).groups(APPS).resources("statefulsets").build(),
                        verbs(READ).groups("policy").resources("poddisruptionbudgets").build(),
                        verbs(READ)
                                .groups(CORE)
                                .resources("persistentvolumeclaims", "persistentvolumes")
                                .build(),
                        verbs("create").groups(AUTHENTICATION).resources("tokenreviews").build(),
                        verbs("create")
                                .groups(AUTHORIZATION)
                                .resources("subjectaccessreviews")
                                .build(),
                        verbs(READ)
                                .groups(STORAGE)
                                .resources("csinodes", "csidrivers", "csistoragecapacities")
                                .build(),
                        verbs(READ).groups(CORE).resources("namespaces").build()));
        roles.add(
                role(
                        "system:kube-controller-manager",
                        Map.of(),
                        events(),
                        verbs("create").groups(COORDINATION).resources("leases").build(),
                        // j8s: fabric8's leader election also patches its Lease.
                        verbs("get", "update", "patch")
                                .groups(COORDINATION)
                                .resources("leases")
                                .names("kube-controller-manager", "j8s-controller-manager")
                                .build(),
                        verbs("create")
                                .groups(CORE)
                                .resources("secrets", "serviceaccounts")
                                .build(),
                        verbs("delete").groups(CORE).resources("secrets").build(),
                        verbs("get")
                                .groups(CORE)
                                .resources("namespaces", "secrets", "serviceaccounts", "configmaps")
                                .build(),
                        verbs("update")
                                .groups(CORE)
                                .resources("secrets", "serviceaccounts")
                                .build(),
                        verbs("create").groups(AUTHENTICATION).resources("tokenreviews").build(),
                        verbs("create")
                                .groups(AUTHORIZATION)
                                .resources("subjectaccessreviews")
                                .build(),
                        verbs("list", "watch").groups("*").resources("*").build(),
                        verbs("create").groups(CORE).resources("serviceaccounts/token").build()));
        roles.add(
                role(
                        "system:j8s:cacerts-reader",
                        Map.of(),
                        verbs("get").urls(CACERTS_PATH).build()));
        roles.add(
                role(
                        "system:j8s:node-joiner",
                        Map.of(),
                        verbs("post").urls(NODE_CREDENTIAL_PATH).build()));
        // the one Pod watch a server's in-process node agents share (docs/architecture.md, "Node
        // agents"); each agent still writes as its node
        roles.add(
                role(
                        NODE_AGENTS,
                        Map.of(),
                        verbs("get", "list", "watch").groups(CORE).resources("pods").build()));
        roles.addAll(controllerRoles());
        return roles;
    }

    private static List<ObjectNode> controllerRoles() {
        String p = CONTROLLER_ROLE_PREFIX;
        return List.of(
                role(
                        p + "deployment-controller",
                        Map.of(),
                        verbs("get", "list", "watch", "update")
                                .groups(EXTENSIONS, APPS)
                                .resources("deployments")
                                .build(),
                        verbs("update")
                                .groups(EXTENSIONS, APPS)
                                .resources("deployments/status")
                                .build(),
                        verbs("update")
                                .groups(EXTENSIONS, APPS)
                                .resources("deployments/finalizers")
                                .build(),
                        verbs("get", "list", "watch", "create", "update", "patch", "delete")
                                .groups(APPS, EXTENSIONS)
                                .resources("replicasets")
                                .build(),
                        verbs("get", "list", "watch", "update")
                                .groups(CORE)
                                .resources("pods")
                                .build(),
                        events()),
                role(
                        p + "replicaset-controller",
                        Map.of(),
                        verbs("get", "list", "watch", "update")
                                .groups(APPS, EXTENSIONS)
                                .resources("replicasets")
                                .build(),
                        verbs("update")
                                .groups(APPS, EXTENSIONS)
                                .resources("replicasets/status")
                                .build(),
                        verbs("update")
                                .groups(APPS, EXTENSIONS)
                                .resources("replicasets/finalizers")
                                .build(),
                        verbs("get", "list", "watch", "create", "update", "patch", "delete")
                                .groups(CORE)
                                .resources("pods")
                                .build(),
                        events()),
                role(
                        p + "endpoint-controller",
                        Map.of(),
                        verbs(READ).groups(CORE).resources("services", "pods").build(),
                        verbs("get", "list", "watch", "create", "update", "delete")
                                .groups(CORE)
                                .resources("endpoints")
                                .build(),
                        verbs("create").groups(CORE).resources("endpoints/restricted").build(),
                        events()),
                role(
                        p + "endpointslice-controller",
                        Map.of(),
                        verbs(READ).groups(CORE).resources("services", "pods", "nodes").build(),
                        verbs("update").groups(CORE).resources("services/finalizers").build(),
                        verbs("get", "list", "watch", "create", "update", "delete")
                                .groups(DISCOVERY)
                                .resources("endpointslices")
                                .build(),
                        events()),
                role(
                        p + "endpointslicemirroring-controller",
                        Map.of(),
                        verbs(READ).groups(CORE).resources("services", "endpoints").build(),
                        verbs("update").groups(CORE).resources("services/finalizers").build(),
                        verbs("update").groups(CORE).resources("endpoints/finalizers").build(),
                        verbs("get", "list", "watch", "create", "update", "delete")
                                .groups(DISCOVERY)
                                .resources("endpointslices")
                                .build(),
                        events()),
                role(
                        p + "generic-garbage-collector",
                        Map.of(),
                        verbs("get", "list", "watch", "patch", "update", "delete")
                                .groups("*")
                                .resources("*")
                                .build(),
                        events()),
                role(
                        p + "namespace-controller",
                        Map.of(),
                        verbs("get", "list", "watch", "delete")
                                .groups(CORE)
                                .resources("namespaces")
                                .build(),
                        verbs("update")
                                .groups(CORE)
                                .resources("namespaces/finalize", "namespaces/status")
                                .build(),
                        verbs("get", "list", "watch", "delete", "deletecollection")
                                .groups("*")
                                .resources("*")
                                .build()),
                role(
                        p + "node-controller",
                        Map.of(),
                        verbs("get", "list", "watch", "update", "delete", "patch")
                                .groups(CORE)
                                .resources("nodes")
                                .build(),
                        verbs("patch", "update").groups(CORE).resources("nodes/status").build(),
                        verbs("patch", "update").groups(CORE).resources("pods/status").build(),
                        verbs("list", "watch", "get", "delete")
                                .groups(CORE)
                                .resources("pods")
                                .build(),
                        verbs(READ).groups(COORDINATION).resources("leases").build(),
                        events()),
                // Kubernetes' rules; j8s: the informers' list/watch of what the controller reads
                role(
                        p + "service-account-controller",
                        Map.of(),
                        verbs("create").groups(CORE).resources("serviceaccounts").build(),
                        verbs(READ).groups(CORE).resources("serviceaccounts", "namespaces").build(),
                        events()),
                role(
                        p + "root-ca-cert-publisher",
                        Map.of(),
                        verbs("create", "update").groups(CORE).resources("configmaps").build(),
                        verbs(READ).groups(CORE).resources("configmaps", "namespaces").build(),
                        events()));
    }

    /** Every bootstrap ClusterRoleBinding, as stored. */
    public static List<ObjectNode> clusterRoleBindings() {
        List<ObjectNode> bindings = new ArrayList<>();
        bindings.add(binding("cluster-admin", "cluster-admin", Subject.group(UserInfo.MASTERS)));
        bindings.add(
                binding(
                        "system:discovery",
                        "system:discovery",
                        Subject.group(UserInfo.AUTHENTICATED)));
        bindings.add(
                binding(
                        "system:basic-user",
                        "system:basic-user",
                        Subject.group(UserInfo.AUTHENTICATED)));
        bindings.add(
                binding(
                        "system:public-info-viewer",
                        "system:public-info-viewer",
                        Subject.group(UserInfo.AUTHENTICATED),
                        Subject.group(UserInfo.UNAUTHENTICATED)));
        bindings.add(
                binding("system:node-proxier", "system:node-proxier", Subject.user(KUBE_PROXY)));
        bindings.add(
                binding(
                        "system:coredns",
                        "system:coredns",
                        Subject.serviceAccount("kube-system", "coredns")));
        bindings.add(
                binding(
                        "system:kube-controller-manager",
                        "system:kube-controller-manager",
                        Subject.user(KUBE_CONTROLLER_MANAGER)));
        bindings.add(
                binding(
                        "system:kube-scheduler",
                        "system:kube-scheduler",
                        Subject.user(KUBE_SCHEDULER)));
        // As in Kubernetes: the Node authorizer grants nodes their rules; this binding stays empty.
        bindings.add(binding("system:node", "system:node"));
        bindings.add(
                binding(
                        "system:j8s:cacerts-reader",
                        "system:j8s:cacerts-reader",
                        Subject.group(UserInfo.AUTHENTICATED),
                        Subject.group(UserInfo.UNAUTHENTICATED)));
        bindings.add(
                binding(
                        "system:j8s:node-joiner",
                        "system:j8s:node-joiner",
                        Subject.group(BOOTSTRAPPERS_GROUP)));
        bindings.add(binding(NODE_AGENTS, NODE_AGENTS, Subject.user(NODE_AGENTS)));
        for (String controller : CONTROLLERS) {
            bindings.add(
                    binding(
                            CONTROLLER_ROLE_PREFIX + controller,
                            CONTROLLER_ROLE_PREFIX + controller,
                            Subject.serviceAccount("kube-system", controller)));
        }
        return bindings;
    }

    private static ObjectNode metadata(ObjectNode object, String name, Map<String, String> labels) {
        ObjectNode metadata = object.putObject("metadata");
        metadata.put("name", name);
        ObjectNode l = metadata.putObject("labels");
        l.put("kubernetes.io/bootstrapping", "rbac-defaults");
        new java.util.TreeMap<>(labels).forEach(l::put);
        metadata.putObject("annotations").put(AUTOUPDATE_ANNOTATION, "true");
        return metadata;
    }

    private static ObjectNode role(String name, Map<String, String> labels, PolicyRule... rules) {
        ObjectNode role = Json.object();
        role.put("apiVersion", RBAC + "/v1");
        role.put("kind", "ClusterRole");
        metadata(role, name, labels);
        var array = role.putArray("rules");
        for (PolicyRule rule : rules) {
            array.add(rule.toJson());
        }
        return role;
    }

    private static ObjectNode aggregated(
            String name, Map<String, String> labels, String aggregateTo) {
        ObjectNode role = Json.object();
        role.put("apiVersion", RBAC + "/v1");
        role.put("kind", "ClusterRole");
        metadata(role, name, labels);
        role.putObject("aggregationRule")
                .putArray("clusterRoleSelectors")
                .addObject()
                .putObject("matchLabels")
                .put(AGGREGATE + aggregateTo, "true");
        role.putArray("rules");
        return role;
    }

    private static ObjectNode binding(String name, String clusterRole, Subject... subjects) {
        ObjectNode binding = Json.object();
        binding.put("apiVersion", RBAC + "/v1");
        binding.put("kind", "ClusterRoleBinding");
        metadata(binding, name, Map.of());
        ObjectNode ref = binding.putObject("roleRef");
        ref.put("apiGroup", RBAC);
        ref.put("kind", "ClusterRole");
        ref.put("name", clusterRole);
        if (subjects.length > 0) {
            var array = binding.putArray("subjects");
            for (Subject subject : subjects) {
                array.add(subject.toJson());
            }
        }
        return binding;
    }
}
