package io.j8s.apiserver.auth.rbac;

import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.Authorizer.Attributes;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code rbac.authorization.k8s.io/v1} PolicyRule, and whether it allows a request (Kubernetes'
 * {@code rbac.RuleAllows}: verbs, API groups, resources (a star before the slash matching that
 * subresource of any resource), resource names, and non-resource URLs with a trailing star).
 * Immutable.
 */
public record PolicyRule(
        List<String> verbs,
        List<String> apiGroups,
        List<String> resources,
        List<String> resourceNames,
        List<String> nonResourceURLs) {

    public static final String ALL = "*";

    public PolicyRule {
        verbs = List.copyOf(verbs);
        apiGroups = List.copyOf(apiGroups);
        resources = List.copyOf(resources);
        resourceNames = List.copyOf(resourceNames);
        nonResourceURLs = List.copyOf(nonResourceURLs);
    }

    /** Starts a rule allowing {@code verbs}. */
    public static Builder verbs(String... verbs) {
        return new Builder(List.of(verbs));
    }

    /** Reads a rule of a stored Role or ClusterRole. */
    public static PolicyRule fromJson(JsonNode rule) {
        return new PolicyRule(
                Json.stringList(rule, "verbs"),
                Json.stringList(rule, "apiGroups"),
                Json.stringList(rule, "resources"),
                Json.stringList(rule, "resourceNames"),
                Json.stringList(rule, "nonResourceURLs"));
    }

    /** The rule as stored, omitting empty lists as Kubernetes does. */
    public ObjectNode toJson() {
        ObjectNode rule = Json.object();
        put(rule, "verbs", verbs);
        put(rule, "apiGroups", apiGroups);
        put(rule, "resources", resources);
        put(rule, "resourceNames", resourceNames);
        put(rule, "nonResourceURLs", nonResourceURLs);
        return rule;
    }

    private static void put(ObjectNode rule, String field, List<String> values) {
        if (!values.isEmpty() || field.equals("verbs")) {
            values.forEach(rule.putArray(field)::add);
        }
    }

    /** Whether this rule allows the request described by {@code a}. */
    public boolean allows(Attributes a) {
        if (a.resourceRequest()) {
            String combined =
                    a.subresource() == null ? a.resource() : a.resource() + "/" + a.subresource();
            return verbMatches(a.verb())
                    && apiGroupMatches(a.group())
                    && resourceMatches(combined, a.subresource())
                    && resourceNameMatches(a.name());
        }
        return verbMatches(a.verb()) && nonResourceUrlMatches(a.path());
    }

    boolean verbMatches(String verb) {
        return verbs.contains(ALL) || verbs.contains(verb);
    }

    boolean apiGroupMatches(String group) {
        return apiGroups.contains(ALL) || apiGroups.contains(group == null ? "" : group);
    }

    boolean resourceMatches(String combined, String subresource) {
        for (String resource : resources) {
            if (resource.equals(ALL) || resource.equals(combined)) {
                return true;
            }
            if (subresource != null
                    && resource.length() == subresource.length() + 2
                    && resource.startsWith("*/")
                    && resource.endsWith(subresource)) {
                return true;
            }
        }
        return false;
    }

    boolean resourceNameMatches(String name) {
        return resourceNames.isEmpty() || (name != null && resourceNames.contains(name));
    }

    boolean nonResourceUrlMatches(String path) {
        if (path == null) {
            return false;
        }
        for (String url : nonResourceURLs) {
            if (url.equals(ALL) || url.equals(path)) {
                return true;
            }
            if (url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Builds rules as Kubernetes' bootstrap policy writes them ({@code
     * NewRule(...).Groups(...)...}).
     */
    public static final class Builder {
        private final List<String> verbs;
        private List<String> groups = List.of();
        private List<String> resources = List.of();
        private List<String> names = List.of();
        private List<String> urls = List.of();

        private Builder(List<String> verbs) {
            this.verbs = verbs;
        }

        public Builder groups(String... values) {
            this.groups = List.of(values);
            return this;
        }

        public Builder resources(String... values) {
            this.resources = List.of(values);
            return this;
        }

        public Builder names(String... values) {
            this.names = List.of(values);
            return this;
        }

        public Builder urls(String... values) {
            this.urls = List.of(values);
            return this;
        }

        public PolicyRule build() {
            if (urls.isEmpty() == resources.isEmpty()) {
                throw new IllegalStateException(
                        "a rule names either resources or non-resource URLs, got resources "
                                + resources
                                + " and URLs "
                                + urls);
            }
            return new PolicyRule(verbs, groups, resources, names, urls);
        }
    }
}
