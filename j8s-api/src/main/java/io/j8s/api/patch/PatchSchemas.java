package io.j8s.api.patch;

import io.j8s.api.schema.ApiSchema;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The strategic-merge metadata of the served kinds, read from the schema model ({@link ApiSchema},
 * whose {@code patchStrategy}/{@code patchMergeKey} come from {@code SchemaFacts}): the same
 * metadata the OpenAPI documents publish to kubectl. Lists without {@code patchStrategy: merge} are
 * replaced as a whole (EndpointSlice endpoints and ports, Endpoints subsets, RBAC rules and
 * subjects, tolerations, ...).
 */
public final class PatchSchemas {

    private static final Map<String, PatchMeta> BY_DEFINITION = new ConcurrentHashMap<>();

    private PatchSchemas() {}

    /** The metadata of a kind; {@link PatchMeta#NONE} for kinds j8s does not serve. */
    public static PatchMeta forKind(String apiVersion, String kind) {
        String name = ApiSchema.get().kindDefinition(apiVersion, kind);
        return name == null ? PatchMeta.NONE : forDefinition(name);
    }

    /** The metadata of one definition of the schema ({@code io.k8s.api.core.v1.PodSpec}). */
    public static PatchMeta forDefinition(String name) {
        PatchMeta cached = BY_DEFINITION.get(name);
        if (cached == null) {
            cached = build(name, new HashSet<>());
            BY_DEFINITION.putIfAbsent(name, cached);
        }
        return cached;
    }

    private static PatchMeta build(String name, Set<String> visiting) {
        ApiSchema.Definition definition = ApiSchema.get().definition(name);
        if (definition == null || !visiting.add(name)) {
            return PatchMeta.NONE;
        }
        PatchMeta.Builder builder = PatchMeta.builder();
        for (ApiSchema.Property p : definition.properties()) {
            ApiSchema.Shape shape = p.shape();
            if (shape instanceof ApiSchema.Ref ref) {
                PatchMeta type = build(ref.name(), visiting);
                if (!type.isEmpty()) {
                    builder.object(p.name(), type);
                }
            } else if (shape instanceof ApiSchema.ArrayOf array) {
                PatchMeta element =
                        array.items() instanceof ApiSchema.Ref ref
                                ? build(ref.name(), visiting)
                                : PatchMeta.NONE;
                if (p.mergesList()) {
                    if (array.items() instanceof ApiSchema.Ref) {
                        builder.mergeList(
                                p.name(),
                                p.patchMergeKey() == null ? "" : p.patchMergeKey(),
                                element);
                    } else {
                        builder.mergePrimitives(p.name());
                    }
                } else if (!element.isEmpty()) {
                    builder.atomicList(p.name(), element);
                }
            }
        }
        visiting.remove(name);
        return builder.build();
    }
}
