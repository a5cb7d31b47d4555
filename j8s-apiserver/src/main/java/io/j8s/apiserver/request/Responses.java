package io.j8s.apiserver.request;

import io.j8s.api.json.Json;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.errors.Statuses;
import io.j8s.apiserver.http.HttpExchange;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Writing API responses: objects in the negotiated format, and failures as their {@code Status}
 * bodies ({@link Statuses}).
 */
public final class Responses {
    private Responses() {}

    public static void error(HttpExchange exchange, ApiException e) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (e.retryAfterSeconds() != null) {
            headers.put("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        exchange.respond(e.code(), MediaTypes.JSON, Json.writeBytes(Statuses.failure(e)), headers);
    }

    /** Sends {@code json} (an encoded object) as JSON or YAML. */
    public static void object(
            HttpExchange exchange,
            int code,
            byte[] json,
            MediaTypes.Format format,
            Map<String, String> headers) {
        if (format == MediaTypes.Format.YAML) {
            JsonNode tree = Json.parse(json);
            exchange.respond(
                    code, MediaTypes.YAML, Json.yamlMapper().writeValueAsBytes(tree), headers);
        } else {
            exchange.respond(code, MediaTypes.JSON, json, headers);
        }
    }

    public static void json(HttpExchange exchange, int code, JsonNode body) {
        exchange.respond(code, MediaTypes.JSON, Json.writeBytes(body), Map.of());
    }
}
