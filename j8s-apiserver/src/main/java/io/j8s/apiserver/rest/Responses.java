package io.j8s.apiserver.rest;

import io.j8s.api.json.Json;
import io.j8s.apiserver.http.HttpExchange;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Writing API responses: objects in the negotiated format, and {@code Status} bodies. */
public final class Responses {
    private Responses() {}

    /** The {@code Status} body of a failure (KUBECTL.md §8). */
    public static ObjectNode status(ApiException e) {
        ObjectNode status = Json.object();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.putObject("metadata");
        status.put("status", "Failure");
        status.put("message", e.getMessage());
        status.put("reason", e.reason());
        if (e.name() != null || e.kind() != null || !e.causes().isEmpty() || e.retryAfterSeconds() != null) {
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

    public static void error(HttpExchange exchange, ApiException e) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.retryAfterSeconds() != null) {
            headers.put("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        exchange.respond(e.code(), MediaTypes.JSON, Json.writeBytes(status(e)), headers);
    }

    /** Sends {@code json} (an encoded object) as JSON or YAML. */
    public static void object(HttpExchange exchange, int code, byte[] json, MediaTypes.Format format,
            Map<String, String> headers) {
        if (format == MediaTypes.Format.YAML) {
            JsonNode tree = Json.parse(json);
            exchange.respond(code, MediaTypes.YAML, Json.yamlMapper().writeValueAsBytes(tree), headers);
        } else {
            exchange.respond(code, MediaTypes.JSON, json, headers);
        }
    }

    public static void json(HttpExchange exchange, int code, JsonNode body) {
        exchange.respond(code, MediaTypes.JSON, Json.writeBytes(body), Map.of());
    }
}
