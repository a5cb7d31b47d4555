package io.j8s.apiserver.auth.node;

import io.j8s.api.json.Json;
import io.j8s.apiserver.admission.WriteAdmission;
import io.j8s.apiserver.auth.Authorizer.Attributes;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.errors.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The part of Kubernetes' {@code NodeRestriction} admission plugin that keeps a node to its own
 * objects where the authorizer cannot see the object: a node may create, change or delete only its
 * own Node and its own Lease, write the status of and delete only the Pods bound to it, and create
 * only mirror Pods bound to itself, and request service account tokens only bound to a Pod bound to
 * itself. Runs after authorization, before the write; errors are 403s worded as Kubernetes'
 * admission errors. {@link #nodeWrites()} adds the checks that need the object as it will be
 * written: a node may not set, change or remove labels outside the kubelet's own set (so it cannot
 * steer workloads meant for other nodes to itself by labelling itself {@code
 * node-role.kubernetes.io/...} or {@code node-restriction.kubernetes.io/...}), nor change its
 * taints. Thread safe.
 */
public final class NodeRestriction {
    static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

    /**
     * Labels under {@code kubernetes.io}/{@code k8s.io} a kubelet may set on its Node (Kubernetes'
     * kubeletapis).
     */
    private static final Set<String> KUBELET_LABELS =
            Set.of(
                    "kubernetes.io/hostname",
                    "topology.kubernetes.io/zone",
                    "topology.kubernetes.io/region",
                    "failure-domain.beta.kubernetes.io/zone",
                    "failure-domain.beta.kubernetes.io/region",
                    "beta.kubernetes.io/instance-type",
                    "node.kubernetes.io/instance-type",
                    "kubernetes.io/os",
                    "kubernetes.io/arch",
                    "beta.kubernetes.io/os",
                    "beta.kubernetes.io/arch");

    /** Label prefixes (and their subdomains) a kubelet may set freely. */
    private static final Set<String> KUBELET_LABEL_NAMESPACES =
            Set.of("kubelet.kubernetes.io", "node.kubernetes.io");

    /** Label prefix (and its subdomains) reserved for labels only administrators set. */
    static final String NODE_RESTRICTION_LABEL_NAMESPACE = "node-restriction.kubernetes.io";

    private final NodeGraph graph;

    public NodeRestriction(NodeGraph graph) {
        this.graph = graph;
    }

    /**
     * Checks one authorized request.
     *
     * @param body the decoded request body (creates), or null when it cannot be decoded (the write
     *     then fails on its own)
     * @throws ApiException 403 when the node may not do this
     */
    public void admit(Attributes a, Supplier<JsonNode> body) {
        if (!a.resourceRequest() || !mutating(a.verb())) {
            return;
        }
        Optional<String> identity = NodeIdentity.of(a.user());
        if (identity.isEmpty()) {
            return;
        }
        String node = identity.get();
        String name = a.name();
        if (a.verb().equals("create") && name == null) {
            JsonNode object = body.get();
            name = object == null ? null : Json.name(object);
        }
        if (node.isEmpty()) {
            throw forbidden(
                    a, name, "could not determine node from user \"" + a.user().name() + "\"");
        }
        String resource = a.group() + "/" + a.resource();
        switch (resource) {
            case "/nodes" -> {
                if (!node.equals(name)) {
                    throw forbidden(
                            a,
                            name,
                            "node \"" + node + "\" is not allowed to modify node \"" + name + "\"");
                }
            }
            case "coordination.k8s.io/leases" -> {
                if (!"kube-node-lease".equals(a.namespace())) {
                    throw forbidden(
                            a,
                            name,
                            "can only access leases in the \"kube-node-lease\" system namespace");
                }
                if (!node.equals(name)) {
                    throw forbidden(
                            a,
                            name,
                            "can only access node lease with the same name as the requesting node");
                }
            }
            case "/pods" -> admitPod(a, node, name, body);
            case "/serviceaccounts" -> {
                if ("token".equals(a.subresource()) && a.verb().equals("create")) {
                    admitToken(a, node, body);
                }
            }
            default -> {}
        }
    }

    private void admitPod(Attributes a, String node, String name, Supplier<JsonNode> body) {
        String sub = a.subresource() == null ? "" : a.subresource();
        switch (sub) {
            case "" -> {
                if (a.verb().equals("create")) {
                    JsonNode pod = body.get();
                    if (pod == null
                            || !pod.path("metadata")
                                    .path("annotations")
                                    .has(MIRROR_POD_ANNOTATION)) {
                        throw forbidden(
                                a,
                                name,
                                "pod does not have \""
                                        + MIRROR_POD_ANNOTATION
                                        + "\" annotation, node \""
                                        + node
                                        + "\" can only create mirror pods");
                    }
                    if (!node.equals(Json.text(pod, "spec.nodeName"))) {
                        throw forbidden(
                                a,
                                name,
                                "node \""
                                        + node
                                        + "\" can only create pods with spec.nodeName set to itself");
                    }
                } else if (a.verb().equals("delete")) {
                    Optional<String> bound = graph.podNode(a.namespace(), name);
                    if (bound.isPresent() && !bound.get().equals(node)) {
                        throw forbidden(
                                a,
                                name,
                                "node \""
                                        + node
                                        + "\" can only delete pods with spec.nodeName set to itself");
                    }
                } else {
                    throw forbidden(
                            a,
                            name,
                            "unexpected operation \""
                                    + a.verb()
                                    + "\", node \""
                                    + node
                                    + "\" can only create and delete mirror pods");
                }
            }
            case "status" -> {
                Optional<String> bound = graph.podNode(a.namespace(), name);
                if (bound.isPresent() && !bound.get().equals(node)) {
                    throw forbidden(
                            a,
                            name,
                            "node \""
                                    + node
                                    + "\" can only update pod status for pods with spec.nodeName set to itself");
                }
            }
            default ->
                    throw forbidden(
                            a,
                            name,
                            "unexpected pod subresource \""
                                    + sub
                                    + "\", only 'status' and 'eviction' are allowed");
        }
    }

    /**
     * Kubernetes' {@code admitServiceAccount}: a node's TokenRequest must bind the token to a Pod,
     * by name and uid, that is bound to the node (the API server then adds the Node binding
     * itself).
     */
    private void admitToken(Attributes a, String node, Supplier<JsonNode> body) {
        JsonNode request = body.get();
        JsonNode ref = request == null ? null : request.path("spec").path("boundObjectRef");
        if (ref == null
                || !ref.isObject()
                || !"v1".equals(Json.str(ref, "apiVersion"))
                || !"Pod".equals(Json.str(ref, "kind"))
                || Json.str(ref, "name").isEmpty()) {
            throw forbidden(a, a.name(), "node requested token not bound to a pod");
        }
        String uid = Json.str(ref, "uid");
        if (uid.isEmpty()) {
            throw forbidden(a, a.name(), "node requested token with a pod binding without a uid");
        }
        String pod = Json.str(ref, "name");
        Optional<String> actual = graph.podUid(a.namespace(), pod);
        if (actual.isEmpty()) {
            throw ApiException.of(404, "NotFound", "pods \"" + pod + "\" not found");
        }
        if (!uid.equals(actual.get())) {
            throw forbidden(
                    a,
                    a.name(),
                    "the UID in the bound object reference ("
                            + uid
                            + ") does not match the UID"
                            + " in record. The object might have been deleted and then recreated");
        }
        if (!graph.podNode(a.namespace(), pod).orElse("").equals(node)) {
            throw forbidden(
                    a,
                    a.name(),
                    "node requested token bound to a pod scheduled on a different node");
        }
    }

    /**
     * The checks on a Node as it will be written, run with the other write admissions (after
     * patching, before storing).
     */
    public WriteAdmission nodeWrites() {
        return (exchange, info, type, object, old) -> {
            if (type.kind().equals("Node") && type.group().isEmpty()) {
                UserInfo user = exchange.attachment(UserInfo.class);
                if (user != null) {
                    admitNode(user, info.verb(), info.subresource(), object, old);
                }
            }
        };
    }

    /**
     * Kubernetes' label and taint rules for a node writing its own Node.
     *
     * @param verb {@code create}, {@code update} or {@code patch}
     * @param subresource null or {@code status} (whose writes keep metadata and spec as stored)
     * @param old the stored Node (updates and patches), or null (creates, or not known)
     * @throws ApiException 403 when the node may not write this
     */
    public void admitNode(
            UserInfo user, String verb, String subresource, JsonNode node, JsonNode old) {
        Optional<String> identity = NodeIdentity.of(user);
        if (identity.isEmpty() || subresource != null) {
            return;
        }
        String self = identity.get();
        String name = Json.name(node);
        if (verb.equals("create")) {
            SortedSet<String> forbidden =
                    forbiddenLabels(Json.stringMap(node, "metadata.labels"), Map.of());
            if (!forbidden.isEmpty()) {
                throw ApiException.forbidden(
                        "",
                        "nodes",
                        name,
                        "node \""
                                + self
                                + "\" is not allowed to set the following labels: "
                                + String.join(", ", forbidden));
            }
            return;
        }
        if (old == null) {
            return;
        }
        if (!sameTaints(node.path("spec").get("taints"), old.path("spec").get("taints"))) {
            throw ApiException.forbidden(
                    "", "nodes", name, "node \"" + self + "\" is not allowed to modify taints");
        }
        SortedSet<String> forbidden =
                forbiddenLabels(
                        Json.stringMap(node, "metadata.labels"),
                        Json.stringMap(old, "metadata.labels"));
        if (!forbidden.isEmpty()) {
            // Worded as Kubernetes words it, without the node's name.
            throw ApiException.forbidden(
                    "",
                    "nodes",
                    name,
                    "is not allowed to modify labels: " + String.join(", ", forbidden));
        }
    }

    /**
     * The keys added, changed or removed between {@code labels} and {@code old} that a node may not
     * touch.
     */
    static SortedSet<String> forbiddenLabels(Map<String, String> labels, Map<String, String> old) {
        SortedSet<String> forbidden = new TreeSet<>();
        for (Map<String, String> side : List.of(labels, old)) {
            for (String key : side.keySet()) {
                if (!Objects.equals(labels.get(key), old.get(key)) && !kubeletMaySet(key)) {
                    forbidden.add(key);
                }
            }
        }
        return forbidden;
    }

    private static boolean kubeletMaySet(String key) {
        String namespace = key.contains("/") ? key.substring(0, key.indexOf('/')) : "";
        if (inNamespace(namespace, NODE_RESTRICTION_LABEL_NAMESPACE)) {
            return false;
        }
        if (!inNamespace(namespace, "kubernetes.io") && !inNamespace(namespace, "k8s.io")) {
            return true;
        }
        return KUBELET_LABELS.contains(key)
                || KUBELET_LABEL_NAMESPACES.stream().anyMatch(n -> inNamespace(namespace, n));
    }

    /** {@code namespace} is {@code domain} or a subdomain of it. */
    private static boolean inNamespace(String namespace, String domain) {
        return namespace.equals(domain) || namespace.endsWith("." + domain);
    }

    /** As Kubernetes' semantic equality: an absent list equals an empty one. */
    private static boolean sameTaints(JsonNode taints, JsonNode old) {
        boolean none = taints == null || taints.isNull() || taints.isEmpty();
        boolean oldNone = old == null || old.isNull() || old.isEmpty();
        return none && oldNone || Json.semanticEquals(taints, old);
    }

    private static boolean mutating(String verb) {
        return switch (verb) {
            case "create", "update", "patch", "delete", "deletecollection" -> true;
            default -> false;
        };
    }

    private static ApiException forbidden(Attributes a, String name, String cause) {
        return ApiException.forbidden(a.group(), a.resource(), name, cause);
    }
}
