package io.j8s.apiserver.auth.node;

import io.j8s.api.selector.FieldSelector;
import io.j8s.api.selector.SelectorException;
import io.j8s.apiserver.auth.Authorizer;
import io.j8s.apiserver.auth.rbac.BootstrapPolicy;
import io.j8s.apiserver.auth.rbac.PolicyRule;
import java.util.List;
import java.util.Optional;

/**
 * Authorizes node agents as Kubernetes' Node authorizer does ({@code
 * plugin/pkg/auth/authorizer/node}, with {@code AuthorizeNodeWithSelectors}): a node reads only its
 * own Node, its own Lease, the Pods bound to it (listing them only with a {@code spec.nodeName}
 * field selector) and the ConfigMaps, Secrets and service account tokens those Pods use; everything
 * else follows the static node rules ({@link BootstrapPolicy#nodeRules()}). Writes that name their
 * object only in the body (creating a Node or Lease, Pod status updates) are narrowed to the node's
 * own by {@link NodeRestriction}. Requests of non-nodes get no opinion. Thread safe.
 */
public final class NodeAuthorizer implements Authorizer {
    private static final String NODE_LEASE_NAMESPACE = "kube-node-lease";

    private final NodeGraph graph;
    private final List<PolicyRule> nodeRules = BootstrapPolicy.nodeRules();

    public NodeAuthorizer(NodeGraph graph) {
        this.graph = graph;
    }

    @Override
    public Decision authorize(Attributes a) {
        Optional<String> identity = NodeIdentity.of(a.user());
        if (identity.isEmpty()) {
            return Decision.deny("");
        }
        String node = identity.get();
        if (node.isEmpty()) {
            return Decision.deny("unknown node for user \"" + a.user().name() + "\"");
        }
        if (a.resourceRequest()) {
            String resource = a.group() + "/" + a.resource();
            switch (resource) {
                case "/secrets":
                    return readNamespacedObject(node, "secret", a);
                case "/configmaps":
                    return readNamespacedObject(node, "configmap", a);
                case "/serviceaccounts":
                    return createToken(node, a);
                case "coordination.k8s.io/leases":
                    return lease(node, a);
                case "/nodes":
                    return nodeObject(node, a);
                case "/pods":
                    return pod(node, a);
                default:
                    break;
            }
        }
        for (PolicyRule rule : nodeRules) {
            if (rule.allows(a)) {
                return Decision.allow("");
            }
        }
        return Decision.deny("");
    }

    private Decision readNamespacedObject(String node, String kind, Attributes a) {
        if (!a.verb().equals("get") && !a.verb().equals("list") && !a.verb().equals("watch")) {
            return Decision.deny("can only read resources of this type");
        }
        if (a.subresource() != null) {
            return Decision.deny("cannot read subresource");
        }
        if (a.namespace() == null) {
            return Decision.deny("can only read namespaced object of this type");
        }
        return related(node, kind, a);
    }

    private Decision related(String node, String kind, Attributes a) {
        if (a.name() == null) {
            return Decision.deny("No Object name found");
        }
        boolean related =
                kind.equals("pod")
                        ? graph.podNode(a.namespace(), a.name()).map(node::equals).orElse(false)
                        : graph.referencedFromNode(kind, a.namespace(), a.name(), node);
        return related
                ? Decision.allow("")
                : Decision.deny(
                        "no relationship found between node '" + node + "' and this object");
    }

    private Decision createToken(String node, Attributes a) {
        if (!a.verb().equals("create") || a.name() == null) {
            return Decision.deny("can only create tokens for individual service accounts");
        }
        if (!"token".equals(a.subresource())) {
            return Decision.deny("can only create token subresource of serviceaccount");
        }
        return related(node, "serviceaccount", a);
    }

    private static Decision lease(String node, Attributes a) {
        switch (a.verb()) {
            case "get", "create", "update", "patch", "delete":
                break;
            default:
                return Decision.deny("can only get, create, update, patch, or delete a node lease");
        }
        if (!NODE_LEASE_NAMESPACE.equals(a.namespace())) {
            return Decision.deny(
                    "can only access leases in the \""
                            + NODE_LEASE_NAMESPACE
                            + "\" system namespace");
        }
        // On create the name is only in the body: NodeRestriction checks it.
        if (!a.verb().equals("create") && !node.equals(a.name())) {
            return Decision.deny(
                    "can only access node lease with the same name as the requesting node");
        }
        return Decision.allow("");
    }

    private static Decision nodeObject(String node, Attributes a) {
        if (a.subresource() == null) {
            switch (a.verb()) {
                case "create", "update", "patch":
                    // NodeRestriction limits these to the node's own object.
                    return Decision.allow("");
                case "get", "list", "watch":
                    if (a.name() == null) {
                        return Decision.deny(
                                "node '"
                                        + node
                                        + "' cannot read all nodes, only its own Node object");
                    }
                    if (!a.name().equals(node)) {
                        return Decision.deny(
                                "node '"
                                        + node
                                        + "' cannot read '"
                                        + a.name()
                                        + "', only its own Node object");
                    }
                    return Decision.allow("");
                default:
                    break;
            }
        } else if (a.subresource().equals("status")
                && (a.verb().equals("update") || a.verb().equals("patch"))) {
            return Decision.allow("");
        }
        return Decision.deny("");
    }

    private Decision pod(String node, Attributes a) {
        String sub = a.subresource() == null ? "" : a.subresource();
        switch (sub) {
            case "":
                switch (a.verb()) {
                    case "get":
                        return related(node, "pod", a);
                    case "list", "watch":
                        if (selectsNode(a.fieldSelector(), node)) {
                            return Decision.allow("");
                        }
                        if (a.name() != null) {
                            return related(node, "pod", a);
                        }
                        return Decision.deny(
                                "can only list/watch pods with spec.nodeName field selector");
                    case "create", "delete":
                        return Decision.allow("");
                    default:
                        return Decision.deny("");
                }
            case "status":
                return a.verb().equals("update") || a.verb().equals("patch")
                        ? Decision.allow("")
                        : Decision.deny("");
            case "eviction":
                return a.verb().equals("create") ? Decision.allow("") : Decision.deny("");
            default:
                return Decision.deny("");
        }
    }

    private static boolean selectsNode(String selector, String node) {
        if (selector == null || selector.isEmpty()) {
            return false;
        }
        try {
            for (FieldSelector.Term term : FieldSelector.parse(selector).terms()) {
                if (term.field().equals("spec.nodeName")
                        && term.equals()
                        && term.value().equals(node)) {
                    return true;
                }
            }
        } catch (SelectorException e) {
            return false;
        }
        return false;
    }
}
