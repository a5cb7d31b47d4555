package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.patch.JsonPatch;
import io.j8s.api.patch.MergePatch;
import io.j8s.api.patch.PatchException;
import io.j8s.api.patch.PatchSchemas;
import io.j8s.api.patch.StrategicMergePatch;
import io.j8s.apiserver.apply.ApplyPatch;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.request.MediaTypes;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The PATCH content types the server takes and how each applies to the current object: JSON Patch
 * (RFC 6902), JSON Merge Patch (RFC 7386) and strategic merge patch (kubectl apply's); server-side
 * apply ({@code application/apply-patch+yaml}) is {@link io.j8s.apiserver.apply.FieldManager}'s.
 */
public final class PatchSupport {
    private static final List<String> SUPPORTED =
            List.of(
                    MediaTypes.JSON_PATCH,
                    MediaTypes.MERGE_PATCH,
                    MediaTypes.APPLY_PATCH,
                    MediaTypes.STRATEGIC_MERGE_PATCH);

    /**
     * @throws ApiException 415 for any other content type
     */
    public void checkSupported(String contentType) {
        if (ApplyPatch.CBOR.equals(contentType)) {
            throw ApiException.unsupportedMediaType(
                    "server-side apply with a CBOR body ("
                            + ApplyPatch.CBOR
                            + ") is not supported: send "
                            + MediaTypes.APPLY_PATCH);
        }
        if (!SUPPORTED.contains(contentType)) {
            throw ApiException.unsupportedMediaType(contentType, SUPPORTED);
        }
    }

    /**
     * Applies {@code body} to a copy of {@code current}.
     *
     * @param type the object's resource, for strategic merge keys (null: no strategic information,
     *     as for a Scale, which then merges like a merge patch)
     */
    public ObjectNode apply(
            String contentType, ResourceType type, ObjectNode current, byte[] body) {
        JsonNode patch;
        try {
            patch = Json.mapper().readTree(body);
        } catch (JacksonException e) {
            throw ApiException.badRequest(
                    "the patch body could not be decoded: " + e.getOriginalMessage());
        }
        try {
            JsonNode result =
                    switch (contentType) {
                        case MediaTypes.JSON_PATCH -> JsonPatch.apply(current, patch);
                        case MediaTypes.MERGE_PATCH -> MergePatch.apply(current, patch);
                        default ->
                                type == null
                                        ? MergePatch.apply(current, patch)
                                        : StrategicMergePatch.apply(
                                                current,
                                                patch,
                                                PatchSchemas.forKind(
                                                        type.apiVersion(), type.kind()));
                    };
            if (!(result instanceof ObjectNode object)) {
                throw ApiException.badRequest("the patch did not produce an object");
            }
            return object;
        } catch (PatchException e) {
            if (e.status() == 400) {
                throw ApiException.badRequest(e.getMessage());
            }
            if (e.status() == 413) {
                throw ApiException.entityTooLarge(e.getMessage());
            }
            throw ApiException.unprocessable(e.getMessage());
        }
    }
}
