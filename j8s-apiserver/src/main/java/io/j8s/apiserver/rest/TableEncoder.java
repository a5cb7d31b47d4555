package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.api.table.Tables;
import io.j8s.apiserver.cache.CachedObject;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders cached objects as the {@code meta.k8s.io} Tables {@code kubectl get} prints
 * (docs/api-semantics.md, "Tables"), in the version the client asked for ({@code v1} or {@code
 * v1beta1}), with the list's resourceVersion and continue token. The columns and cells are the
 * kind's ({@link Tables}).
 */
final class TableEncoder {
    private TableEncoder() {}

    /**
     * @param withColumns false to send {@code columnDefinitions: null} (watch events after the
     *     first)
     */
    static ObjectNode table(
            ResourceType type,
            List<CachedObject> items,
            String apiVersion,
            String resourceVersion,
            String continueToken,
            Tables.IncludeObject include,
            boolean withColumns,
            Instant now) {
        List<ObjectNode> objects = items.stream().map(CachedObject::tree).toList();
        ObjectNode table = Tables.table(type, objects, now, include, !withColumns, resourceVersion);
        table.put("apiVersion", apiVersion);
        if (continueToken != null) {
            ((ObjectNode) table.get("metadata")).put("continue", continueToken);
        }
        return table;
    }
}
