package io.j8s.apiserver.request;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What a request path addresses, as Kubernetes' {@code RequestInfoFactory} reads it: {@code
 * /api/v1/namespaces/default/pods/web-1/status} is group "", version v1, namespace default,
 * resource pods, name web-1, subresource status.
 *
 * @param resourceRequest false for discovery and other non-resource paths
 * @param verb get, list, watch, create, update, patch, delete, deletecollection (resource requests)
 */
public record RequestInfo(
        boolean resourceRequest,
        String verb,
        String group,
        String version,
        String namespace,
        String resource,
        String name,
        String subresource,
        List<String> parts) {

    /** Subresources of namespaces, which would otherwise read as a namespaced resource. */
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    /**
     * Parses {@code path} for {@code method}; {@code watchParam} is the {@code watch} query value.
     */
    public static RequestInfo parse(String method, String path, String watchParam) {
        List<String> segments =
                new ArrayList<>(Arrays.asList(path.replaceAll("^/+|/+$", "").split("/+")));
        if (segments.size() == 1 && segments.get(0).isEmpty()) {
            segments.clear();
        }
        String group;
        String version;
        int at;
        if (segments.size() >= 2 && segments.get(0).equals("api")) {
            group = "";
            version = segments.get(1);
            at = 2;
        } else if (segments.size() >= 3 && segments.get(0).equals("apis")) {
            group = segments.get(1);
            version = segments.get(2);
            at = 3;
        } else {
            return nonResource(segments);
        }
        List<String> rest = new ArrayList<>(segments.subList(at, segments.size()));
        if (rest.isEmpty()) {
            return new RequestInfo(false, null, group, version, null, null, null, null, segments);
        }
        boolean watch = false;
        if (rest.get(0).equals("watch")) {
            watch = true;
            rest.remove(0);
        }
        String namespace = null;
        if (rest.size() >= 2
                && rest.get(0).equals("namespaces")
                && !(rest.size() == 3 && NAMESPACE_SUBRESOURCES.contains(rest.get(2)))) {
            if (rest.size() == 2) {
                // /api/v1/namespaces/{name}: the namespace object itself.
                return resource(
                        method,
                        watch,
                        watchParam,
                        group,
                        version,
                        null,
                        "namespaces",
                        rest.get(1),
                        null,
                        segments);
            }
            namespace = rest.get(1);
            rest = rest.subList(2, rest.size());
        }
        if (rest.isEmpty() || rest.size() > 3) {
            return new RequestInfo(
                    false, null, group, version, namespace, null, null, null, segments);
        }
        String resource = rest.get(0);
        String name = rest.size() >= 2 ? rest.get(1) : null;
        String subresource = rest.size() == 3 ? rest.get(2) : null;
        return resource(
                method,
                watch,
                watchParam,
                group,
                version,
                namespace,
                resource,
                name,
                subresource,
                segments);
    }

    private static final java.util.Set<String> STREAMING_SUBRESOURCES =
            java.util.Set.of("portforward", "exec", "attach");

    private static RequestInfo resource(
            String method,
            boolean watchPath,
            String watchParam,
            String group,
            String version,
            String namespace,
            String resource,
            String name,
            String subresource,
            List<String> segments) {
        boolean watch = watchPath || QueryParameters.parseBool(watchParam);
        String verb =
                switch (method) {
                    // A WebSocket GET of a streaming subresource is authorized as create
                    // (Kubernetes 1.35+).
                    case "GET", "HEAD" ->
                            name != null
                                            && subresource != null
                                            && STREAMING_SUBRESOURCES.contains(subresource)
                                    ? "create"
                                    : watch ? "watch" : name == null ? "list" : "get";
                    case "POST" -> "create";
                    case "PUT" -> "update";
                    case "PATCH" -> "patch";
                    case "DELETE" -> name == null ? "deletecollection" : "delete";
                    default -> method.toLowerCase(java.util.Locale.ROOT);
                };
        return new RequestInfo(
                true, verb, group, version, namespace, resource, name, subresource, segments);
    }

    private static RequestInfo nonResource(List<String> segments) {
        return new RequestInfo(false, null, null, null, null, null, null, null, segments);
    }
}
