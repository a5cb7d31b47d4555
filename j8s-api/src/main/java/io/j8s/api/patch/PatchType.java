package io.j8s.api.patch;

import io.j8s.api.ResourceType;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The patch content types the API server accepts, and one entry point to apply any of them. */
public enum PatchType {
    JSON("application/json-patch+json"),
    MERGE("application/merge-patch+json"),
    STRATEGIC("application/strategic-merge-patch+json");

    private final String mediaType;

    PatchType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The patch type of a {@code Content-Type} header (parameters ignored). */
    public static Optional<PatchType> fromContentType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (PatchType t : values()) {
            if (t.mediaType.equals(base)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * Applies {@code patch} to a copy of {@code original}; {@code original} is not changed.
     *
     * @throws PatchException when the patch is malformed or does not apply
     */
    public ObjectNode apply(ObjectNode original, JsonNode patch, ResourceType type) {
        return switch (this) {
            case JSON -> JsonPatch.apply(original, patch);
            case MERGE -> MergePatch.apply(original, patch);
            case STRATEGIC ->
                    StrategicMergePatch.apply(
                            original, patch, PatchSchemas.forKind(type.apiVersion(), type.kind()));
        };
    }
}
