package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.table.Tables;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.ObjectCodec;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.cache.WatchRequest;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.request.MediaTypes;
import io.j8s.apiserver.request.QueryParameters;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.Responses;
import io.j8s.store.CompactedException;
import io.j8s.store.FutureRevisionException;
import io.j8s.store.KeyValue;
import io.j8s.store.RangeResult;
import io.j8s.store.Store;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import tools.jackson.databind.node.ObjectNode;

/**
 * The read path of the REST verbs: get, list and watch. Lists and watches are served from the
 * {@link WatchCache} once it caught up with the revision the client needs (the latest unless the
 * client accepts any, {@code resourceVersion=0}); a get, a continued list and an exact-revision
 * list read the store. Encodes in the negotiated format (JSON, YAML, Table, metadata-only) from the
 * cached encodings where it can.
 */
final class ResourceReads {
    private static final Duration CACHE_WAIT = Duration.ofSeconds(3);
    private static final byte[] COMMA = {','};

    private final Store store;
    private final WatchCache cache;
    private final ObjectRegistry registry;
    private final Executor watchExecutor;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final WatchStream.Limits watchLimits;

    ResourceReads(
            Store store,
            WatchCache cache,
            ObjectRegistry registry,
            Executor watchExecutor,
            ScheduledExecutorService timer,
            Clock clock,
            WatchStream.Limits watchLimits) {
        this.store = store;
        this.cache = cache;
        this.registry = registry;
        this.watchExecutor = watchExecutor;
        this.timer = timer;
        this.clock = clock;
        this.watchLimits = watchLimits;
    }

    /** The revision the watch cache has reached. */
    long cacheRevision() {
        return cache.revision();
    }

    /**
     * The cache's current objects of {@code type} matching {@code filter}, once it caught up with
     * the store.
     */
    WatchCache.Snapshot current(
            ResourceType type, String namespace, Predicate<CachedObject> filter) {
        awaitFreshness(null);
        return cache.list(type, namespace, filter);
    }

    void get(HttpExchange exchange, RequestInfo info, ResourceType type) {
        MediaTypes.Format format =
                MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.OBJECTS);
        String sub = info.subresource();
        if ("scale".equals(sub)) {
            ObjectNode parent = readObject(type, info);
            Responses.object(
                    exchange, 200, Json.writeBytes(Scales.scaleOf(type, parent)), format, Map.of());
            return;
        }
        if (sub != null && !sub.equals("status")) {
            throw ApiException.methodNotAllowed(exchange.method(), type.plural() + "/" + sub);
        }
        CachedObject object;
        if ("0".equals(exchange.query("resourceVersion"))) {
            object =
                    cache.get(type, info.namespace(), info.name())
                            .orElseThrow(() -> ApiException.notFound(type, info.name()));
        } else {
            ObjectRegistry.Stored stored =
                    registry.read(type, info.namespace(), info.name())
                            .orElseThrow(() -> ApiException.notFound(type, info.name()));
            object =
                    ObjectCodec.fromTree(
                            type,
                            type.key(info.namespace(), info.name()),
                            stored.object(),
                            stored.createRevision(),
                            stored.modRevision());
        }
        sendObjects(
                exchange,
                type,
                format,
                List.of(object),
                false,
                Long.toString(object.modRevision()),
                null);
    }

    void list(HttpExchange exchange, RequestInfo info, ResourceType type) {
        MediaTypes.Format format =
                MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.OBJECTS);
        Predicate<CachedObject> filter = RequestOptions.selectors(exchange, type);
        long limit = QueryParameters.int64(exchange, "limit", 0);
        String continueParam = exchange.query("continue");
        String rv = exchange.query("resourceVersion");
        String rvMatch = exchange.query("resourceVersionMatch");
        String prefix = type.keyPrefix(info.namespace());

        if (continueParam != null && !continueParam.isEmpty()) {
            ContinueToken token = ContinueToken.decode(continueParam, prefix);
            Page page =
                    listFromStore(type, prefix, filter, limit, token.lastKey(), token.revision());
            sendObjects(
                    exchange,
                    type,
                    format,
                    page.items,
                    true,
                    Long.toString(token.revision()),
                    page.next);
            return;
        }
        if ("Exact".equals(rvMatch)) {
            long revision = RequestOptions.parseLong(rv, "resourceVersion", 0);
            if (revision <= 0) {
                throw ApiException.badRequest(
                        "resourceVersionMatch=Exact requires a resourceVersion");
            }
            Page page = listFromStore(type, prefix, filter, limit, null, revision);
            sendObjects(
                    exchange, type, format, page.items, true, Long.toString(revision), page.next);
            return;
        }
        awaitFreshness(rv);
        WatchCache.Snapshot snapshot = cache.list(type, info.namespace(), filter);
        List<CachedObject> items = snapshot.items();
        String next = null;
        if (limit > 0 && items.size() > limit && !"0".equals(rv)) {
            items = items.subList(0, (int) limit);
            next =
                    new ContinueToken(snapshot.revision(), items.get(items.size() - 1).key())
                            .encode();
        }
        sendObjects(exchange, type, format, items, true, Long.toString(snapshot.revision()), next);
    }

    private record Page(List<CachedObject> items, String next) {}

    /** One page read from the store at {@code revision}: continues a list consistently. */
    private Page listFromStore(
            ResourceType type,
            String prefix,
            Predicate<CachedObject> filter,
            long limit,
            String after,
            long revision) {
        List<CachedObject> items = new ArrayList<>();
        String cursor = after;
        try {
            while (true) {
                int want =
                        limit > 0
                                ? (int) Math.min(Math.max(limit - items.size(), 50), 10_000)
                                : 10_000;
                RangeResult page = store.range(prefix, want, cursor, revision);
                for (int i = 0; i < page.kvs().size(); i++) {
                    KeyValue kv = page.kvs().get(i);
                    CachedObject object =
                            ObjectCodec.decode(
                                    type,
                                    kv.key(),
                                    kv.value(),
                                    kv.createRevision(),
                                    kv.modRevision());
                    if (filter.test(object)) {
                        items.add(object);
                        if (limit > 0 && items.size() >= limit) {
                            boolean more = i < page.kvs().size() - 1 || page.more();
                            return new Page(
                                    items,
                                    more ? new ContinueToken(revision, kv.key()).encode() : null);
                        }
                    }
                }
                if (!page.more() || page.kvs().isEmpty()) {
                    return new Page(items, null);
                }
                cursor = page.kvs().get(page.kvs().size() - 1).key();
            }
        } catch (FutureRevisionException e) {
            // A continue token or resourceVersionMatch=Exact naming a revision not written yet.
            throw ApiException.tooLargeResourceVersion(revision, store.currentRevision());
        } catch (CompactedException e) {
            throw ApiException.gone(
                    "The provided continue parameter is too old to display a consistent list result."
                            + " You can start a new list without the continue parameter, or use the continue token in this"
                            + " response to retrieve the remainder of the results. Continuing with the provided token results"
                            + " in an inconsistent list - objects that were created, modified, or deleted between the time"
                            + " the first chunk was returned and now may show up in the list.");
        }
    }

    void awaitFreshness(String rv) {
        if ("0".equals(rv)) {
            return;
        }
        boolean ready;
        if (rv == null || rv.isEmpty()) {
            ready = cache.awaitCurrent(CACHE_WAIT);
        } else {
            ready =
                    cache.awaitRevision(
                            RequestOptions.parseLong(rv, "resourceVersion", 0), CACHE_WAIT);
        }
        if (!ready) {
            throw ApiException.tooLargeResourceVersion(
                    rv == null || rv.isEmpty()
                            ? store.currentRevision()
                            : RequestOptions.parseLong(rv, "resourceVersion", 0),
                    cache.revision());
        }
    }

    private void sendObjects(
            HttpExchange exchange,
            ResourceType type,
            MediaTypes.Format format,
            List<CachedObject> items,
            boolean asList,
            String resourceVersion,
            String continueToken) {
        switch (format) {
            case TABLE_V1, TABLE_V1BETA1 -> {
                String apiVersion =
                        format == MediaTypes.Format.TABLE_V1
                                ? "meta.k8s.io/v1"
                                : "meta.k8s.io/v1beta1";
                ObjectNode table =
                        TableEncoder.table(
                                type,
                                items,
                                apiVersion,
                                resourceVersion,
                                continueToken,
                                Tables.IncludeObject.fromParameter(exchange.query("includeObject")),
                                true,
                                clock.instant());
                exchange.respond(
                        200,
                        format == MediaTypes.Format.TABLE_V1
                                ? MediaTypes.TABLE_V1
                                : MediaTypes.TABLE_V1BETA1,
                        Json.writeBytes(table),
                        Map.of());
            }
            case METADATA -> {
                if (!asList) {
                    exchange.respond(
                            200,
                            MediaTypes.JSON,
                            Tables.partialObjectMetadata(items.get(0).json()),
                            Map.of());
                    return;
                }
                exchange.respond(
                        200,
                        MediaTypes.JSON,
                        metadataListBytes(items, resourceVersion, continueToken),
                        Map.of());
            }
            case YAML ->
                    Responses.object(
                            exchange,
                            200,
                            asList
                                    ? listJson(type, items, resourceVersion, continueToken)
                                    : items.get(0).json(),
                            format,
                            Map.of());
            default -> {
                if (!asList) {
                    exchange.respond(200, MediaTypes.JSON, items.get(0).json(), Map.of());
                    return;
                }
                exchange.respond(
                        200,
                        MediaTypes.JSON,
                        listBuffer(type, items, resourceVersion, continueToken),
                        Map.of());
            }
        }
    }

    /**
     * A {@code PartialObjectMetadataList} of the items' metadata, copied from their encodings
     * ({@link Tables#partialObjectMetadata(byte[])}) without decoding the objects.
     */
    private static byte[] metadataListBytes(
            List<CachedObject> items, String resourceVersion, String continueToken) {
        ObjectNode metadata = Json.object();
        metadata.put("resourceVersion", resourceVersion);
        if (continueToken != null) {
            metadata.put("continue", continueToken);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(
                ("{\"kind\":\"PartialObjectMetadataList\",\"apiVersion\":\"meta.k8s.io/v1\","
                                + "\"metadata\":"
                                + Json.write(metadata)
                                + ",\"items\":[")
                        .getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.writeBytes(Tables.partialObjectMetadata(items.get(i).json()));
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** A List body assembled from the cached encodings without re-encoding any item. */
    private static ByteBuf listBuffer(
            ResourceType type,
            List<CachedObject> items,
            String resourceVersion,
            String continueToken) {
        StringBuilder head =
                new StringBuilder(128)
                        .append("{\"kind\":\"")
                        .append(type.listKind())
                        .append("\",\"apiVersion\":\"")
                        .append(type.apiVersion())
                        .append("\",\"metadata\":{")
                        .append("\"resourceVersion\":\"")
                        .append(resourceVersion)
                        .append('"');
        if (continueToken != null) {
            head.append(",\"continue\":\"").append(continueToken).append('"');
        }
        head.append("},\"items\":[");
        CompositeByteBuf body = Unpooled.compositeBuffer(Math.min(items.size() * 2 + 2, 1 << 16));
        body.addComponent(
                true, Unpooled.wrappedBuffer(head.toString().getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                body.addComponent(true, Unpooled.wrappedBuffer(COMMA));
            }
            body.addComponent(true, Unpooled.wrappedBuffer(items.get(i).json()));
        }
        body.addComponent(true, Unpooled.wrappedBuffer("]}".getBytes(StandardCharsets.US_ASCII)));
        return body;
    }

    static byte[] listJson(
            ResourceType type,
            List<CachedObject> items,
            String resourceVersion,
            String continueToken) {
        ByteBuf buf = listBuffer(type, items, resourceVersion, continueToken);
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    void watch(HttpExchange exchange, RequestInfo info, ResourceType type) {
        MediaTypes.Format format =
                MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.OBJECTS);
        String handshake =
                exchange.isWebSocketUpgrade() ? exchange.webSocketHandshakeProblem() : null;
        if (handshake != null) {
            throw ApiException.badRequest(handshake);
        }
        Predicate<CachedObject> filter = RequestOptions.selectors(exchange, type);
        if (info.name() != null) {
            String name = info.name();
            filter = filter.and(o -> o.name().equals(name));
        }
        String rv = exchange.query("resourceVersion");
        long from =
                rv == null || rv.isEmpty() ? 0 : RequestOptions.parseLong(rv, "resourceVersion", 0);
        boolean bookmarks = QueryParameters.bool(exchange, "allowWatchBookmarks");
        boolean sendInitialEvents = QueryParameters.bool(exchange, "sendInitialEvents");
        long timeoutSeconds = QueryParameters.int64(exchange, "timeoutSeconds", 0);
        if (timeoutSeconds <= 0) {
            timeoutSeconds = 1800 + ThreadLocalRandom.current().nextLong(1800);
        }
        if (from > 0 && !cache.awaitRevision(from, CACHE_WAIT)) {
            throw ApiException.tooLargeResourceVersion(from, cache.revision());
        }
        Tables.IncludeObject include =
                Tables.IncludeObject.fromParameter(exchange.query("includeObject"));
        String contentType =
                switch (format) {
                    case TABLE_V1 -> MediaTypes.TABLE_V1;
                    case TABLE_V1BETA1 -> MediaTypes.TABLE_V1BETA1;
                    default -> MediaTypes.JSON;
                };
        HttpExchange.ResponseStream out =
                exchange.isWebSocketUpgrade()
                        ? exchange.upgradeToWebSocket()
                        : exchange.stream(200, contentType, Map.of());
        UserInfo user = exchange.attachment(UserInfo.class);
        WatchStream stream =
                new WatchStream(
                        type,
                        out,
                        watchExecutor,
                        format,
                        include,
                        clock,
                        sendInitialEvents && bookmarks,
                        watchLimits,
                        new WatchStream.Watcher(
                                user == null ? "" : user.name(),
                                info.namespace() == null ? "" : info.namespace(),
                                orEmpty(exchange.query("labelSelector")),
                                info.name() != null
                                        ? "metadata.name=" + info.name()
                                        : orEmpty(exchange.query("fieldSelector"))));
        WatchRequest request =
                new WatchRequest(
                        type,
                        info.namespace(),
                        filter,
                        sendInitialEvents ? 0 : from,
                        bookmarks,
                        RequestOptions.watchTrigger(exchange, info));
        try {
            WatchCache.Registration registration = cache.watch(request, stream);
            if (sendInitialEvents) {
                stream.initialEventsDone(cache.revision());
            }
            stream.start(registration, timer, timeoutSeconds);
        } catch (CompactedException e) {
            stream.fail(
                    ApiException.gone(
                            "too old resource version: "
                                    + from
                                    + " ("
                                    + e.compactedRevision()
                                    + ")"));
        }
    }

    ObjectNode readObject(ResourceType type, RequestInfo info) {
        return registry.read(type, info.namespace(), info.name())
                .orElseThrow(() -> ApiException.notFound(type, info.name()))
                .object();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
