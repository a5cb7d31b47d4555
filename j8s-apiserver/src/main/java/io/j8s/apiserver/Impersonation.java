package io.j8s.apiserver;

import io.j8s.apiserver.auth.Authorizer;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.auth.rbac.Subject;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import java.util.ArrayList;
import java.util.List;

/**
 * Acting as another user ({@code kubectl --as=bob --as-group=devs}), as Kubernetes' impersonation
 * filter: the authenticated user must be allowed to {@code impersonate} the named {@code users} (or
 * {@code serviceaccounts}), each of the {@code groups} and the {@code uids}; the request then
 * proceeds as the impersonated user, who is {@code system:authenticated} (service accounts also in
 * their groups). Extra fields are not supported.
 */
final class Impersonation {
    private Impersonation() {}

    /** The user the request acts as: {@code user} itself when it impersonates no one. */
    static UserInfo apply(HttpExchange exchange, UserInfo user, Authorizer authorizer) {
        String name = exchange.header("Impersonate-User");
        List<String> groups = exchange.headers().getAll("Impersonate-Group");
        String uid = exchange.header("Impersonate-Uid");
        if (name == null) {
            if (!groups.isEmpty() || uid != null) {
                throw ApiException.badRequest(
                        "requested impersonation of groups or uid without impersonating a user");
            }
            return user;
        }
        if (authorizer == null) {
            throw ApiException.badRequest("impersonation needs an authorizer");
        }
        List<String> asGroups = new ArrayList<>();
        if (name.startsWith(Subject.SERVICE_ACCOUNT_PREFIX)) {
            String[] parts = name.substring(Subject.SERVICE_ACCOUNT_PREFIX.length()).split(":", -1);
            if (parts.length != 2) {
                throw ApiException.badRequest("invalid service account user name \"" + name + "\"");
            }
            check(
                    authorizer,
                    Authorizer.Attributes.resource(
                            user, "impersonate", "", "serviceaccounts", null, parts[0], parts[1]));
            asGroups.add("system:serviceaccounts");
            asGroups.add("system:serviceaccounts:" + parts[0]);
        } else {
            check(
                    authorizer,
                    Authorizer.Attributes.resource(
                            user, "impersonate", "", "users", null, null, name));
        }
        for (String group : groups) {
            check(
                    authorizer,
                    Authorizer.Attributes.resource(
                            user, "impersonate", "", "groups", null, null, group));
            if (!asGroups.contains(group)) {
                asGroups.add(group);
            }
        }
        if (uid != null) {
            check(
                    authorizer,
                    Authorizer.Attributes.resource(
                            user, "impersonate", "authentication.k8s.io", "uids", null, null, uid));
        }
        if (name.equals(UserInfo.ANONYMOUS.name())) {
            if (!asGroups.contains(UserInfo.UNAUTHENTICATED)) {
                asGroups.add(UserInfo.UNAUTHENTICATED);
            }
            return new UserInfo(name, asGroups, uid);
        }
        return UserInfo.authenticated(name, asGroups, uid);
    }

    private static void check(Authorizer authorizer, Authorizer.Attributes attributes) {
        Authorizer.Decision decision = authorizer.authorize(attributes);
        if (!decision.allowed()) {
            throw ApiException.forbidden(
                    attributes.group(),
                    attributes.resource(),
                    attributes.name(),
                    ApiRouter.forbiddenCause(attributes, decision.reason()));
        }
    }
}
