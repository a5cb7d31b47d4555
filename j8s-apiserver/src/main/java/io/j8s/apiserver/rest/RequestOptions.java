package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.api.json.StrictDecoding;
import io.j8s.api.selector.FieldSelector;
import io.j8s.api.selector.LabelSelector;
import io.j8s.api.selector.SelectorException;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.apply.FieldManager;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.WatchRequest;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.DeleteOptions;
import io.j8s.apiserver.registry.WriteOptions;
import io.j8s.apiserver.request.Bodies;
import io.j8s.apiserver.request.QueryParameters;
import io.j8s.apiserver.request.RequestInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The options of a resource request, parsed from its query parameters (and a deletion's {@code
 * DeleteOptions} body) and refused with a 400 or 422 as Kubernetes words it: label and field
 * selectors, {@code dryRun}, {@code fieldValidation}, {@code gracePeriodSeconds}, {@code
 * propagationPolicy} / {@code orphanDependents}, preconditions, and the numbers ({@code
 * resourceVersion}, {@code limit}). Static and stateless.
 */
final class RequestOptions {
    private RequestOptions() {}

    static Predicate<CachedObject> selectors(HttpExchange exchange, ResourceType type) {
        String labelParam = exchange.query("labelSelector");
        String fieldParam = exchange.query("fieldSelector");
        try {
            LabelSelector labels =
                    labelParam == null || labelParam.isBlank()
                            ? LabelSelector.everything()
                            : LabelSelector.parse(labelParam);
            FieldSelector fields =
                    fieldParam == null || fieldParam.isBlank()
                            ? FieldSelector.everything()
                            : FieldSelector.parse(fieldParam);
            fields.validateFor(type.strategy());
            if (labels.isEverything() && fields.isEverything()) {
                return o -> true;
            }
            return o -> labels.matches(o.labels()) && fields.matches(o.fields());
        } catch (SelectorException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * The indexed field value a watch's selectors require, if any (its filter was validated
     * already).
     */
    static WatchRequest.Trigger watchTrigger(HttpExchange exchange, RequestInfo info) {
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

    static WriteOptions writeOptions(HttpExchange exchange) {
        String dryRun = exchange.query("dryRun");
        if (dryRun != null && !dryRun.isEmpty() && !dryRun.equals("All")) {
            throw ApiException.badRequest(
                    "Unsupported value: \"" + dryRun + "\": supported values: \"All\"");
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
        return new WriteOptions(
                "All".equals(dryRun), mode, new ArrayList<>(), fieldManager(exchange), false);
    }

    /** The {@code *Options} kind of a write's verb, for its 422. */
    static String optionsKind(HttpExchange exchange) {
        return switch (exchange.method()) {
            case "POST" -> "CreateOptions";
            case "PUT" -> "UpdateOptions";
            default -> "PatchOptions";
        };
    }

    /**
     * The write's field manager: {@code fieldManager}, checked as Kubernetes' ValidateFieldManager
     * (a 422), else the User-Agent's prefix (docs/server-side-apply.md).
     */
    private static String fieldManager(HttpExchange exchange) {
        String manager = exchange.query("fieldManager");
        if (manager == null || manager.isEmpty()) {
            return FieldManager.managerFromUserAgent(exchange.header("User-Agent"));
        }
        FieldError error = null;
        if (manager.length() > FieldManager.MAX_MANAGER_LENGTH) {
            error = FieldError.tooLong("fieldManager", FieldManager.MAX_MANAGER_LENGTH);
        } else if (FieldManager.invalidManager(manager) != null) {
            error =
                    FieldError.invalid(
                            "fieldManager", manager, FieldManager.invalidManager(manager));
        }
        if (error != null) {
            throw ApiException.invalidOptions(optionsKind(exchange), List.of(error));
        }
        return manager;
    }

    static DeleteOptions deleteOptions(HttpExchange exchange) {
        Long grace = QueryParameters.int64(exchange, "gracePeriodSeconds");
        String policy = exchange.query("propagationPolicy");
        Boolean orphan = QueryParameters.optionalBool(exchange, "orphanDependents");
        String uid = null;
        String rv = null;
        boolean dryRun = "All".equals(exchange.query("dryRun"));
        ObjectNode body = Bodies.decodeDeleteOptions(exchange);
        if (body != null) {
            // A value Go would not decode into DeleteOptions (a grace period beyond int64): 400.
            String typeError =
                    StrictDecoding.typeError(
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
            throw ApiException.invalid(
                    "DeleteOptions",
                    "",
                    "",
                    List.of(
                            new FieldError(
                                    "propagationPolicy",
                                    FieldError.Type.NOT_SUPPORTED,
                                    policy,
                                    "supported values: \"Foreground\", \"Background\", \"Orphan\"")));
        }
        return new DeleteOptions(grace, policy, uid, rv, dryRun);
    }

    static long parseLong(String value, String name, long fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(
                    "invalid value for " + name + ": \"" + value + "\" is not a number");
        }
    }
}
