package io.j8s.apiserver.cache;

import io.j8s.api.ResourceType;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a client watches.
 *
 * @param namespace only this namespace, or null for all
 * @param filter label and field selectors combined
 * @param fromRevision replay every change after this revision; 0 means "start with a synthetic
 *     ADDED for every matching object, then changes"
 * @param bookmarks whether the client accepts BOOKMARK events
 * @param trigger a field value the filter requires, so the cache offers this watch only the changes
 *     of objects with that value (a kubelet's {@code spec.nodeName=<node>}), or null
 */
public record WatchRequest(
        ResourceType type,
        String namespace,
        Predicate<CachedObject> filter,
        long fromRevision,
        boolean bookmarks,
        Trigger trigger) {

    public WatchRequest(
            ResourceType type,
            String namespace,
            Predicate<CachedObject> filter,
            long fromRevision,
            boolean bookmarks) {
        this(type, namespace, filter, fromRevision, bookmarks, null);
    }

    /**
     * {@code field=value}, a term every object the watch's filter accepts satisfies; {@code field}
     * is one of the object's {@link CachedObject#fields()} (Kubernetes' watch cache "trigger").
     */
    public record Trigger(String field, String value) {
        /** The fields worth indexing watches by: one watch per node (or per object) is common. */
        public static final List<String> FIELDS = List.of("spec.nodeName", "metadata.name");
    }
}
