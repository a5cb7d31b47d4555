package io.j8s.apiserver.auth.node;

import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.Authorizer.Attributes;
import io.j8s.apiserver.rest.ApiException;
import java.util.Optional;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The part of Kubernetes' {@code NodeRestriction} admission plugin that keeps a node to its own
 * objects where the authorizer cannot see the object: a node may create, change or delete only
 * its own Node and its own Lease, write the status of and delete only the Pods bound to it, and
 * create only mirror Pods bound to itself. Runs after authorization, before the write; errors are
 * 403s worded as Kubernetes' admission errors. Thread safe.
 */
public final class NodeRestriction {
    static final String MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";

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
            throw forbidden(a, name, "could not determine node from user \"" + a.user().name() + "\"");
        }
        String resource = a.group() + "/" + a.resource();
        switch (resource) {
            case "/nodes" -> {
                if (!node.equals(name)) {
                    throw forbidden(a, name, "node \"" + node + "\" is not allowed to modify node \"" + name + "\"");
                }
            }
            case "coordination.k8s.io/leases" -> {
                if (!"kube-node-lease".equals(a.namespace())) {
                    throw forbidden(a, name, "can only access leases in the \"kube-node-lease\" system namespace");
                }
                if (!node.equals(name)) {
                    throw forbidden(a, name, "can only access node lease with the same name as the requesting node");
                }
            }
            case "/pods" -> admitPod(a, node, name, body);
            default -> {
            }
        }
    }

    private void admitPod(Attributes a, String node, String name, Supplier<JsonNode> body) {
        String sub = a.subresource() == null ? "" : a.subresource();
        switch (sub) {
            case "" -> {
                if (a.verb().equals("create")) {
                    JsonNode pod = body.get();
                    if (pod == null || !pod.path("metadata").path("annotations").has(MIRROR_POD_ANNOTATION)) {
                        throw forbidden(a, name, "pod does not have \"" + MIRROR_POD_ANNOTATION + "\" annotation, node \""
                                + node + "\" can only create mirror pods");
                    }
                    if (!node.equals(Json.text(pod, "spec.nodeName"))) {
                        throw forbidden(a, name, "node \"" + node
                                + "\" can only create pods with spec.nodeName set to itself");
                    }
                } else if (a.verb().equals("delete")) {
                    Optional<String> bound = graph.podNode(a.namespace(), name);
                    if (bound.isPresent() && !bound.get().equals(node)) {
                        throw forbidden(a, name, "node \"" + node
                                + "\" can only delete pods with spec.nodeName set to itself");
                    }
                } else {
                    throw forbidden(a, name, "unexpected operation \"" + a.verb() + "\", node \"" + node
                            + "\" can only create and delete mirror pods");
                }
            }
            case "status" -> {
                Optional<String> bound = graph.podNode(a.namespace(), name);
                if (bound.isPresent() && !bound.get().equals(node)) {
                    throw forbidden(a, name, "node \"" + node
                            + "\" can only update pod status for pods with spec.nodeName set to itself");
                }
            }
            default -> throw forbidden(a, name, "unexpected pod subresource \"" + sub
                    + "\", only 'status' and 'eviction' are allowed");
        }
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
