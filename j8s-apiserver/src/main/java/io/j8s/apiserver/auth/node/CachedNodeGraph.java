package io.j8s.apiserver.auth.node;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.WatchCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The node graph read from the watch cache: a Pod's node is its {@code spec.nodeName} field (kept
 * by the cache for field selectors, so no decoding); references are found by reading the Pods bound
 * to the node in the object's namespace. Thread safe.
 */
public final class CachedNodeGraph implements NodeGraph {
    private final WatchCache cache;
    private final ResourceType pods;

    public CachedNodeGraph(WatchCache cache, ResourceType pods) {
        this.cache = cache;
        this.pods = pods;
    }

    @Override
    public Optional<String> podNode(String namespace, String name) {
        return cache.get(pods, namespace, name)
                .map(p -> p.fields().getOrDefault("spec.nodeName", ""));
    }

    @Override
    public Optional<String> podUid(String namespace, String name) {
        return cache.get(pods, namespace, name)
                .map(p -> p.tree().path("metadata").path("uid").asString(""));
    }

    @Override
    public boolean referencedFromNode(String kind, String namespace, String name, String node) {
        List<CachedObject> bound =
                cache.list(pods, namespace, p -> node.equals(p.fields().get("spec.nodeName")))
                        .items();
        for (CachedObject pod : bound) {
            if (references(pod.tree(), kind).contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** The names of the objects of {@code kind} a Pod uses (Kubernetes' {@code VisitPod*Names}). */
    static List<String> references(JsonNode pod, String kind) {
        JsonNode spec = pod.path("spec");
        List<String> names = new ArrayList<>();
        switch (kind) {
            case "serviceaccount" -> {
                String sa = Json.str(spec, "serviceAccountName");
                names.add(sa.isEmpty() ? "default" : sa);
            }
            case "configmap", "secret" -> {
                boolean secret = kind.equals("secret");
                if (secret) {
                    for (JsonNode ref : Json.elements(spec, "imagePullSecrets")) {
                        names.add(Json.str(ref, "name"));
                    }
                }
                for (JsonNode volume : Json.elements(spec, "volumes")) {
                    if (secret) {
                        add(names, Json.text(volume, "secret.secretName"));
                    } else {
                        add(names, Json.text(volume, "configMap.name"));
                    }
                    for (JsonNode source : Json.elements(volume, "projected.sources")) {
                        add(names, Json.text(source, secret ? "secret.name" : "configMap.name"));
                    }
                }
                for (String containers :
                        List.of("initContainers", "containers", "ephemeralContainers")) {
                    for (JsonNode container : Json.elements(spec, containers)) {
                        for (JsonNode from : Json.elements(container, "envFrom")) {
                            add(
                                    names,
                                    Json.text(
                                            from, secret ? "secretRef.name" : "configMapRef.name"));
                        }
                        for (JsonNode env : Json.elements(container, "env")) {
                            add(
                                    names,
                                    Json.text(
                                            env,
                                            secret
                                                    ? "valueFrom.secretKeyRef.name"
                                                    : "valueFrom.configMapKeyRef.name"));
                        }
                    }
                }
            }
            default -> {}
        }
        return names;
    }

    private static void add(List<String> names, String name) {
        if (name != null && !name.isEmpty()) {
            names.add(name);
        }
    }
}
