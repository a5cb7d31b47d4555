package io.j8s.api.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.j8s.api.json.Json;
import io.j8s.api.protobuf.FieldSchema.Presence;
import io.j8s.api.protobuf.FieldSchema.Scalar;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes the wire bytes of one message into the JSON object a Go client would have sent for the
 * same value, following the message's table: fields in Go struct order, {@code omitempty} and
 * pointer semantics applied, maps sorted by key as {@code encoding/json} writes them. Protobuf's
 * merge rule holds: a singular message field sent twice is the merge of both.
 *
 * <p>Fields whose number the table does not know are skipped and their paths collected ({@link
 * #unknownFields()}). One instance decodes one body; not thread safe.
 */
final class MessageDecoder {
    /** Deeper nesting than any Kubernetes object has; bounds the recursion on hostile input. */
    static final int MAX_DEPTH = 100;

    private final Schemas schemas;
    private final List<String> unknownFields = new ArrayList<>();

    MessageDecoder(Schemas schemas) {
        this.schemas = schemas;
    }

    /**
     * The paths of the fields the tables did not know, in the order met ({@code spec.(protobuf
     * field 42)}).
     */
    List<String> unknownFields() {
        return List.copyOf(unknownFields);
    }

    /**
     * The JSON object of a message's bytes.
     *
     * @param path the JSON path of the message, for error messages and unknown fields ("" at the
     *     top)
     * @throws ProtobufDecodingException when the bytes are not a valid encoding of the message
     */
    ObjectNode decodeObject(MessageSchema schema, ByteString bytes, String path) {
        return decodeObject(schema, bytes, path, 0);
    }

    private ObjectNode decodeObject(
            MessageSchema schema, ByteString bytes, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ProtobufDecodingException(
                    where(path) + "messages nested deeper than " + MAX_DEPTH);
        }
        Object[] values = new Object[schema.fields().size()];
        CodedInputStream in = bytes.newCodedInput();
        String fieldPath = path;
        try {
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    break;
                }
                int number = WireFormat.getTagFieldNumber(tag);
                int index = schema.indexOf(number);
                if (index < 0) {
                    fieldPath = path;
                    unknownFields.add(join(path, "(protobuf field " + number + ")"));
                    if (!in.skipField(tag)) {
                        throw new ProtobufDecodingException(
                                where(path) + "unexpected end-group tag of field " + number);
                    }
                    continue;
                }
                FieldSchema field = schema.fields().get(index);
                fieldPath = field.jsonName() == null ? path : join(path, field.jsonName());
                values[index] =
                        readField(
                                field,
                                WireFormat.getTagWireType(tag),
                                in,
                                values[index],
                                fieldPath,
                                depth);
            }
        } catch (InvalidProtocolBufferException e) {
            throw new ProtobufDecodingException(
                    where(fieldPath) + "malformed protobuf: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ProtobufDecodingException(
                    where(fieldPath) + "unreadable protobuf: " + e.getMessage(), e);
        }
        return build(schema, values, path, depth);
    }

    /**
     * Reads one occurrence of a field into its accumulator: the scalar (last one wins), the list of
     * a singular message's encodings (merged when built), a list, or a sorted map.
     */
    @SuppressWarnings("unchecked")
    private Object readField(
            FieldSchema field,
            int wireType,
            CodedInputStream in,
            Object accumulated,
            String path,
            int depth)
            throws IOException {
        switch (field.shape()) {
            case SINGLE -> {
                expectWireType(field, wireType, path);
                if (field.message() == null) {
                    return readScalar(field.scalar(), in);
                }
                List<ByteString> encodings =
                        accumulated == null ? new ArrayList<>() : (List<ByteString>) accumulated;
                encodings.add(in.readBytes());
                return encodings;
            }
            case REPEATED -> {
                ArrayNode list = accumulated == null ? Json.array() : (ArrayNode) accumulated;
                if (field.message() != null) {
                    expectWireType(field, wireType, path);
                    list.add(
                            decodeValue(
                                    field.message(),
                                    in.readBytes(),
                                    path + "[" + list.size() + "]",
                                    depth + 1));
                } else if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED
                        && field.wireType() != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    while (in.getBytesUntilLimit() > 0) {
                        list.add(readScalar(field.scalar(), in));
                    }
                    in.popLimit(limit);
                } else {
                    expectWireType(field, wireType, path);
                    list.add(readScalar(field.scalar(), in));
                }
                return list;
            }
            case MAP -> {
                expectWireType(field, wireType, path);
                Map<String, JsonNode> map =
                        accumulated == null ? new TreeMap<>() : (Map<String, JsonNode>) accumulated;
                readMapEntry(field, in.readBytes(), map, path, depth + 1);
                return map;
            }
        }
        throw new IllegalStateException("unknown shape " + field.shape());
    }

    /**
     * A map entry is a message with the key as field 1 and the value as field 2; missing parts are
     * zero.
     */
    private void readMapEntry(
            FieldSchema field, ByteString entry, Map<String, JsonNode> map, String path, int depth)
            throws IOException {
        CodedInputStream in = entry.newCodedInput();
        String key = "";
        JsonNode value = null;
        while (true) {
            int tag = in.readTag();
            if (tag == 0) {
                break;
            }
            int number = WireFormat.getTagFieldNumber(tag);
            int wireType = WireFormat.getTagWireType(tag);
            if (number == 1 && wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                key = in.readString();
            } else if (number == 2) {
                expectWireType(field, wireType, path);
                value =
                        field.message() == null
                                ? readScalar(field.scalar(), in)
                                : decodeValue(
                                        field.message(),
                                        in.readBytes(),
                                        path + "[" + key + "]",
                                        depth);
            } else if (number == 1) {
                throw new ProtobufDecodingException(
                        where(path)
                                + "map key sent with wire type "
                                + wireType
                                + ", expected 2 (length-delimited)");
            } else {
                unknownFields.add(path + "[" + key + "].(protobuf field " + number + ")");
                if (!in.skipField(tag)) {
                    throw new ProtobufDecodingException(
                            where(path) + "unexpected end-group tag in a map entry");
                }
            }
        }
        if (value == null) {
            value =
                    field.message() == null
                            ? zero(field.scalar())
                            : decodeValue(
                                    field.message(),
                                    ByteString.EMPTY,
                                    path + "[" + key + "]",
                                    depth);
        }
        map.put(key, value);
    }

    /** A message value: its object, or the JSON form of a well-known type. */
    private JsonNode decodeValue(String messageName, ByteString bytes, String path, int depth) {
        ObjectNode object = decodeObject(schemas.message(messageName), bytes, path, depth);
        WellKnownTypes.Converter converter = WellKnownTypes.of(messageName);
        return converter == null ? object : converter.toJson(object, path);
    }

    /**
     * The object of a message from its fields' accumulated values, with Go's JSON presence rules.
     */
    @SuppressWarnings("unchecked")
    private ObjectNode build(MessageSchema schema, Object[] values, String path, int depth) {
        ObjectNode out = Json.object();
        List<FieldSchema> fields = schema.fields();
        for (int i = 0; i < fields.size(); i++) {
            FieldSchema field = fields.get(i);
            Object value = values[i];
            switch (field.shape()) {
                case REPEATED -> {
                    if (value != null) {
                        out.set(field.jsonName(), (ArrayNode) value);
                    } else if (field.presence() == Presence.ALWAYS) {
                        out.putNull(field.jsonName());
                    }
                }
                case MAP -> {
                    if (value != null) {
                        ObjectNode map = out.putObject(field.jsonName());
                        ((Map<String, JsonNode>) value).forEach(map::set);
                    } else if (field.presence() == Presence.ALWAYS) {
                        out.putNull(field.jsonName());
                    }
                }
                case SINGLE -> {
                    if (field.message() != null) {
                        setMessage(out, field, (List<ByteString>) value, path, depth);
                    } else {
                        setScalar(out, field, (JsonNode) value);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Value structs are always written (decoded from nothing when absent), pointers only when sent.
     */
    private void setMessage(
            ObjectNode out, FieldSchema field, List<ByteString> encodings, String path, int depth) {
        if (encodings == null && field.presence() == Presence.POINTER) {
            return;
        }
        ByteString bytes = encodings == null ? ByteString.EMPTY : ByteString.copyFrom(encodings);
        if (field.presence() == Presence.INLINE) {
            JsonNode inline = decodeValue(field.message(), bytes, path, depth + 1);
            if (!(inline instanceof ObjectNode object)) {
                throw new IllegalStateException(
                        field.message() + " cannot be inlined: its JSON is not an object");
            }
            out.setAll(object);
            return;
        }
        out.set(
                field.jsonName(),
                decodeValue(field.message(), bytes, join(path, field.jsonName()), depth + 1));
    }

    private static void setScalar(ObjectNode out, FieldSchema field, JsonNode value) {
        switch (field.presence()) {
            case POINTER -> {
                if (value != null) {
                    out.set(field.jsonName(), value);
                }
            }
            case ALWAYS -> out.set(field.jsonName(), value != null ? value : zero(field.scalar()));
            case OMIT_EMPTY -> {
                if (value != null && !isZero(value)) {
                    out.set(field.jsonName(), value);
                }
            }
            case INLINE -> throw new IllegalStateException("a scalar cannot be inline");
        }
    }

    private static JsonNode readScalar(Scalar scalar, CodedInputStream in) throws IOException {
        return switch (scalar) {
            case STRING -> Json.nodes().stringNode(in.readString());
            case BYTES ->
                    Json.nodes().stringNode(Base64.getEncoder().encodeToString(in.readByteArray()));
            case BOOL -> Json.nodes().booleanNode(in.readBool());
            case INT32 -> Json.nodes().numberNode(in.readInt32());
            case INT64 -> int64(in.readInt64());
            case DOUBLE -> Json.nodes().numberNode(in.readDouble());
        };
    }

    /** Go's zero value of a scalar as JSON; a nil {@code []byte} is {@code null}. */
    private static JsonNode zero(Scalar scalar) {
        return switch (scalar) {
            case STRING -> Json.nodes().stringNode("");
            case BYTES -> Json.nodes().nullNode();
            case BOOL -> Json.nodes().booleanNode(false);
            case INT32 -> Json.nodes().numberNode(0);
            case INT64 -> Json.nodes().numberNode(0);
            case DOUBLE -> Json.nodes().numberNode(0.0);
        };
    }

    /**
     * An int64 as the node parsing its JSON gives: an int node when it fits, as for any JSON body.
     */
    private static JsonNode int64(long value) {
        return value == (int) value
                ? Json.nodes().numberNode((int) value)
                : Json.nodes().numberNode(value);
    }

    private static boolean isZero(JsonNode value) {
        if (value.isString()) {
            return value.asString().isEmpty();
        }
        if (value.isBoolean()) {
            return !value.asBoolean();
        }
        return value.isNumber() && value.asDouble() == 0.0;
    }

    private static void expectWireType(FieldSchema field, int wireType, String path) {
        if (wireType != field.wireType()) {
            throw new ProtobufDecodingException(
                    where(path)
                            + "field "
                            + field.number()
                            + " sent with wire type "
                            + wireType
                            + ", expected "
                            + field.wireType());
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String where(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }
}
