package io.j8s.api.protobuf;

import io.j8s.api.json.Json;
import io.j8s.api.time.GoDurations;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The apimachinery types whose JSON is not the JSON of their protobuf message: times, durations,
 * int-or-strings, quantities, embedded raw JSON and {@code ExtraValue} lists. Each turns the
 * message as decoded from its table (fields present exactly when sent) into the value Go's {@code
 * MarshalJSON} of the type writes. Stateless.
 */
final class WellKnownTypes {

    /** Turns a decoded message into its JSON form. */
    @FunctionalInterface
    interface Converter {
        /**
         * @param raw the message's fields as decoded (all its fields are pointers: present exactly
         *     when sent)
         * @param path the JSON path of the value, for error messages
         * @throws ProtobufDecodingException when the value cannot be represented as JSON
         */
        JsonNode toJson(ObjectNode raw, String path);
    }

    /**
     * Go's zero {@code time.Time}, 0001-01-01T00:00:00Z, which Kubernetes writes as {@code null}.
     */
    private static final long GO_ZERO_TIME_SECONDS = -62135596800L;

    private static final Instant LAST_RFC3339_SECOND = Instant.parse("9999-12-31T23:59:59Z");

    private static final DateTimeFormatter RFC3339 =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter RFC3339_MICRO =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final Map<String, Converter> CONVERTERS =
            Map.of(
                    "meta.Time", (raw, path) -> time(raw, path, RFC3339),
                    "meta.MicroTime", (raw, path) -> time(raw, path, RFC3339_MICRO),
                    "meta.Duration",
                            (raw, path) ->
                                    Json.nodes()
                                            .stringNode(
                                                    GoDurations.format(
                                                            raw.path("duration").asLong(0))),
                    "meta.FieldsV1", (raw, path) -> embeddedJson(raw, "Raw", path),
                    "runtime.RawExtension", (raw, path) -> embeddedJson(raw, "raw", path),
                    "intstr.IntOrString", WellKnownTypes::intOrString,
                    "resource.Quantity",
                            (raw, path) ->
                                    Json.nodes().stringNode(raw.path("string").asString("0")),
                    "authentication.ExtraValue", WellKnownTypes::stringList,
                    "authorization.ExtraValue", WellKnownTypes::stringList);

    private WellKnownTypes() {}

    /** The converter of a message, or null when its JSON is its fields. */
    static Converter of(String messageName) {
        return CONVERTERS.get(messageName);
    }

    /**
     * A {@code metav1.Time} or {@code MicroTime}: Go writes the zero time as an empty message and
     * as JSON {@code null}; any other instant as RFC 3339 in UTC (seconds or microseconds).
     */
    private static JsonNode time(ObjectNode raw, String path, DateTimeFormatter format) {
        if (!raw.has("seconds") && !raw.has("nanos")) {
            return Json.nodes().nullNode();
        }
        long seconds = raw.path("seconds").asLong(0);
        long nanos = raw.path("nanos").asLong(0);
        Instant instant = Instant.ofEpochSecond(seconds, nanos);
        if (instant.getEpochSecond() == GO_ZERO_TIME_SECONDS && instant.getNano() == 0) {
            return Json.nodes().nullNode();
        }
        if (instant.isBefore(Instant.ofEpochSecond(GO_ZERO_TIME_SECONDS))
                || instant.isAfter(LAST_RFC3339_SECOND)) {
            throw new ProtobufDecodingException(
                    path
                            + ": time "
                            + instant
                            + " is outside the years 0001-9999 that RFC 3339 can carry");
        }
        return Json.nodes().stringNode(format.format(instant));
    }

    /** {@code type} 1 is a string, anything else (0, or absent) the int value. */
    private static JsonNode intOrString(ObjectNode raw, String path) {
        if (raw.path("type").asLong(0) == 1) {
            return Json.nodes().stringNode(raw.path("strVal").asString(""));
        }
        return Json.nodes().numberNode(raw.path("intVal").asInt(0));
    }

    /**
     * Bytes that hold JSON, embedded as they are ({@code null} when empty), as Go's {@code
     * MarshalJSON} does.
     */
    private static JsonNode embeddedJson(ObjectNode raw, String field, String path) {
        byte[] bytes = Base64.getDecoder().decode(raw.path(field).asString(""));
        if (bytes.length == 0) {
            return Json.nodes().nullNode();
        }
        try {
            return Json.parse(bytes);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new ProtobufDecodingException(
                    path
                            + ": the embedded bytes are not JSON ("
                            + bytes.length
                            + " bytes): "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * A message wrapping {@code repeated string items}, whose JSON is the list itself ({@code null}
     * when empty).
     */
    private static JsonNode stringList(ObjectNode raw, String path) {
        JsonNode items = raw.get("items");
        return items instanceof ArrayNode ? items : Json.nodes().nullNode();
    }
}
