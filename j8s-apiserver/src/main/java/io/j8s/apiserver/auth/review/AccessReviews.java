package io.j8s.apiserver.auth.review;

import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.auth.Authorizer;
import io.j8s.apiserver.auth.Authorizer.Attributes;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.auth.node.NodeIdentity;
import io.j8s.apiserver.auth.rbac.PolicyRule;
import io.j8s.apiserver.auth.rbac.RbacAuthorizer;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.request.Bodies;
import io.j8s.apiserver.request.Responses;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The access and identity reviews ({@code kubectl auth can-i}, {@code kubectl auth whoami}): {@code
 * authorization.k8s.io/v1} SelfSubjectAccessReview (may the requester...?) and SubjectAccessReview
 * (may this user...?, for those allowed to ask), SelfSubjectRulesReview (what may I do here?), and
 * {@code authentication.k8s.io/v1} SelfSubjectReview (who am I?). Each answers with the request
 * plus a {@code status}; nothing is stored. Thread safe.
 */
public final class AccessReviews {
    public static final String AUTHORIZATION = "authorization.k8s.io";
    public static final String AUTHENTICATION = "authentication.k8s.io";

    private final Authorizer authorizer;
    private final RbacAuthorizer rbac;

    /**
     * @param rbac lists the rules of SelfSubjectRulesReview ({@code kubectl auth can-i --list})
     */
    public AccessReviews(Authorizer authorizer, RbacAuthorizer rbac) {
        this.authorizer = authorizer;
        this.rbac = rbac;
    }

    /** The three resources, ready to be served. */
    public List<CreateOnlyResource> resources() {
        return List.of(
                new CreateOnlyResource(
                        CreateOnlyResource.type(
                                AUTHORIZATION,
                                "v1",
                                "SelfSubjectAccessReview",
                                "selfsubjectaccessreviews"),
                        (exchange, ns, user) -> selfSubjectAccessReview(exchange, user)),
                new CreateOnlyResource(
                        CreateOnlyResource.type(
                                AUTHORIZATION, "v1", "SubjectAccessReview", "subjectaccessreviews"),
                        (exchange, ns, user) -> subjectAccessReview(exchange)),
                new CreateOnlyResource(
                        CreateOnlyResource.type(
                                AUTHORIZATION,
                                "v1",
                                "SelfSubjectRulesReview",
                                "selfsubjectrulesreviews"),
                        (exchange, ns, user) -> selfSubjectRulesReview(exchange, user)),
                new CreateOnlyResource(
                        CreateOnlyResource.type(
                                AUTHENTICATION, "v1", "SelfSubjectReview", "selfsubjectreviews"),
                        (exchange, ns, user) -> selfSubjectReview(exchange, user)));
    }

    void selfSubjectAccessReview(HttpExchange exchange, UserInfo user) {
        ObjectNode review = Bodies.decodeObject(exchange);
        answer(exchange, review, "SelfSubjectAccessReview", user);
    }

    void subjectAccessReview(HttpExchange exchange) {
        ObjectNode review = Bodies.decodeObject(exchange);
        JsonNode spec = review.path("spec");
        String name = Json.str(spec, "user");
        List<String> groups = Json.stringList(spec, "groups");
        if (name.isEmpty() && groups.isEmpty()) {
            throw ApiException.invalid(
                    "SubjectAccessReview",
                    AUTHORIZATION,
                    "",
                    List.of(
                            FieldError.invalid(
                                    "spec.user",
                                    "",
                                    "at least one of user or group must be specified")));
        }
        answer(
                exchange,
                review,
                "SubjectAccessReview",
                new UserInfo(name, groups, Json.str(spec, "uid")));
    }

    private void answer(HttpExchange exchange, ObjectNode review, String kind, UserInfo subject) {
        JsonNode spec = review.path("spec");
        JsonNode resource = spec.get("resourceAttributes");
        JsonNode nonResource = spec.get("nonResourceAttributes");
        boolean hasResource = resource != null && resource.isObject();
        boolean hasNonResource = nonResource != null && nonResource.isObject();
        if (hasResource == hasNonResource) {
            throw ApiException.invalid(
                    kind,
                    AUTHORIZATION,
                    "",
                    List.of(
                            FieldError.invalid(
                                    "spec.resourceAttributes",
                                    hasResource ? "both" : "none",
                                    "exactly one of nonResourceAttributes or resourceAttributes must be specified")));
        }
        Attributes attributes =
                hasResource
                        ? Attributes.resource(
                                subject,
                                Json.str(resource, "verb"),
                                Json.str(resource, "group"),
                                Json.str(resource, "resource"),
                                Json.str(resource, "subresource"),
                                Json.str(resource, "namespace"),
                                Json.str(resource, "name"))
                        : Attributes.nonResource(
                                subject,
                                Json.str(nonResource, "verb"),
                                Json.str(nonResource, "path"));
        Authorizer.Decision decision = authorizer.authorize(attributes);
        ObjectNode out = review.deepCopy();
        out.put("kind", kind);
        out.put("apiVersion", AUTHORIZATION + "/v1");
        ObjectNode metadata = out.putObject("metadata");
        metadata.putNull("creationTimestamp");
        ObjectNode status = out.putObject("status");
        status.put("allowed", decision.allowed());
        if (decision.reason() != null && !decision.reason().isEmpty()) {
            status.put("reason", decision.reason());
        }
        Responses.json(exchange, 201, out);
    }

    /**
     * The rules RBAC grants the requester in {@code spec.namespace}. Nodes' permissions come from
     * the Node authorizer, which cannot list them: their answer is marked incomplete, as in
     * Kubernetes.
     */
    void selfSubjectRulesReview(HttpExchange exchange, UserInfo user) {
        ObjectNode review = Bodies.decodeObject(exchange);
        String namespace = Json.text(review, "spec.namespace");
        if (namespace.isEmpty()) {
            throw ApiException.invalid(
                    "SelfSubjectRulesReview",
                    AUTHORIZATION,
                    "",
                    List.of(FieldError.required("spec.namespace")));
        }
        ObjectNode out = Json.object();
        out.put("kind", "SelfSubjectRulesReview");
        out.put("apiVersion", AUTHORIZATION + "/v1");
        out.putObject("metadata").putNull("creationTimestamp");
        out.putObject("spec").put("namespace", namespace);
        ObjectNode status = out.putObject("status");
        var resourceRules = status.putArray("resourceRules");
        var nonResourceRules = status.putArray("nonResourceRules");
        for (PolicyRule rule : rbac.rulesFor(user, namespace)) {
            ObjectNode r = rule.toJson();
            if (rule.nonResourceURLs().isEmpty()) {
                r.remove("nonResourceURLs");
                resourceRules.add(r);
            } else {
                ObjectNode n = Json.object();
                n.set("verbs", r.get("verbs"));
                n.set("nonResourceURLs", r.get("nonResourceURLs"));
                nonResourceRules.add(n);
            }
        }
        status.put("incomplete", NodeIdentity.of(user).isPresent());
        Responses.json(exchange, 201, out);
    }

    void selfSubjectReview(HttpExchange exchange, UserInfo user) {
        Bodies.decodeObject(exchange);
        ObjectNode out = Json.object();
        out.put("kind", "SelfSubjectReview");
        out.put("apiVersion", AUTHENTICATION + "/v1");
        out.putObject("metadata").putNull("creationTimestamp");
        ObjectNode info = out.putObject("status").putObject("userInfo");
        info.put("username", user.name());
        if (!user.uid().isEmpty()) {
            info.put("uid", user.uid());
        }
        user.groups().forEach(info.putArray("groups")::add);
        if (!user.extra().isEmpty()) {
            ObjectNode extra = info.putObject("extra");
            user.extra().forEach((k, v) -> v.forEach(extra.putArray(k)::add));
        }
        Responses.json(exchange, 201, out);
    }
}
