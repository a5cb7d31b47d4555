package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.admission.WriteAdmission;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.request.MediaTypes;
import io.j8s.apiserver.request.QueryParameters;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.SubresourceHandler;
import io.j8s.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The REST verbs on resources: checks the path against the resource's scope and subresources, hands
 * a subresource with a dedicated handler ({@code pods/log}, {@code pods/binding}, ...) to it,
 * negotiates the response type before anything is read or written, and dispatches the verb to the
 * read path ({@link ResourceReads}: get, list, watch from the watch cache) or the write path
 * ({@link ResourceWrites}: create, update, patch, delete, deletecollection through the {@link
 * ObjectRegistry}). Request options are parsed by {@link RequestOptions}.
 */
public final class ResourceHandler {
    private final ResourceReads reads;
    private final ResourceWrites writes;
    private final Map<String, SubresourceHandler> subresources = new ConcurrentHashMap<>();

    /**
     * @param watchQueueBytes the most bytes of events a watch may have queued for its client before
     *     it is ended; {@code metrics} counts such watches
     */
    public ResourceHandler(
            Store store,
            WatchCache cache,
            ObjectRegistry registry,
            PatchSupport patches,
            Executor watchExecutor,
            ScheduledExecutorService timer,
            Clock clock,
            long watchQueueBytes,
            MeterRegistry metrics) {
        this.reads =
                new ResourceReads(
                        store,
                        cache,
                        registry,
                        watchExecutor,
                        timer,
                        clock,
                        new WatchStream.Limits(watchQueueBytes, metrics));
        this.writes = new ResourceWrites(registry, patches, reads);
    }

    /** Adds a write check (before the server starts). */
    public void addWriteAdmission(WriteAdmission admission) {
        writes.addWriteAdmission(admission);
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
        MediaTypes.negotiate(
                exchange.header("Accept"),
                switch (info.verb()) {
                    case "get", "list", "watch" -> MediaTypes.Allowed.OBJECTS;
                    default -> MediaTypes.Allowed.PLAIN;
                });
        if (!info.verb().equals("watch")) {
            // A short request's ?timeout is a Go duration; Kubernetes refuses a malformed one (a
            // watch has timeoutSeconds instead, long-running subresources such as pods/log
            // neither).
            QueryParameters.timeout(exchange);
        }
        switch (info.verb()) {
            case "get" -> reads.get(exchange, info, type);
            case "list" -> reads.list(exchange, info, type);
            case "watch" -> reads.watch(exchange, info, type);
            case "create" -> writes.create(exchange, info, type);
            case "update" -> writes.update(exchange, info, type);
            case "patch" -> writes.patch(exchange, info, type);
            case "delete" -> writes.delete(exchange, info, type);
            case "deletecollection" -> writes.deleteCollection(exchange, info, type);
            default -> throw ApiException.methodNotAllowed(exchange.method(), type.groupResource());
        }
    }
}
