package io.j8s.api.patch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Merge Patch (RFC 7386): objects merge recursively, {@code null} deletes, anything else
 * replaces.
 */
public final class MergePatch {

    private MergePatch() {}

    /**
     * Applies the patch to a copy of {@code original}.
     *
     * @throws PatchException (400) when the patch is not a JSON object
     */
    public static ObjectNode apply(ObjectNode original, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw PatchException.badRequest("Invalid JSON Patch");
        }
        JsonNode result = merge(original.deepCopy(), patch);
        return (ObjectNode) result;
    }

    /** RFC 7386 {@code MergePatch(target, patch)}; may reuse {@code target}. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result =
                target != null && target.isObject()
                        ? (ObjectNode) target
                        : tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(patch.properties());
        for (Map.Entry<String, JsonNode> e : entries) {
            if (e.getValue().isNull()) {
                result.remove(e.getKey());
            } else {
                result.set(e.getKey(), merge(result.get(e.getKey()), e.getValue()));
            }
        }
        return result;
    }
}
