package io.j8s.apiserver.cache;

import io.j8s.api.ResourceType;
import java.util.function.Predicate;

/**
 * What a client watches.
 *
 * @param namespace only this namespace, or null for all
 * @param filter label and field selectors combined
 * @param fromRevision replay every change after this revision; 0 means "start with a synthetic
 *     ADDED for every matching object, then changes"
 * @param bookmarks whether the client accepts BOOKMARK events
 */
public record WatchRequest(ResourceType type, String namespace, Predicate<CachedObject> filter, long fromRevision,
        boolean bookmarks) {}
