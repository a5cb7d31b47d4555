package io.j8s.controllers.runtime;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A resource the API serves (group, version, plural, kind, scope), for the controllers that handle
 * every kind alike (garbage collector, namespace deletion).
 */
public record ApiResource(
        String group, String version, String plural, String kind, boolean namespaced) {

    public ApiResource {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(plural, "plural");
        Objects.requireNonNull(kind, "kind");
    }

    /** The kinds j8s serves. */
    public static final List<ApiResource> DEFAULTS =
            List.of(
                    new ApiResource("", "v1", "pods", "Pod", true),
                    new ApiResource("", "v1", "services", "Service", true),
                    new ApiResource("", "v1", "endpoints", "Endpoints", true),
                    new ApiResource("", "v1", "configmaps", "ConfigMap", true),
                    new ApiResource("", "v1", "secrets", "Secret", true),
                    new ApiResource("", "v1", "serviceaccounts", "ServiceAccount", true),
                    new ApiResource("", "v1", "events", "Event", true),
                    new ApiResource("", "v1", "nodes", "Node", false),
                    new ApiResource("", "v1", "namespaces", "Namespace", false),
                    new ApiResource("apps", "v1", "deployments", "Deployment", true),
                    new ApiResource("apps", "v1", "replicasets", "ReplicaSet", true),
                    new ApiResource(
                            "discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true),
                    new ApiResource("coordination.k8s.io", "v1", "leases", "Lease", true));

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    public ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group)
                .withVersion(version)
                .withPlural(plural)
                .withKind(kind)
                .withNamespaced(namespaced)
                .build();
    }

    /** The URL path of one object ({@code /api/v1/namespaces/ns/pods/name}). */
    public String path(String namespace, String name) {
        StringBuilder p =
                new StringBuilder(
                        group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version);
        if (namespaced) {
            p.append("/namespaces/").append(namespace);
        }
        return p.append('/').append(plural).append('/').append(name).toString();
    }

    /**
     * {@code candidates} minus those the server's discovery does not list with list, watch and
     * delete; all of them when discovery fails (the informers then retry until the server serves
     * them).
     */
    public static List<ApiResource> served(KubernetesClient client, List<ApiResource> candidates) {
        Map<String, List<APIResource>> byGroupVersion = new HashMap<>();
        try {
            List<ApiResource> served = new ArrayList<>();
            for (ApiResource r : candidates) {
                List<APIResource> listed =
                        byGroupVersion.computeIfAbsent(
                                r.apiVersion(),
                                gv -> {
                                    APIResourceList l = client.getApiResources(gv);
                                    return l == null ? List.of() : l.getResources();
                                });
                for (APIResource a : listed) {
                    if (r.plural().equals(a.getName())
                            && a.getVerbs() != null
                            && a.getVerbs().containsAll(List.of("list", "watch", "delete"))) {
                        served.add(r);
                        break;
                    }
                }
            }
            return served;
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ApiResource.class)
                    .warn(
                            "API discovery failed ({}); assuming every known resource is served",
                            e.toString());
            return candidates;
        }
    }
}
