package io.j8s.apiserver.auth.review;

import io.j8s.api.json.Json;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.rest.ApiException;
import io.j8s.apiserver.rest.Bodies;
import io.j8s.apiserver.rest.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * Request bodies of the reviews and TokenRequest, in JSON, YAML or — as kubectl's typed clients send
 * them ({@code auth can-i}, {@code auth whoami}, {@code create token}) — Kubernetes protobuf: the
 * {@code k8s\0} envelope around a {@code runtime.Unknown} whose raw bytes are the object. Only the
 * fields these requests carry are read ({@code generated.proto} of {@code authorization/v1} and
 * {@code authentication/v1}); others are skipped.
 */
final class ReviewBodies {
    static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    private ReviewBodies() {}

    /** A message's fields: number to name and type. */
    private record Schema(Map<Integer, Field> fields) {}

    private record Field(String name, Kind kind, Schema message) {
        static Field string(String name) {
            return new Field(name, Kind.STRING, null);
        }

        static Field strings(String name) {
            return new Field(name, Kind.STRINGS, null);
        }

        static Field int64(String name) {
            return new Field(name, Kind.INT64, null);
        }

        static Field message(String name, Schema schema) {
            return new Field(name, Kind.MESSAGE, schema);
        }
    }

    private enum Kind { STRING, STRINGS, INT64, MESSAGE }

    private static final Schema RESOURCE_ATTRIBUTES = new Schema(Map.of(1, Field.string("namespace"),
            2, Field.string("verb"), 3, Field.string("group"), 4, Field.string("version"), 5, Field.string("resource"),
            6, Field.string("subresource"), 7, Field.string("name")));
    private static final Schema NON_RESOURCE_ATTRIBUTES = new Schema(Map.of(1, Field.string("path"),
            2, Field.string("verb")));
    private static final Schema ACCESS_SPEC = new Schema(Map.of(1, Field.message("resourceAttributes",
            RESOURCE_ATTRIBUTES), 2, Field.message("nonResourceAttributes", NON_RESOURCE_ATTRIBUTES),
            3, Field.string("user"), 4, Field.strings("groups"), 6, Field.string("uid")));
    private static final Schema RULES_SPEC = new Schema(Map.of(1, Field.string("namespace")));
    private static final Schema TOKEN_SPEC = new Schema(Map.of(1, Field.strings("audiences"),
            3, Field.message("boundObjectRef", new Schema(Map.of(1, Field.string("kind"), 2, Field.string("apiVersion"),
                    3, Field.string("name"), 4, Field.string("uid")))), 4, Field.int64("expirationSeconds")));

    private static final Map<String, Schema> SPECS = Map.of("SelfSubjectAccessReview", ACCESS_SPEC,
            "SubjectAccessReview", ACCESS_SPEC, "SelfSubjectRulesReview", RULES_SPEC, "TokenRequest", TOKEN_SPEC,
            "SelfSubjectReview", new Schema(Map.of()));

    /** The request body as an object, whatever of JSON, YAML or protobuf it came in. */
    static ObjectNode decode(HttpExchange exchange) {
        if (!MediaTypes.baseType(exchange.header("Content-Type")).equals(PROTOBUF)) {
            return Bodies.decodeObject(exchange);
        }
        byte[] body = exchange.body();
        if (body.length < 4 || body[0] != MAGIC[0] || body[1] != MAGIC[1] || body[2] != MAGIC[2] || body[3] != 0) {
            throw ApiException.badRequest("the protobuf body lacks the k8s envelope");
        }
        try {
            Reader unknown = new Reader(body, 4, body.length);
            String apiVersion = "";
            String kind = "";
            byte[] raw = new byte[0];
            while (unknown.more()) {
                int tag = unknown.varint32();
                if (tag >>> 3 == 1 && (tag & 7) == 2) {
                    Reader typeMeta = unknown.nested();
                    while (typeMeta.more()) {
                        int t = typeMeta.varint32();
                        if (t >>> 3 == 1 && (t & 7) == 2) {
                            apiVersion = typeMeta.string();
                        } else if (t >>> 3 == 2 && (t & 7) == 2) {
                            kind = typeMeta.string();
                        } else {
                            typeMeta.skip(t);
                        }
                    }
                } else if (tag >>> 3 == 2 && (tag & 7) == 2) {
                    raw = unknown.bytes();
                } else {
                    unknown.skip(tag);
                }
            }
            Schema spec = SPECS.get(kind);
            if (spec == null) {
                throw ApiException.unsupportedMediaType(PROTOBUF + " (" + kind + ")", java.util.List.of(
                        MediaTypes.JSON, MediaTypes.YAML));
            }
            ObjectNode object = Json.object();
            object.put("apiVersion", apiVersion);
            object.put("kind", kind);
            Reader message = new Reader(raw, 0, raw.length);
            while (message.more()) {
                int tag = message.varint32();
                if (tag >>> 3 == 2 && (tag & 7) == 2) {
                    object.set("spec", read(message.nested(), spec));
                } else {
                    message.skip(tag);
                }
            }
            return object;
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw ApiException.badRequest("the protobuf body could not be decoded: " + e.getMessage());
        }
    }

    private static ObjectNode read(Reader in, Schema schema) {
        ObjectNode out = Json.object();
        while (in.more()) {
            int tag = in.varint32();
            Field field = schema.fields().get(tag >>> 3);
            if (field == null) {
                in.skip(tag);
                continue;
            }
            switch (field.kind()) {
                case STRING -> out.put(field.name(), in.string());
                case STRINGS -> {
                    var array = out.get(field.name()) instanceof tools.jackson.databind.node.ArrayNode a ? a
                            : out.putArray(field.name());
                    array.add(in.string());
                }
                case INT64 -> out.put(field.name(), in.varint64());
                case MESSAGE -> out.set(field.name(), read(in.nested(), field.message()));
                default -> in.skip(tag);
            }
        }
        return out;
    }

    /** Protobuf wire format over a byte range. */
    private static final class Reader {
        private final byte[] data;
        private int pos;
        private final int end;

        Reader(byte[] data, int from, int end) {
            this.data = data;
            this.pos = from;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint64() {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalStateException("truncated varint");
                }
                byte b = data[pos++];
                value |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new IllegalStateException("malformed varint");
        }

        int varint32() {
            return (int) varint64();
        }

        Reader nested() {
            int length = varint32();
            if (length < 0 || pos + length > end) {
                throw new IllegalStateException("a length runs past the end");
            }
            Reader r = new Reader(data, pos, pos + length);
            pos += length;
            return r;
        }

        byte[] bytes() {
            Reader r = nested();
            return java.util.Arrays.copyOfRange(data, r.pos, r.end);
        }

        String string() {
            Reader r = nested();
            return new String(data, r.pos, r.end - r.pos, StandardCharsets.UTF_8);
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint64();
                case 1 -> pos += 8;
                case 2 -> nested();
                case 5 -> pos += 4;
                default -> throw new IllegalStateException("unsupported wire type " + (tag & 7));
            }
            if (pos > end) {
                throw new IllegalStateException("a field runs past the end");
            }
        }
    }
}
