package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.admission.WriteAdmission;
import io.j8s.apiserver.apply.ApplyPatch;
import io.j8s.apiserver.apply.FieldManager;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.ObjectCodec;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.DeleteOptions;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.registry.WriteOptions;
import io.j8s.apiserver.request.Bodies;
import io.j8s.apiserver.request.MediaTypes;
import io.j8s.apiserver.request.QueryParameters;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.Responses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The write path of the REST verbs: create, update, patch, delete and deletecollection, and the
 * subresources status, scale and finalize. Decodes the body and the options ({@link
 * RequestOptions}), runs the {@link WriteAdmission} checks with the request, and leaves the rest to
 * the {@link ObjectRegistry}, whose answer it writes back (with {@code Warning} headers).
 */
final class ResourceWrites {
    private final ObjectRegistry registry;
    private final PatchSupport patches;
    private final ResourceReads reads;
    private final List<WriteAdmission> admissions = new CopyOnWriteArrayList<>();

    ResourceWrites(ObjectRegistry registry, PatchSupport patches, ResourceReads reads) {
        this.registry = registry;
        this.patches = patches;
        this.reads = reads;
    }

    void addWriteAdmission(WriteAdmission admission) {
        admissions.add(admission);
    }

    private void admit(
            HttpExchange exchange,
            RequestInfo info,
            ResourceType type,
            ObjectNode object,
            ObjectNode old) {
        for (WriteAdmission admission : admissions) {
            admission.admit(exchange, info, type, object, old);
        }
    }

    void create(HttpExchange exchange, RequestInfo info, ResourceType type) {
        if (info.name() != null) {
            throw ApiException.methodNotAllowed(exchange.method(), type.groupResource());
        }
        WriteOptions options = RequestOptions.writeOptions(exchange);
        ObjectNode body = Bodies.decodeObject(exchange, options);
        admit(exchange, info, type, body, null);
        ObjectNode created = registry.create(type, info.namespace(), body, options);
        respondWritten(exchange, options.dryRun() ? 200 : 201, created, options);
    }

    void update(HttpExchange exchange, RequestInfo info, ResourceType type) {
        if (info.name() == null) {
            throw ApiException.methodNotAllowed(exchange.method(), type.groupResource());
        }
        WriteOptions options = RequestOptions.writeOptions(exchange);
        ObjectNode body = Bodies.decodeObject(exchange, options);
        String sub = info.subresource();
        if ("scale".equals(sub)) {
            respondScale(
                    exchange,
                    type,
                    Scales.updateScale(
                            registry,
                            type,
                            info.namespace(),
                            info.name(),
                            current -> body,
                            options,
                            false),
                    options);
            return;
        }
        if ("finalize".equals(sub)) {
            updateFinalizers(exchange, info, type, body, options);
            return;
        }
        admit(
                exchange,
                info,
                type,
                body,
                admissions.isEmpty() || sub != null
                        ? null
                        : registry.read(type, info.namespace(), info.name())
                                .map(ObjectRegistry.Stored::object)
                                .orElse(null));
        ObjectNode updated =
                registry.update(type, info.namespace(), info.name(), body, sub, options);
        respondWritten(exchange, 200, updated, options);
    }

    /**
     * {@code PUT .../finalize}: the server's own change of {@code spec.finalizers} (the namespace
     * controller empties a Namespace's through it); no other field changes, no validation of the
     * update as the client's.
     */
    private void updateFinalizers(
            HttpExchange exchange,
            RequestInfo info,
            ResourceType type,
            ObjectNode body,
            WriteOptions options) {
        JsonNode finalizers = body.path("spec").get("finalizers");
        ObjectNode updated =
                registry.guaranteedUpdate(
                        type,
                        null,
                        info.name(),
                        ObjectRegistry.SERVER,
                        options,
                        null,
                        current -> {
                            ObjectNode spec =
                                    current.has("spec") && current.get("spec").isObject()
                                            ? (ObjectNode) current.get("spec")
                                            : current.putObject("spec");
                            if (finalizers == null || finalizers.isNull() || finalizers.isEmpty()) {
                                spec.remove("finalizers");
                            } else {
                                spec.set("finalizers", finalizers.deepCopy());
                            }
                            return current;
                        });
        respondWritten(exchange, 200, updated, options);
    }

    void patch(HttpExchange exchange, RequestInfo info, ResourceType type) {
        if (info.name() == null) {
            throw ApiException.methodNotAllowed(exchange.method(), type.groupResource());
        }
        String contentType = MediaTypes.baseType(exchange.header("Content-Type"));
        byte[] body = exchange.body();
        patches.checkSupported(contentType);
        WriteOptions options = RequestOptions.writeOptions(exchange);
        String force = exchange.query("force");
        if (MediaTypes.APPLY_PATCH.equals(contentType)) {
            applyPatch(exchange, info, type, options, body, force);
            return;
        }
        if (force != null) {
            throw ApiException.invalidOptions(
                    "PatchOptions",
                    List.of(
                            FieldError.forbidden(
                                    "force", "may not be specified for non-apply patch")));
        }
        String sub = info.subresource();
        if ("scale".equals(sub)) {
            respondScale(
                    exchange,
                    type,
                    Scales.updateScale(
                            registry,
                            type,
                            info.namespace(),
                            info.name(),
                            current -> patches.apply(contentType, null, current, body),
                            options,
                            true),
                    options);
            return;
        }
        ObjectNode patched =
                registry.patch(
                        type,
                        info.namespace(),
                        info.name(),
                        sub,
                        options,
                        current -> {
                            ObjectNode result = patches.apply(contentType, type, current, body);
                            admit(exchange, info, type, result, current);
                            return result;
                        });
        respondWritten(exchange, 200, patched, options);
    }

    /**
     * Server-side apply ({@code application/apply-patch+yaml}): merges the applied configuration
     * into the object, or creates it when it does not exist (docs/server-side-apply.md).
     */
    private void applyPatch(
            HttpExchange exchange,
            RequestInfo info,
            ResourceType type,
            WriteOptions options,
            byte[] body,
            String forceParam) {
        String fieldManager = exchange.query("fieldManager");
        if (fieldManager == null || fieldManager.isEmpty()) {
            throw ApiException.invalidOptions(
                    "PatchOptions",
                    List.of(FieldError.required("fieldManager", "is required for apply patch")));
        }
        boolean force = QueryParameters.parseBool(forceParam);
        String sub = info.subresource();
        if (sub != null && !"status".equals(sub)) {
            throw ApiException.unsupportedMediaType(
                    "server-side apply of the "
                            + sub
                            + " subresource is not supported: apply the "
                            + type.kind()
                            + " itself");
        }
        ObjectNode config = ApplyPatch.decode(body);
        JsonNode metadata = config.path("metadata");
        String bodyName = metadata.path("name").asString("");
        if (!bodyName.isEmpty() && !bodyName.equals(info.name())) {
            throw ApiException.badRequest(
                    "the name of the object ("
                            + bodyName
                            + ") does not match the name on the URL ("
                            + info.name()
                            + ")");
        }
        String bodyNamespace = metadata.path("namespace").asString("");
        if (type.namespaced()
                && !bodyNamespace.isEmpty()
                && !bodyNamespace.equals(info.namespace())) {
            throw ApiException.badRequest(
                    "the namespace of the provided object does not match the namespace sent on"
                            + " the request");
        }
        WriteOptions applyOptions = options.asApply();
        try {
            ObjectNode patched =
                    registry.patch(
                            type,
                            info.namespace(),
                            info.name(),
                            sub,
                            applyOptions,
                            current -> {
                                ObjectNode result =
                                        FieldManager.apply(
                                                type,
                                                current,
                                                config,
                                                fieldManager,
                                                force,
                                                sub,
                                                Instant.now());
                                admit(exchange, info, type, result, current);
                                return result;
                            });
            respondWritten(exchange, 200, patched, options);
        } catch (ApiException e) {
            if (e.code() != 404
                    || sub != null
                    || registry.read(type, info.namespace(), info.name()).isPresent()) {
                throw e;
            }
            // Apply creates what does not exist.
            ObjectNode object =
                    FieldManager.apply(
                            type, null, config, fieldManager, force, null, Instant.now());
            ObjectNode objectMeta = (ObjectNode) object.get("metadata");
            objectMeta.put("name", info.name());
            admit(exchange, info, type, object, null);
            ObjectNode created = registry.create(type, info.namespace(), object, applyOptions);
            respondWritten(exchange, options.dryRun() ? 200 : 201, created, options);
        }
    }

    void delete(HttpExchange exchange, RequestInfo info, ResourceType type) {
        if (info.subresource() != null) {
            throw ApiException.methodNotAllowed(
                    exchange.method(), type.plural() + "/" + info.subresource());
        }
        DeleteOptions options = RequestOptions.deleteOptions(exchange);
        ObjectRegistry.Deleted deleted =
                registry.delete(type, info.namespace(), info.name(), options);
        Responses.object(
                exchange,
                200,
                Json.writeBytes(deleted.object()),
                MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.PLAIN),
                Map.of());
    }

    void deleteCollection(HttpExchange exchange, RequestInfo info, ResourceType type) {
        DeleteOptions options = RequestOptions.deleteOptions(exchange);
        Predicate<CachedObject> filter = RequestOptions.selectors(exchange, type);
        WatchCache.Snapshot snapshot = reads.current(type, info.namespace(), filter);
        List<CachedObject> deleted = new ArrayList<>();
        for (CachedObject object : snapshot.items()) {
            try {
                ObjectRegistry.Deleted result =
                        registry.delete(
                                type,
                                object.namespace().isEmpty() ? null : object.namespace(),
                                object.name(),
                                options);
                deleted.add(
                        ObjectCodec.fromTree(
                                type,
                                object.key(),
                                result.object(),
                                object.createRevision(),
                                Long.parseLong(
                                        result.object()
                                                .path("metadata")
                                                .path("resourceVersion")
                                                .asString("0"))));
            } catch (ApiException e) {
                if (e.code() != 404) {
                    throw e;
                }
            }
        }
        exchange.respond(
                200,
                MediaTypes.JSON,
                ResourceReads.listJson(type, deleted, Long.toString(reads.cacheRevision()), null),
                Map.of());
    }

    static void respondWritten(
            HttpExchange exchange, int code, ObjectNode object, WriteOptions options) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (!options.warnings().isEmpty()) {
            StringBuilder warning = new StringBuilder();
            for (String w : options.warnings()) {
                if (warning.length() > 0) {
                    warning.append(", ");
                }
                warning.append("299 - \"")
                        .append(w.replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
            headers.put("Warning", warning.toString());
        }
        Responses.object(
                exchange,
                code,
                Json.writeBytes(object),
                MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.PLAIN),
                headers);
    }

    private static void respondScale(
            HttpExchange exchange, ResourceType type, ObjectNode parent, WriteOptions options) {
        respondWritten(exchange, 200, Scales.scaleOf(type, parent), options);
    }
}
