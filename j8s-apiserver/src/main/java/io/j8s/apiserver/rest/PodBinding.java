package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.errors.Statuses;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.registry.WriteOptions;
import io.j8s.apiserver.request.Bodies;
import io.j8s.apiserver.request.MediaTypes;
import io.j8s.apiserver.request.QueryParameters;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.Responses;
import io.j8s.apiserver.request.SubresourceHandler;
import java.time.Clock;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST pods/<name>/binding}: the scheduler assigns a Pod to a node. Sets {@code
 * spec.nodeName} and the {@code PodScheduled} condition as a server change (a bound Pod's spec is
 * otherwise immutable); 409 when the Pod is bound already or being deleted. Other verbs: 405.
 */
public final class PodBinding implements SubresourceHandler {
    private final ObjectRegistry registry;
    private final Clock clock;

    public PodBinding(ObjectRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange, RequestInfo info, ResourceType type) {
        if (!info.verb().equals("create") || info.name() == null) {
            throw ApiException.methodNotAllowed(
                    exchange.method(), type.plural() + "/" + info.subresource());
        }
        MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.PLAIN);
        QueryParameters.timeout(exchange);
        WriteOptions options = RequestOptions.writeOptions(exchange);
        ObjectNode binding = Bodies.decodeObject(exchange, options);
        String node = binding.path("target").path("name").asString("");
        if (node.isEmpty()) {
            throw ApiException.invalid(
                    "Binding",
                    "",
                    info.name(),
                    List.of(new FieldError("target.name", FieldError.Type.REQUIRED, null, "")));
        }
        String now = ObjectRegistry.timestamp(clock.instant());
        registry.guaranteedUpdate(
                type,
                info.namespace(),
                info.name(),
                ObjectRegistry.SERVER,
                options,
                null,
                current -> {
                    ObjectNode spec =
                            current.has("spec") && current.get("spec").isObject()
                                    ? (ObjectNode) current.get("spec")
                                    : current.putObject("spec");
                    String assigned = spec.path("nodeName").asString("");
                    if (!assigned.isEmpty()) {
                        throw ApiException.conflict(
                                type,
                                info.name(),
                                "pod "
                                        + info.name()
                                        + " is already assigned to node \""
                                        + assigned
                                        + "\"");
                    }
                    if (current.path("metadata").has("deletionTimestamp")) {
                        throw ApiException.conflict(
                                type,
                                info.name(),
                                "pod "
                                        + info.name()
                                        + " is being deleted, cannot be assigned to a host");
                    }
                    spec.put("nodeName", node);
                    PodConditions.set(current, "PodScheduled", "True", null, null, now);
                    return current;
                });
        Responses.json(exchange, 201, Statuses.success(info.name(), null, "pods", null));
    }
}
