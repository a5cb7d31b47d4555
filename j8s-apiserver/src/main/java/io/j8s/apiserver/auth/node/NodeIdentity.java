package io.j8s.apiserver.auth.node;

import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.auth.rbac.BootstrapPolicy;
import java.util.Optional;

/**
 * Which node a user is (Kubernetes' {@code nodeidentifier}): a member of {@code system:nodes} named
 * {@code system:node:<name>}. Both are needed, so a user named like a node but outside the group is
 * an ordinary user.
 */
public final class NodeIdentity {
    private NodeIdentity() {}

    /**
     * The node's name; empty when {@code user} is not a node. A member of the group whose name
     * lacks the prefix is a node of unknown name ("" inside the optional), which nothing allows.
     */
    public static Optional<String> of(UserInfo user) {
        if (!user.inGroup(BootstrapPolicy.NODES_GROUP)) {
            return Optional.empty();
        }
        String name = user.name();
        return Optional.of(
                name.startsWith(BootstrapPolicy.NODE_USER_PREFIX)
                        ? name.substring(BootstrapPolicy.NODE_USER_PREFIX.length())
                        : "");
    }
}
