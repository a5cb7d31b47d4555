package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.selector.LabelSelector;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.registry.WriteOptions;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The {@code scale} subresource of Deployments and ReplicaSets ({@code autoscaling/v1 Scale}). */
final class Scales {
    private Scales() {}

    /** The Scale view of {@code parent}. */
    static ObjectNode scaleOf(ResourceType type, ObjectNode parent) {
        ObjectNode scale = Json.object();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        ObjectNode metadata = scale.putObject("metadata");
        JsonNode parentMeta = parent.path("metadata");
        for (String field : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (parentMeta.has(field)) {
                metadata.set(field, parentMeta.get(field).deepCopy());
            }
        }
        scale.putObject("spec").put("replicas", parent.path("spec").path("replicas").asInt(0));
        ObjectNode status = scale.putObject("status");
        status.put("replicas", parent.path("status").path("replicas").asInt(0));
        JsonNode selector = parent.path("spec").path("selector");
        if (!selector.isMissingNode()) {
            status.put("selector", LabelSelector.formatLabelSelector(selector));
        }
        return scale;
    }

    /**
     * Applies {@code change} to the Scale of an object and writes the new replica count to the object
     * itself; returns the updated object.
     */
    static ObjectNode updateScale(ObjectRegistry registry, ResourceType type, String namespace, String name,
            UnaryOperator<ObjectNode> change, WriteOptions options) {
        return registry.guaranteedUpdate(type, namespace, name, null, options, null, current -> {
            ObjectNode scale = scaleOf(type, current);
            String rv = scale.path("metadata").path("resourceVersion").asString("");
            ObjectNode changed = change.apply(scale.deepCopy());
            String wantedRv = changed.path("metadata").path("resourceVersion").asString("");
            if (!wantedRv.isEmpty() && !wantedRv.equals(rv)) {
                throw ApiException.conflict(type, name);
            }
            JsonNode replicas = changed.path("spec").path("replicas");
            if (!replicas.isIntegralNumber()) {
                throw ApiException.badRequest("Scale.spec.replicas must be an integer");
            }
            ObjectNode spec = current.has("spec") && current.get("spec").isObject()
                    ? (ObjectNode) current.get("spec") : current.putObject("spec");
            spec.put("replicas", replicas.asInt());
            return current;
        });
    }
}
