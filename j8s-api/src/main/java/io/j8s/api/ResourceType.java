package io.j8s.api;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One REST resource the API server serves: where it lives (group/version/plural), what it is (kind,
 * scope) and how clients name it (short names, categories). Immutable.
 *
 * @param group API group, {@code ""} for the core group
 * @param subresources the subresources served under an object, e.g. {@code status}, {@code scale}
 * @param strategy per-kind defaulting, validation, selectable fields and Table columns
 */
public record ResourceType(
        String group,
        String version,
        String kind,
        String plural,
        String singular,
        boolean namespaced,
        List<String> shortNames,
        List<String> categories,
        Set<String> subresources,
        KindStrategy strategy) {

    /** The verbs every resource supports. */
    public static final List<String> VERBS =
            List.of(
                    "create",
                    "delete",
                    "deletecollection",
                    "get",
                    "list",
                    "patch",
                    "update",
                    "watch");

    public ResourceType {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(plural, "plural");
        Objects.requireNonNull(singular, "singular");
        Objects.requireNonNull(strategy, "strategy");
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
        subresources = Set.copyOf(subresources);
    }

    /** {@code v1} for core, otherwise {@code group/version}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The resource as Kubernetes names it in messages: {@code pods}, {@code deployments.apps}. */
    public String groupResource() {
        return group.isEmpty() ? plural : plural + "." + group;
    }

    public String listKind() {
        return kind + "List";
    }

    /** The URL prefix of the group-version: {@code /api/v1} or {@code /apis/apps/v1}. */
    public String groupVersionPath() {
        return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    }

    public boolean hasSubresource(String name) {
        return subresources.contains(name);
    }

    /**
     * Store key prefix of all objects: {@code /registry/pods/}; for a kind defined at run time (a
     * custom resource, whose strategy has an {@link KindStrategy#openApiV3Schema()}) {@code
     * /registry/<group>/<plural>/}, as Kubernetes stores them, so that two groups' plurals never
     * share a prefix.
     */
    public String keyPrefix() {
        return strategy.openApiV3Schema().isPresent()
                ? "/registry/" + group + "/" + plural + "/"
                : "/registry/" + plural + "/";
    }

    /** Store key prefix of one namespace's objects: {@code /registry/pods/default/}. */
    public String keyPrefix(String namespace) {
        return namespaced && namespace != null ? keyPrefix() + namespace + "/" : keyPrefix();
    }

    /** Store key of one object. */
    public String key(String namespace, String name) {
        return namespaced ? keyPrefix() + namespace + "/" + name : keyPrefix() + name;
    }
}
