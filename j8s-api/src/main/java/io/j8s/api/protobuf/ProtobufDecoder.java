package io.j8s.api.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.j8s.api.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes request bodies in the Kubernetes protobuf wire format ({@code
 * application/vnd.kubernetes.protobuf}), which kubectl's typed commands and client-go send, into
 * the JSON object the same client would have sent as JSON.
 *
 * <p>A body is the magic number {@code k8s\0} followed by a {@code runtime.Unknown} message: the
 * object's {@code apiVersion} and {@code kind}, and {@code raw}, the object in its type's generated
 * protobuf encoding. The object is decoded with j8s' tables of every kind it serves (see {@code
 * SchemaTable} for what they say). Fields the tables do not know are not dropped silently: their
 * paths are returned so that the caller reports them as strict decoding reports unknown JSON
 * fields.
 *
 * <p>Stateless and thread safe.
 */
public final class ProtobufDecoder {
    /** The media type of protobuf bodies. */
    public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";

    private static final byte[] MAGIC = {'k', '8', 's', 0};

    /**
     * A decoded body.
     *
     * @param apiVersion the body's {@code apiVersion}
     * @param kind the body's {@code kind}
     * @param object the object as JSON, {@code kind} and {@code apiVersion} first
     * @param unknownFields paths of fields the tables do not know ({@code spec.(protobuf field
     *     42)}), in body order
     */
    public record Decoded(
            String apiVersion, String kind, ObjectNode object, List<String> unknownFields) {
        public Decoded {
            unknownFields = List.copyOf(unknownFields);
        }
    }

    private ProtobufDecoder() {}

    /**
     * Decodes a protobuf request body.
     *
     * @throws ProtobufDecodingException when the body is not valid Kubernetes protobuf
     * @throws UnsupportedProtobufKindException when j8s has no table for the body's kind
     */
    public static Decoded decode(byte[] body) {
        return decode(body, Schemas.builtIn());
    }

    /** Whether j8s can decode protobuf objects of {@code apiVersion}/{@code kind}. */
    public static boolean supports(String apiVersion, String kind) {
        return Schemas.builtIn().forKind(apiVersion, kind).isPresent();
    }

    static Decoded decode(byte[] body, Schemas schemas) {
        if (body.length < MAGIC.length
                || body[0] != MAGIC[0]
                || body[1] != MAGIC[1]
                || body[2] != MAGIC[2]
                || body[3] != MAGIC[3]) {
            throw new ProtobufDecodingException(
                    "the body does not start with the Kubernetes protobuf prefix \"k8s\\0\"");
        }
        Envelope envelope =
                Envelope.read(ByteString.copyFrom(body, MAGIC.length, body.length - MAGIC.length));
        if (envelope.kind.isEmpty()) {
            throw new ProtobufDecodingException(
                    "the protobuf body does not name its kind (typeMeta.kind is empty)");
        }
        if (!envelope.contentEncoding.isEmpty()) {
            throw new ProtobufDecodingException(
                    "the protobuf body's content encoding \""
                            + envelope.contentEncoding
                            + "\" is not supported");
        }
        if (!envelope.contentType.isEmpty() && !envelope.contentType.equals(MEDIA_TYPE)) {
            throw new ProtobufDecodingException(
                    "the protobuf body's raw object is "
                            + envelope.contentType
                            + ", not "
                            + MEDIA_TYPE);
        }
        MessageSchema schema =
                schemas.forKind(envelope.apiVersion, envelope.kind)
                        .orElseThrow(
                                () ->
                                        new UnsupportedProtobufKindException(
                                                envelope.apiVersion, envelope.kind));
        MessageDecoder decoder = new MessageDecoder(schemas);
        ObjectNode fields = decoder.decodeObject(schema, envelope.raw, "");
        ObjectNode object = Json.object();
        object.put("kind", envelope.kind);
        object.put("apiVersion", envelope.apiVersion);
        object.setAll(fields);
        List<String> unknown = new ArrayList<>(envelope.unknownFields);
        unknown.addAll(decoder.unknownFields());
        return new Decoded(envelope.apiVersion, envelope.kind, object, unknown);
    }

    /**
     * The {@code runtime.Unknown} around the object: typeMeta 1 (apiVersion 1, kind 2), raw 2,
     * contentEncoding 3, contentType 4.
     */
    private static final class Envelope {
        String apiVersion = "";
        String kind = "";
        ByteString raw = ByteString.EMPTY;
        String contentEncoding = "";
        String contentType = "";
        final List<String> unknownFields = new ArrayList<>();

        static Envelope read(ByteString bytes) {
            Envelope envelope = new Envelope();
            try {
                CodedInputStream in = bytes.newCodedInput();
                for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                    int number = WireFormat.getTagFieldNumber(tag);
                    boolean delimited =
                            WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
                    if (number == 1 && delimited) {
                        envelope.readTypeMeta(in.readBytes());
                    } else if (number == 2 && delimited) {
                        envelope.raw = in.readBytes();
                    } else if (number == 3 && delimited) {
                        envelope.contentEncoding = in.readString();
                    } else if (number == 4 && delimited) {
                        envelope.contentType = in.readString();
                    } else if (number >= 1 && number <= 4) {
                        throw new ProtobufDecodingException(
                                "the protobuf envelope's field "
                                        + number
                                        + " has wire type "
                                        + WireFormat.getTagWireType(tag)
                                        + ", expected 2 (length-delimited)");
                    } else {
                        envelope.unknownFields.add("(protobuf envelope field " + number + ")");
                        if (!in.skipField(tag)) {
                            throw new ProtobufDecodingException(
                                    "unexpected end-group tag in the protobuf envelope");
                        }
                    }
                }
            } catch (IOException e) {
                throw new ProtobufDecodingException(
                        "malformed protobuf envelope: " + e.getMessage(), e);
            }
            return envelope;
        }

        private void readTypeMeta(ByteString bytes) throws IOException {
            CodedInputStream in = bytes.newCodedInput();
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                int number = WireFormat.getTagFieldNumber(tag);
                boolean delimited =
                        WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
                if (number == 1 && delimited) {
                    apiVersion = in.readString();
                } else if (number == 2 && delimited) {
                    kind = in.readString();
                } else if (number == 1 || number == 2) {
                    throw new ProtobufDecodingException(
                            "the protobuf typeMeta's field "
                                    + number
                                    + " has wire type "
                                    + WireFormat.getTagWireType(tag)
                                    + ", expected 2 (length-delimited)");
                } else {
                    unknownFields.add("(protobuf typeMeta field " + number + ")");
                    if (!in.skipField(tag)) {
                        throw new ProtobufDecodingException(
                                "unexpected end-group tag in the protobuf typeMeta");
                    }
                }
            }
        }
    }
}
