package io.j8s.apiserver.errors;

import io.j8s.api.json.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code meta.k8s.io/v1 Status} bodies the API server answers: a failure built from an {@link
 * ApiException}, or a success (as some deletions and a Pod binding answer). Only the JSON; writing
 * it to a client is the request layer's ({@code request.Responses}).
 */
public final class Statuses {
    private Statuses() {}

    /** The {@code Status} body of a failure (docs/api-semantics.md, "Errors"). */
    public static ObjectNode failure(ApiException e) {
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", e.getMessage());
        status.put("reason", e.reason());
        if (e.name() != null
                || e.kind() != null
                || !e.causes().isEmpty()
                || e.retryAfterSeconds() != null) {
            ObjectNode details = status.putObject("details");
            if (e.name() != null) {
                details.put("name", e.name());
            }
            if (e.group() != null) {
                details.put("group", e.group());
            }
            if (e.kind() != null) {
                details.put("kind", e.kind());
            }
            if (!e.causes().isEmpty()) {
                ArrayNode causes = details.putArray("causes");
                for (ApiException.Cause cause : e.causes()) {
                    ObjectNode c = causes.addObject();
                    c.put("reason", cause.reason());
                    c.put("message", cause.message());
                    if (cause.field() != null) {
                        c.put("field", cause.field());
                    }
                }
            }
            if (e.retryAfterSeconds() != null) {
                details.put("retryAfterSeconds", e.retryAfterSeconds());
            }
        }
        status.put("code", e.code());
        return status;
    }

    /** A {@code Status} of success, as answered to some deletions. */
    public static ObjectNode success(String name, String group, String kind, String uid) {
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Success");
        ObjectNode details = status.putObject("details");
        details.put("name", name);
        if (group != null && !group.isEmpty()) {
            details.put("group", group);
        }
        details.put("kind", kind);
        if (uid != null) {
            details.put("uid", uid);
        }
        return status;
    }
}
