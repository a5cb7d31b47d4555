package io.j8s.controllers.util.endpointslice;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the slices a controller wrote, so it can tell when its cache has not caught up yet
 * (Kubernetes' {@code EndpointSliceTracker}). Syncing from a stale cache would create duplicate
 * slices; a stale sync is retried instead.
 *
 * <p>Versions are compared as numbers: j8s resourceVersions are store revisions, which only grow.
 * Thread-safe.
 */
public final class SliceTracker {

    private static final long DELETION_EXPECTED = -1;

    /** owner key → slice UID → resourceVersion written (or {@link #DELETION_EXPECTED}). */
    private final Map<String, Map<String, Long>> written = new ConcurrentHashMap<>();

    public void wrote(String ownerKey, EndpointSlice slice) {
        written.computeIfAbsent(ownerKey, k -> new ConcurrentHashMap<>())
                .put(slice.getMetadata().getUid(), version(slice));
    }

    public void deleted(String ownerKey, EndpointSlice slice) {
        written.computeIfAbsent(ownerKey, k -> new ConcurrentHashMap<>())
                .put(slice.getMetadata().getUid(), DELETION_EXPECTED);
    }

    /** The informer saw a slice go: nothing more to wait for. */
    public void observedDeletion(String ownerKey, EndpointSlice slice) {
        Map<String, Long> slices = written.get(ownerKey);
        if (slices != null) {
            slices.remove(slice.getMetadata().getUid());
        }
    }

    public void forget(String ownerKey) {
        written.remove(ownerKey);
    }

    /**
     * Whether {@code cached} (the owner's slices in the cache) is older than what was written: a
     * written slice missing or at a lower version, or a deleted one still present.
     */
    public boolean stale(String ownerKey, List<EndpointSlice> cached) {
        Map<String, Long> slices = written.get(ownerKey);
        if (slices == null || slices.isEmpty()) {
            return false;
        }
        Map<String, Long> seen = new HashMap<>();
        for (EndpointSlice s : cached) {
            seen.put(s.getMetadata().getUid(), version(s));
            Long expected = slices.get(s.getMetadata().getUid());
            if (expected != null && (expected == DELETION_EXPECTED || expected > version(s))) {
                return true;
            }
        }
        Set<Map.Entry<String, Long>> entries = slices.entrySet();
        for (Map.Entry<String, Long> e : entries) {
            if (e.getValue() != DELETION_EXPECTED && !seen.containsKey(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    private static long version(EndpointSlice slice) {
        String rv = slice.getMetadata().getResourceVersion();
        if (rv == null || rv.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(rv);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
