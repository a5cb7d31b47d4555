package io.j8s.apiserver.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * Asks each authorizer in turn (Kubernetes' {@code --authorization-mode=Node,RBAC}); the first that
 * allows wins. A denial carries the non-empty reasons of all of them, joined with ", " as
 * Kubernetes' union authorizer joins them.
 */
public final class UnionAuthorizer implements Authorizer {
    private final List<Authorizer> authorizers;

    public UnionAuthorizer(List<Authorizer> authorizers) {
        this.authorizers = List.copyOf(authorizers);
    }

    @Override
    public Decision authorize(Attributes attributes) {
        List<String> reasons = new ArrayList<>();
        for (Authorizer authorizer : authorizers) {
            Decision decision = authorizer.authorize(attributes);
            if (decision.allowed()) {
                return decision;
            }
            if (decision.reason() != null && !decision.reason().isEmpty()) {
                reasons.add(decision.reason());
            }
        }
        return Decision.deny(String.join(", ", reasons));
    }
}
