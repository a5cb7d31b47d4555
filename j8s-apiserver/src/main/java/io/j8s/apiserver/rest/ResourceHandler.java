package io.j8s.apiserver.rest;

import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.errors.Statuses;
import io.j8s.apiserver.request.Responses;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.Bodies;
import io.j8s.apiserver.request.MediaTypes;
import io.j8s.apiserver.request.QueryParameters;
import io.j8s.apiserver.request.SubresourceHandler;
import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.table.Tables;
import io.j8s.api.selector.FieldSelector;
import io.j8s.api.selector.LabelSelector;
import io.j8s.api.selector.SelectorException;
import io.j8s.apiserver.admission.WriteAdmission;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.ObjectCodec;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.cache.WatchRequest;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.DeleteOptions;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.registry.WriteOptions;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The REST verbs on resources: get, list, watch, create, update, patch, delete, deletecollection,
 * and the subresources status, scale, binding and finalize. Reads come from the watch cache
 * (after it caught up with the store, unless the client accepts any revision), writes go through
 * the {@link ObjectRegistry}.
 */
public final class ResourceHandler {
    private static final Duration CACHE_WAIT = Duration.ofSeconds(3);
    private static final byte[] COMMA = {','};

    private final Store store;
    private final WatchCache cache;
    private final ObjectRegistry registry;
    private final PatchSupport patches;
    private final Executor watchExecutor;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final WatchStream.Limits watchLimits;
    private final Map<String, SubresourceHandler> subresources = new LinkedHashMap<>();

    private final List<WriteAdmission> admissions = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Adds a write check (before the server starts). */
    public void addWriteAdmission(WriteAdmission admission) {
        admissions.add(admission);
    }

    private void admit(HttpExchange exchange, RequestInfo info, ResourceType type, ObjectNode object,
            ObjectNode old) {
        for (WriteAdmission admission : admissions) {
            admission.admit(exchange, info, type, object, old);
        }
    }

    /**
     * @param watchQueueBytes the most bytes of events a watch may have queued for its client
     *     before it is ended; {@code metrics} counts such watches
     */
    public ResourceHandler(Store store, WatchCache cache, ObjectRegistry registry, PatchSupport patches,
            Executor watchExecutor, ScheduledExecutorService timer, Clock clock, long watchQueueBytes,
            io.micrometer.core.instrument.MeterRegistry metrics) {
        this.watchLimits = new WatchStream.Limits(watchQueueBytes, metrics);
        this.store = store;
        this.cache = cache;
        this.registry = registry;
        this.patches = patches;
        this.watchExecutor = watchExecutor;
        this.timer = timer;
        this.clock = clock;
    }

    /** Serves {@code plural/subresource} (e.g. {@code pods/log}) with {@code handler}. */
    public void addSubresource(String plural, String subresource, SubresourceHandler handler) {
        subresources.put(plural + "/" + subresource, handler);
    }

    public void handle(HttpExchange exchange, RequestInfo info, ResourceType type) {
        if (type.namespaced() && info.namespace() == null && info.name() != null) {
            throw ApiException.pathNotFound();
        }
        if (!type.namespaced() && info.namespace() != null) {
            throw ApiException.pathNotFound();
        }
        String sub = info.subresource();
        if (sub != null) {
            SubresourceHandler custom = subresources.get(type.plural() + "/" + sub);
            if (custom != null) {
                custom.handle(exchange, info, type);
                return;
            }
            if (!type.hasSubresource(sub)) {
                throw ApiException.pathNotFound();
            }
        }
        // The response type is negotiated before anything is read or written: a 406 must leave the
        // store as it was (the verbs negotiate again to pick their format).
        MediaTypes.negotiate(exchange.header("Accept"), switch (info.verb()) {
            case "get", "list", "watch" -> MediaTypes.Allowed.OBJECTS;
            default -> MediaTypes.Allowed.PLAIN;
        });
        if (!info.verb().equals("watch")) {
            // A short request's ?timeout is a Go duration; Kubernetes refuses a malformed one (a
            // watch has timeoutSeconds instead, long-running subresources such as pods/log neither).
            QueryParameters.timeout(exchange);
        }
        switch (info.verb()) {
            case "get" -> get(exchange, info, type);
            case "list" -> list(exchange, info, type);
            case "watch" -> watch(exchange, info, type);
            case "create" -> create(exchange, info, type);
            case "update" -> update(exchange, info, type);
            case "patch" -> patch(exchange, info, type);
            case "delete" -> delete(exchange, info, type);
            case "deletecollection" -> deleteCollection(exchange, info, type);
            default -> throw ApiException.methodNotAllowed(exchange.method(), type.groupResource());
        }
    }

    // ---- reads ----

    private void get(HttpExchange exchange, RequestInfo info, ResourceType type) {
        MediaTypes.Format format = MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.OBJECTS);
        String sub = info.subresource();
        if ("scale".equals(sub)) {
            ObjectNode parent = readObject(type, info);
            Responses.object(exchange, 200, Json.writeBytes(Scales.scaleOf(type, parent)), format, Map.of());
            return;
        }
        if (sub != null && !sub.equals("status")) {
            throw ApiException.methodNotAllowed(exchange.method(), type.plural() + "/" + sub);
        }
        CachedObject object;
        if ("0".equals(exchange.query("resourceVersion"))) {
            object = cache.get(type, info.namespace(), info.name())
                    .orElseThrow(() -> ApiException.notFound(type, info.name()));
        } else {
            ObjectRegistry.Stored stored = registry.read(type, info.namespace(), info.name())
                    .orElseThrow(() -> ApiException.notFound(type, info.name()));
            object = ObjectCodec.fromTree(type, type.key(info.namespace(), info.name()), stored.object(),
                    stored.createRevision(), stored.modRevision());
        }
        sendObjects(exchange, type, format, List.of(object), false, Long.toString(object.modRevision()), null);
    }

    private void list(HttpExchange exchange, RequestInfo info, ResourceType type) {
        MediaTypes.Format format = MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.OBJECTS);
        Predicate<CachedObject> filter = filter(exchange, type);
        long limit = QueryParameters.int64(exchange, "limit", 0);
        String continueParam = exchange.query("continue");
        String rv = exchange.query("resourceVersion");
        String rvMatch = exchange.query("resourceVersionMatch");
        String prefix = type.keyPrefix(info.namespace());

        if (continueParam != null && !continueParam.isEmpty()) {
            ContinueToken token = ContinueToken.decode(continueParam, prefix);
            Page page = listFromStore(type, prefix, filter, limit, token.lastKey(), token.revision());
            sendObjects(exchange, type, format, page.items, true, Long.toString(token.revision()), page.next);
            return;
        }
        if ("Exact".equals(rvMatch)) {
            long revision = parseLong(rv, "resourceVersion", 0);
            if (revision <= 0) {
                throw ApiException.badRequest("resourceVersionMatch=Exact requires a resourceVersion");
            }
            Page page = listFromStore(type, prefix, filter, limit, null, revision);
            sendObjects(exchange, type, format, page.items, true, Long.toString(revision), page.next);
            return;
        }
        awaitFreshness(rv);
        WatchCache.Snapshot snapshot = cache.list(type, info.namespace(), filter);
        List<CachedObject> items = snapshot.items();
        String next = null;
        if (limit > 0 && items.size() > limit && !"0".equals(rv)) {
            items = items.subList(0, (int) limit);
            next = new ContinueToken(snapshot.revision(), items.get(items.size() - 1).key()).encode();
        }
        sendObjects(exchange, type, format, items, true, Long.toString(snapshot.revision()), next);
    }

    private record Page(List<CachedObject> items, String next) {}

    /** One page read from the store at {@code revision}: continues a list consistently. */
    private Page listFromStore(ResourceType type, String prefix, Predicate<CachedObject> filter, long limit,
            String after, long revision) {
        List<CachedObject> items = new ArrayList<>();
        String cursor = after;
        try {
            while (true) {
                int want = limit > 0 ? (int) Math.min(Math.max(limit - items.size(), 50), 10_000) : 10_000;
                RangeResult page = store.range(prefix, want, cursor, revision);
                for (int i = 0; i < page.kvs().size(); i++) {
                    KeyValue kv = page.kvs().get(i);
                    CachedObject object = ObjectCodec.decode(type, kv.key(), kv.value(), kv.createRevision(),
                            kv.modRevision());
                    if (filter.test(object)) {
                        items.add(object);
                        if (limit > 0 && items.size() >= limit) {
                            boolean more = i < page.kvs().size() - 1 || page.more();
                            return new Page(items, more ? new ContinueToken(revision, kv.key()).encode() : null);
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
            throw ApiException.gone("The provided continue parameter is too old to display a consistent list result."
                    + " You can start a new list without the continue parameter, or use the continue token in this"
                    + " response to retrieve the remainder of the results. Continuing with the provided token results"
                    + " in an inconsistent list - objects that were created, modified, or deleted between the time"
                    + " the first chunk was returned and now may show up in the list.");
        }
    }

    private void awaitFreshness(String rv) {
        if ("0".equals(rv)) {
            return;
        }
        boolean ready;
        if (rv == null || rv.isEmpty()) {
            ready = cache.awaitCurrent(CACHE_WAIT);
        } else {
            ready = cache.awaitRevision(parseLong(rv, "resourceVersion", 0), CACHE_WAIT);
        }
        if (!ready) {
            throw ApiException.tooLargeResourceVersion(rv == null || rv.isEmpty() ? store.currentRevision()
                    : parseLong(rv, "resourceVersion", 0), cache.revision());
        }
    }

    private void sendObjects(HttpExchange exchange, ResourceType type, MediaTypes.Format format,
            List<CachedObject> items, boolean asList, String resourceVersion, String continueToken) {
        switch (format) {
            case TABLE_V1, TABLE_V1BETA1 -> {
                String apiVersion = format == MediaTypes.Format.TABLE_V1 ? "meta.k8s.io/v1" : "meta.k8s.io/v1beta1";
                ObjectNode table = TableEncoder.table(type, items, apiVersion, resourceVersion, continueToken,
                        Tables.IncludeObject.fromParameter(exchange.query("includeObject")),
                        true, clock.instant());
                exchange.respond(200, format == MediaTypes.Format.TABLE_V1 ? MediaTypes.TABLE_V1
                        : MediaTypes.TABLE_V1BETA1, Json.writeBytes(table), Map.of());
            }
            case METADATA -> {
                if (!asList) {
                    Responses.json(exchange, 200, Tables.partialObjectMetadata(items.get(0).tree()));
                    return;
                }
                ObjectNode list = Json.object();
                list.put("kind", "PartialObjectMetadataList");
                list.put("apiVersion", "meta.k8s.io/v1");
                ObjectNode metadata = list.putObject("metadata");
                metadata.put("resourceVersion", resourceVersion);
                if (continueToken != null) {
                    metadata.put("continue", continueToken);
                }
                var array = list.putArray("items");
                for (CachedObject item : items) {
                    array.add(Tables.partialObjectMetadata(item.tree()));
                }
                Responses.json(exchange, 200, list);
            }
            case YAML -> Responses.object(exchange, 200, asList ? listJson(type, items, resourceVersion,
                    continueToken) : items.get(0).json(), format, Map.of());
            default -> {
                if (!asList) {
                    exchange.respond(200, MediaTypes.JSON, items.get(0).json(), Map.of());
                    return;
                }
                exchange.respond(200, MediaTypes.JSON, listBuffer(type, items, resourceVersion, continueToken),
                        Map.of());
            }
        }
    }

    /** A List body assembled from the cached encodings without re-encoding any item. */
    private static ByteBuf listBuffer(ResourceType type, List<CachedObject> items, String resourceVersion,
            String continueToken) {
        StringBuilder head = new StringBuilder(128).append("{\"kind\":\"").append(type.listKind())
                .append("\",\"apiVersion\":\"").append(type.apiVersion()).append("\",\"metadata\":{")
                .append("\"resourceVersion\":\"").append(resourceVersion).append('"');
        if (continueToken != null) {
            head.append(",\"continue\":\"").append(continueToken).append('"');
        }
        head.append("},\"items\":[");
        CompositeByteBuf body = Unpooled.compositeBuffer(Math.min(items.size() * 2 + 2, 1 << 16));
        body.addComponent(true, Unpooled.wrappedBuffer(head.toString().getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                body.addComponent(true, Unpooled.wrappedBuffer(COMMA));
            }
            body.addComponent(true, Unpooled.wrappedBuffer(items.get(i).json()));
        }
        body.addComponent(true, Unpooled.wrappedBuffer("]}".getBytes(StandardCharsets.US_ASCII)));
        return body;
    }

    private static byte[] listJson(ResourceType type, List<CachedObject> items, String resourceVersion,
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

    private void watch(HttpExchange exchange, RequestInfo info, ResourceType type) {
        MediaTypes.Format format = MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.OBJECTS);
        String handshake = exchange.isWebSocketUpgrade() ? exchange.webSocketHandshakeProblem() : null;
        if (handshake != null) {
            throw ApiException.badRequest(handshake);
        }
        Predicate<CachedObject> filter = filter(exchange, type);
        if (info.name() != null) {
            String name = info.name();
            filter = filter.and(o -> o.name().equals(name));
        }
        String rv = exchange.query("resourceVersion");
        long from = rv == null || rv.isEmpty() ? 0 : parseLong(rv, "resourceVersion", 0);
        boolean bookmarks = QueryParameters.bool(exchange, "allowWatchBookmarks");
        boolean sendInitialEvents = QueryParameters.bool(exchange, "sendInitialEvents");
        long timeoutSeconds = QueryParameters.int64(exchange, "timeoutSeconds", 0);
        if (timeoutSeconds <= 0) {
            timeoutSeconds = 1800 + ThreadLocalRandom.current().nextLong(1800);
        }
        if (from > 0 && !cache.awaitRevision(from, CACHE_WAIT)) {
            throw ApiException.tooLargeResourceVersion(from, cache.revision());
        }
        Tables.IncludeObject include = Tables.IncludeObject.fromParameter(exchange.query("includeObject"));
        String contentType = switch (format) {
            case TABLE_V1 -> MediaTypes.TABLE_V1;
            case TABLE_V1BETA1 -> MediaTypes.TABLE_V1BETA1;
            default -> MediaTypes.JSON;
        };
        HttpExchange.ResponseStream out = exchange.isWebSocketUpgrade() ? exchange.upgradeToWebSocket()
                : exchange.stream(200, contentType, Map.of());
        io.j8s.apiserver.auth.UserInfo user = exchange.attachment(io.j8s.apiserver.auth.UserInfo.class);
        WatchStream stream = new WatchStream(type, out, watchExecutor, format, include, clock,
                sendInitialEvents && bookmarks, watchLimits, new WatchStream.Watcher(user == null ? "" : user.name(),
                        info.namespace() == null ? "" : info.namespace(), orEmpty(exchange.query("labelSelector")),
                        info.name() != null ? "metadata.name=" + info.name() : orEmpty(exchange.query("fieldSelector"))));
        WatchRequest request = new WatchRequest(type, info.namespace(), filter, sendInitialEvents ? 0 : from,
                bookmarks, trigger(exchange, info));
        try {
            WatchCache.Registration registration = cache.watch(request, stream);
            if (sendInitialEvents) {
                stream.initialEventsDone(cache.revision());
            }
            stream.start(registration, timer, timeoutSeconds);
        } catch (CompactedException e) {
            stream.fail(ApiException.gone("too old resource version: " + from + " (" + e.compactedRevision() + ")"));
        }
    }

    // ---- writes ----

    private void create(HttpExchange exchange, RequestInfo info, ResourceType type) {
        if (info.name() != null) {
            if ("binding".equals(info.subresource()) && type.kind().equals("Pod")) {
                bind(exchange, info, type);
                return;
            }
            throw ApiException.methodNotAllowed(exchange.method(), type.groupResource());
        }
        WriteOptions options = writeOptions(exchange, true);
        ObjectNode body = Bodies.decodeObject(exchange, options);
        admit(exchange, info, type, body, null);
        ObjectNode created = registry.create(type, info.namespace(), body, options);
        respondWritten(exchange, options.dryRun() ? 200 : 201, created, options);
    }

    private void update(HttpExchange exchange, RequestInfo info, ResourceType type) {
        if (info.name() == null) {
            throw ApiException.methodNotAllowed(exchange.method(), type.groupResource());
        }
        WriteOptions options = writeOptions(exchange, false);
        ObjectNode body = Bodies.decodeObject(exchange, options);
        String sub = info.subresource();
        if ("scale".equals(sub)) {
            respondScale(exchange, type, Scales.updateScale(registry, type, info.namespace(), info.name(),
                    current -> body, options, false), options);
            return;
        }
        if ("finalize".equals(sub)) {
            JsonNode finalizers = body.path("spec").get("finalizers");
            ObjectNode updated = registry.guaranteedUpdate(type, null, info.name(), ObjectRegistry.SERVER, options,
                    null, current -> {
                        ObjectNode spec = current.has("spec") && current.get("spec").isObject()
                                ? (ObjectNode) current.get("spec") : current.putObject("spec");
                        if (finalizers == null || finalizers.isNull() || finalizers.isEmpty()) {
                            spec.remove("finalizers");
                        } else {
                            spec.set("finalizers", finalizers.deepCopy());
                        }
                        return current;
                    });
            respondWritten(exchange, 200, updated, options);
            return;
        }
        admit(exchange, info, type, body, admissions.isEmpty() || sub != null ? null
                : registry.read(type, info.namespace(), info.name()).map(ObjectRegistry.Stored::object).orElse(null));
        ObjectNode updated = registry.update(type, info.namespace(), info.name(), body, sub, options);
        respondWritten(exchange, 200, updated, options);
    }

    private void patch(HttpExchange exchange, RequestInfo info, ResourceType type) {
        if (info.name() == null) {
            throw ApiException.methodNotAllowed(exchange.method(), type.groupResource());
        }
        String contentType = MediaTypes.baseType(exchange.header("Content-Type"));
        byte[] body = exchange.body();
        patches.checkSupported(contentType);
        WriteOptions options = writeOptions(exchange, false);
        String sub = info.subresource();
        if ("scale".equals(sub)) {
            respondScale(exchange, type, Scales.updateScale(registry, type, info.namespace(), info.name(),
                    current -> patches.apply(contentType, null, current, body), options, true), options);
            return;
        }
        ObjectNode patched = registry.patch(type, info.namespace(), info.name(), sub, options, current -> {
            ObjectNode result = patches.apply(contentType, type, current, body);
            admit(exchange, info, type, result, current);
            return result;
        });
        respondWritten(exchange, 200, patched, options);
    }

    private void delete(HttpExchange exchange, RequestInfo info, ResourceType type) {
        if (info.subresource() != null) {
            throw ApiException.methodNotAllowed(exchange.method(), type.plural() + "/" + info.subresource());
        }
        DeleteOptions options = deleteOptions(exchange);
        ObjectRegistry.Deleted deleted = registry.delete(type, info.namespace(), info.name(), options);
        Responses.object(exchange, 200, Json.writeBytes(deleted.object()),
                MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.PLAIN), Map.of());
    }

    private void deleteCollection(HttpExchange exchange, RequestInfo info, ResourceType type) {
        DeleteOptions options = deleteOptions(exchange);
        Predicate<CachedObject> filter = filter(exchange, type);
        awaitFreshness(null);
        WatchCache.Snapshot snapshot = cache.list(type, info.namespace(), filter);
        List<CachedObject> deleted = new ArrayList<>();
        for (CachedObject object : snapshot.items()) {
            try {
                ObjectRegistry.Deleted result = registry.delete(type, object.namespace().isEmpty() ? null
                        : object.namespace(), object.name(), options);
                deleted.add(ObjectCodec.fromTree(type, object.key(), result.object(), object.createRevision(),
                        Long.parseLong(result.object().path("metadata").path("resourceVersion").asString("0"))));
            } catch (ApiException e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
        exchange.respond(200, MediaTypes.JSON, listJson(type, deleted, Long.toString(cache.revision()), null),
                Map.of());
    }

    private void bind(HttpExchange exchange, RequestInfo info, ResourceType type) {
        WriteOptions options = writeOptions(exchange, false);
        ObjectNode binding = Bodies.decodeObject(exchange, options);
        String node = binding.path("target").path("name").asString("");
        if (node.isEmpty()) {
            throw ApiException.invalid("Binding", "", info.name(), List.of(new io.j8s.api.validation.FieldError(
                    "target.name", io.j8s.api.validation.FieldError.Type.REQUIRED, null, "")));
        }
        String now = ObjectRegistry.timestamp(clock.instant());
        registry.guaranteedUpdate(type, info.namespace(), info.name(), ObjectRegistry.SERVER, options, null,
                current -> {
                    ObjectNode spec = current.has("spec") && current.get("spec").isObject()
                            ? (ObjectNode) current.get("spec") : current.putObject("spec");
                    String assigned = spec.path("nodeName").asString("");
                    if (!assigned.isEmpty()) {
                        throw ApiException.conflict(type, info.name(), "pod " + info.name()
                                + " is already assigned to node \"" + assigned + "\"");
                    }
                    if (current.path("metadata").has("deletionTimestamp")) {
                        throw ApiException.conflict(type, info.name(), "pod " + info.name()
                                + " is being deleted, cannot be assigned to a host");
                    }
                    spec.put("nodeName", node);
                    PodConditions.set(current, "PodScheduled", "True", null, null, now);
                    return current;
                });
        Responses.json(exchange, 201, Statuses.success(info.name(), null, "pods", null));
    }

    private void respondWritten(HttpExchange exchange, int code, ObjectNode object, WriteOptions options) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (!options.warnings().isEmpty()) {
            StringBuilder warning = new StringBuilder();
            for (String w : options.warnings()) {
                if (warning.length() > 0) {
                    warning.append(", ");
                }
                warning.append("299 - \"").append(w.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            headers.put("Warning", warning.toString());
        }
        Responses.object(exchange, code, Json.writeBytes(object),
                MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.PLAIN), headers);
    }

    private void respondScale(HttpExchange exchange, ResourceType type, ObjectNode parent, WriteOptions options) {
        respondWritten(exchange, 200, Scales.scaleOf(type, parent), options);
    }

    // ---- request parameters ----

    private ObjectNode readObject(ResourceType type, RequestInfo info) {
        return registry.read(type, info.namespace(), info.name())
                .orElseThrow(() -> ApiException.notFound(type, info.name())).object();
    }

    private static Predicate<CachedObject> filter(HttpExchange exchange, ResourceType type) {
        String labelParam = exchange.query("labelSelector");
        String fieldParam = exchange.query("fieldSelector");
        try {
            LabelSelector labels = labelParam == null || labelParam.isBlank()
                    ? LabelSelector.everything() : LabelSelector.parse(labelParam);
            FieldSelector fields = fieldParam == null || fieldParam.isBlank()
                    ? FieldSelector.everything() : FieldSelector.parse(fieldParam);
            fields.validateFor(type.strategy());
            if (labels.isEverything() && fields.isEverything()) {
                return o -> true;
            }
            return o -> labels.matches(o.labels()) && fields.matches(o.fields());
        } catch (SelectorException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** The indexed field value a watch's selectors require, if any (its filter was validated already). */
    private static WatchRequest.Trigger trigger(HttpExchange exchange, RequestInfo info) {
        if (info.name() != null) {
            return new WatchRequest.Trigger("metadata.name", info.name());
        }
        String fieldParam = exchange.query("fieldSelector");
        if (fieldParam == null || fieldParam.isBlank()) {
            return null;
        }
        FieldSelector fields = FieldSelector.parse(fieldParam);
        for (String field : WatchRequest.Trigger.FIELDS) {
            String value = fields.requiredValue(field);
            if (value != null) {
                return new WatchRequest.Trigger(field, value);
            }
        }
        return null;
    }

    private static WriteOptions writeOptions(HttpExchange exchange, boolean create) {
        String dryRun = exchange.query("dryRun");
        if (dryRun != null && !dryRun.isEmpty() && !dryRun.equals("All")) {
            throw ApiException.badRequest("Unsupported value: \"" + dryRun + "\": supported values: \"All\"");
        }
        String validation = exchange.query("fieldValidation");
        WriteOptions.FieldValidation mode;
        if (validation == null || validation.isEmpty() || validation.equals("Warn")) {
            mode = WriteOptions.FieldValidation.WARN;
        } else if (validation.equals("Strict")) {
            mode = WriteOptions.FieldValidation.STRICT;
        } else if (validation.equals("Ignore")) {
            mode = WriteOptions.FieldValidation.IGNORE;
        } else {
            throw ApiException.badRequest("fieldValidation parameter unsupported: " + validation);
        }
        return new WriteOptions("All".equals(dryRun), mode, new ArrayList<>());
    }

    private static DeleteOptions deleteOptions(HttpExchange exchange) {
        Long grace = QueryParameters.int64(exchange, "gracePeriodSeconds");
        String policy = exchange.query("propagationPolicy");
        Boolean orphan = QueryParameters.optionalBool(exchange, "orphanDependents");
        String uid = null;
        String rv = null;
        boolean dryRun = "All".equals(exchange.query("dryRun"));
        ObjectNode body = Bodies.decodeDeleteOptions(exchange);
        if (body != null) {
            // A value Go would not decode into DeleteOptions (a grace period beyond int64): 400.
            String typeError = io.j8s.api.json.StrictDecoding.typeError(
                    io.fabric8.kubernetes.api.model.DeleteOptions.class, body);
            if (typeError != null) {
                throw ApiException.badRequest(typeError);
            }
            if (body.hasNonNull("gracePeriodSeconds")) {
                grace = body.get("gracePeriodSeconds").asLong();
            }
            if (body.hasNonNull("propagationPolicy")) {
                policy = body.get("propagationPolicy").asString();
            } else if (body.hasNonNull("orphanDependents")) {
                orphan = body.get("orphanDependents").asBoolean();
            }
            JsonNode preconditions = body.path("preconditions");
            if (preconditions.hasNonNull("uid")) {
                uid = preconditions.get("uid").asString();
            }
            if (preconditions.hasNonNull("resourceVersion")) {
                rv = preconditions.get("resourceVersion").asString();
            }
            if (body.path("dryRun").isArray() && !body.path("dryRun").isEmpty()) {
                dryRun = true;
            }
        }
        if (policy == null && orphan != null) {
            policy = orphan ? "Orphan" : "Background";
        }
        if (policy != null && !List.of("Background", "Foreground", "Orphan").contains(policy)) {
            throw ApiException.invalid("DeleteOptions", "", "", List.of(new io.j8s.api.validation.FieldError(
                    "propagationPolicy", io.j8s.api.validation.FieldError.Type.NOT_SUPPORTED, policy,
                    "supported values: \"Foreground\", \"Background\", \"Orphan\"")));
        }
        return new DeleteOptions(grace, policy, uid, rv, dryRun);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    static long parseLong(String value, String name, long fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid value for " + name + ": \"" + value + "\" is not a number");
        }
    }
}
