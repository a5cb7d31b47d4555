package io.j8s.apiserver.request;

import io.j8s.api.json.Json;
import io.j8s.api.protobuf.ProtobufDecoder;
import io.j8s.api.protobuf.ProtobufDecodingException;
import io.j8s.api.protobuf.UnsupportedProtobufKindException;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decoding request bodies (JSON, YAML or Kubernetes protobuf) into objects, with 400/415 errors
 * that name the problem.
 */
public final class Bodies {
    private Bodies() {}

    /**
     * Decodes an object body. Protobuf fields j8s' tables do not know are treated as strict
     * decoding treats unknown JSON fields: a 400 with {@code fieldValidation=Strict}, a warning in
     * {@code options} with {@code Warn}, nothing with {@code Ignore}.
     */
    public static ObjectNode decodeObject(HttpExchange exchange, WriteOptions options) {
        String type = MediaTypes.baseType(exchange.header("Content-Type"));
        byte[] body = exchange.body();
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: an object was expected");
        }
        if (type.equals(ProtobufDecoder.MEDIA_TYPE)) {
            return decodeProtobuf(body, options);
        }
        JsonNode node;
        try {
            // No Content-Type is JSON (Kubernetes' default); one without a type (";;;") is unknown.
            String declared = exchange.header("Content-Type");
            if ((type.isEmpty() && (declared == null || declared.isBlank()))
                    || type.equals(MediaTypes.JSON)
                    || type.equals("*/*")) {
                node = Json.mapper().readTree(body);
            } else if (type.equals(MediaTypes.YAML)
                    || type.equals("application/x-yaml")
                    || type.equals("text/yaml")) {
                node = Json.yamlMapper().readTree(body);
            } else {
                throw ApiException.unsupportedMediaType(
                        type.isEmpty() ? declared : type,
                        List.of(MediaTypes.JSON, MediaTypes.YAML, ProtobufDecoder.MEDIA_TYPE));
            }
        } catch (JacksonException e) {
            throw ApiException.badRequest(
                    "the request body could not be decoded: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest(
                    "the request body must be a JSON or YAML object, got "
                            + (node == null
                                    ? "nothing"
                                    : node.getNodeType()
                                            .toString()
                                            .toLowerCase(java.util.Locale.ROOT)));
        }
        return (ObjectNode) node;
    }

    /**
     * Decodes an object body for a caller that has no {@link WriteOptions} to carry warnings:
     * unknown protobuf fields are a 400 unless the request says {@code fieldValidation=Ignore}.
     */
    public static ObjectNode decodeObject(HttpExchange exchange) {
        return decodeObject(exchange, strictUnlessIgnored(exchange));
    }

    /**
     * The {@code DeleteOptions} of a DELETE body (JSON, or protobuf as kubectl drain sends it), or
     * null when there is no body.
     */
    public static ObjectNode decodeDeleteOptions(HttpExchange exchange) {
        byte[] body = exchange.body();
        if (body.length == 0) {
            return null;
        }
        if (MediaTypes.baseType(exchange.header("Content-Type"))
                .equals(ProtobufDecoder.MEDIA_TYPE)) {
            ObjectNode options = decodeProtobuf(body, strictUnlessIgnored(exchange));
            String kind = options.path("kind").asString("");
            if (!kind.equals("DeleteOptions")) {
                throw ApiException.badRequest(
                        "the DELETE body is a " + kind + ", expected DeleteOptions");
            }
            return options;
        }
        try {
            return Json.parseObject(body);
        } catch (JacksonException | IllegalArgumentException e) {
            throw ApiException.badRequest(
                    "the DeleteOptions body is not valid JSON: " + e.getMessage());
        }
    }

    private static ObjectNode decodeProtobuf(byte[] body, WriteOptions options) {
        ProtobufDecoder.Decoded decoded;
        try {
            decoded = ProtobufDecoder.decode(body);
        } catch (ProtobufDecodingException e) {
            throw ApiException.badRequest(
                    "the request body could not be decoded as "
                            + ProtobufDecoder.MEDIA_TYPE
                            + ": "
                            + e.getMessage());
        } catch (UnsupportedProtobufKindException e) {
            throw ApiException.unsupportedMediaType(
                    "the body of the request was in an unknown format - " + e.getMessage());
        }
        if (!decoded.unknownFields().isEmpty()
                && options.fieldValidation() != WriteOptions.FieldValidation.IGNORE) {
            List<String> warnings = new ArrayList<>();
            for (String field : decoded.unknownFields()) {
                warnings.add("unknown field \"" + field + "\"");
            }
            if (options.fieldValidation() == WriteOptions.FieldValidation.STRICT) {
                String version =
                        decoded.apiVersion().substring(decoded.apiVersion().indexOf('/') + 1);
                throw ApiException.badRequest(
                        decoded.kind()
                                + " in version \""
                                + version
                                + "\" cannot be handled as a "
                                + decoded.kind()
                                + ": strict decoding error: "
                                + String.join(", ", warnings));
            }
            options.warnings().addAll(warnings);
        }
        return decoded.object();
    }

    private static WriteOptions strictUnlessIgnored(HttpExchange exchange) {
        return new WriteOptions(
                false,
                "Ignore".equals(exchange.query("fieldValidation"))
                        ? WriteOptions.FieldValidation.IGNORE
                        : WriteOptions.FieldValidation.STRICT,
                new ArrayList<>());
    }
}
