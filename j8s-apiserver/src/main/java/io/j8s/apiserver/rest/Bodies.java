package io.j8s.apiserver.rest;

import io.j8s.api.json.Json;
import io.j8s.apiserver.http.HttpExchange;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Decoding request bodies (JSON or YAML) into objects, with 400/415 errors that name the problem. */
public final class Bodies {
    private Bodies() {}

    /** The request body as an object (JSON or YAML by Content-Type); 400/415 when it is not one. */
    public static ObjectNode decodeObject(HttpExchange exchange) {
        String type = MediaTypes.baseType(exchange.header("Content-Type"));
        byte[] body = exchange.body();
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: an object was expected");
        }
        JsonNode node;
        try {
            if (type.isEmpty() || type.equals(MediaTypes.JSON) || type.equals("*/*")) {
                node = Json.mapper().readTree(body);
            } else if (type.equals(MediaTypes.YAML) || type.equals("application/x-yaml") || type.equals("text/yaml")) {
                node = Json.yamlMapper().readTree(body);
            } else {
                throw ApiException.unsupportedMediaType(type, List.of(MediaTypes.JSON, MediaTypes.YAML));
            }
        } catch (JacksonException e) {
            throw ApiException.badRequest("the request body could not be decoded: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON or YAML object, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        return (ObjectNode) node;
    }
}
