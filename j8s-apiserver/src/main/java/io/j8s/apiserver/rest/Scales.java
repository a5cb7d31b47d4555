package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.selector.LabelSelector;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.registry.WriteOptions;
import java.util.List;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code scale} subresource ({@code autoscaling/v1 Scale}) of Deployments, ReplicaSets and the
 * custom resources whose strategy is an {@link io.j8s.api.ScaleSubresource}.
 */
final class Scales {
    private Scales() {}

    /** The Scale view of {@code parent}. */
    static ObjectNode scaleOf(ResourceType type, ObjectNode parent) {
        ObjectNode scale = Json.object();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        ObjectNode metadata = scale.putObject("metadata");
        JsonNode parentMeta = parent.path("metadata");
        for (String field :
                new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (parentMeta.has(field)) {
                metadata.set(field, parentMeta.get(field).deepCopy());
            }
        }
        if (type.strategy() instanceof io.j8s.api.ScaleSubresource custom) {
            scale.putObject("spec").put("replicas", custom.specReplicas(parent));
            ObjectNode status = scale.putObject("status");
            status.put("replicas", custom.statusReplicas(parent));
            String selector = custom.selector(parent);
            if (selector != null) {
                status.put("selector", selector);
            }
            return scale;
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
     * What Go's decoder says of {@code spec.replicas} (an int32) of a Scale, or null when it
     * decodes.
     */
    private static String replicasTypeError(JsonNode replicas) {
        if (replicas == null
                || replicas.isNull()
                || replicas.isIntegralNumber() && replicas.canConvertToInt()) {
            return null;
        }
        String value =
                replicas.isNumber()
                        ? "number " + replicas
                        : replicas.isString()
                                ? "string"
                                : replicas.isBoolean()
                                        ? "bool"
                                        : replicas.isArray() ? "array" : "object";
        return "json: cannot unmarshal "
                + value
                + " into Go struct field ScaleSpec.spec.replicas of type int32";
    }

    /**
     * Applies {@code change} to the Scale of an object and writes the new replica count to the
     * object itself; returns the updated object.
     *
     * @param patched whether {@code change} applies a patch: a Scale that cannot be decoded (a
     *     replica count beyond int32) is then a 422 naming the patched Scale, as Kubernetes' patch
     *     handler answers, else a 400 as for any body that cannot be decoded
     */
    static ObjectNode updateScale(
            ObjectRegistry registry,
            ResourceType type,
            String namespace,
            String name,
            UnaryOperator<ObjectNode> change,
            WriteOptions options,
            boolean patched) {
        return registry.guaranteedUpdate(
                type,
                namespace,
                name,
                null,
                options,
                null,
                current -> {
                    ObjectNode scale = scaleOf(type, current);
                    String rv = scale.path("metadata").path("resourceVersion").asString("");
                    ObjectNode changed = change.apply(scale.deepCopy());
                    String wantedRv = changed.path("metadata").path("resourceVersion").asString("");
                    if (!wantedRv.isEmpty() && !wantedRv.equals(rv)) {
                        throw ApiException.conflict(type, name);
                    }
                    String typeError = replicasTypeError(changed.path("spec").get("replicas"));
                    if (typeError != null) {
                        if (patched) {
                            throw ApiException.invalid(
                                    "",
                                    "",
                                    "",
                                    List.of(
                                            FieldError.invalid(
                                                    "patch", Json.write(changed), typeError)));
                        }
                        throw ApiException.badRequest(
                                "Scale in version \"v1\" cannot be handled as a Scale: "
                                        + typeError);
                    }
                    JsonNode replicas = changed.path("spec").path("replicas");
                    if (!replicas.isIntegralNumber()) {
                        throw ApiException.badRequest("Scale.spec.replicas must be an integer");
                    }
                    if (type.strategy() instanceof io.j8s.api.ScaleSubresource custom) {
                        custom.setSpecReplicas(current, replicas.asInt());
                        return current;
                    }
                    ObjectNode spec =
                            current.has("spec") && current.get("spec").isObject()
                                    ? (ObjectNode) current.get("spec")
                                    : current.putObject("spec");
                    spec.put("replicas", replicas.asInt());
                    return current;
                });
    }
}
