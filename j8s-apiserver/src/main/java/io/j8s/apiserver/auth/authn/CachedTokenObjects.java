package io.j8s.apiserver.auth.authn;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.WatchCache;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * The objects service account tokens name, read from the watch cache as Kubernetes' token validator
 * reads its informers. Decoding an object's uid and deletion timestamp costs a parse, so the result
 * is remembered per store key and revision: a token presented again costs a map lookup. At most
 * {@value #MAX_ENTRIES} entries; the memo is dropped whole when full. Thread safe.
 */
public final class CachedTokenObjects implements ServiceAccountTokens.ObjectLookup {
    static final int MAX_ENTRIES = 10_000;

    private record Entry(long revision, ServiceAccountTokens.ObjectMeta meta) {}

    private final WatchCache cache;
    private final Function<String, ResourceType> typeOfKind;
    private final Map<String, Entry> memo = new ConcurrentHashMap<>();

    public CachedTokenObjects(WatchCache cache, Function<String, ResourceType> typeOfKind) {
        this.cache = cache;
        this.typeOfKind = typeOfKind;
    }

    @Override
    public Optional<ServiceAccountTokens.ObjectMeta> get(
            String kind, String namespace, String name) {
        ResourceType type = typeOfKind.apply(kind);
        Optional<CachedObject> found = cache.get(type, type.namespaced() ? namespace : null, name);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        CachedObject object = found.get();
        Entry entry = memo.get(object.key());
        if (entry == null || entry.revision() != object.modRevision()) {
            JsonNode metadata = object.tree().path("metadata");
            String deletion = metadata.path("deletionTimestamp").asString("");
            entry =
                    new Entry(
                            object.modRevision(),
                            new ServiceAccountTokens.ObjectMeta(
                                    metadata.path("uid").asString(""),
                                    deletion.isEmpty() ? null : Instant.parse(deletion)));
            if (memo.size() >= MAX_ENTRIES) {
                memo.clear();
            }
            memo.put(object.key(), entry);
        }
        return Optional.of(entry.meta());
    }
}
