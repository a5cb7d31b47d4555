package io.j8s.apiserver.discovery;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.j8s.api.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Encodes a Swagger 2.0 document (a JSON tree) as the protobuf message {@code openapi.v2.Document}
 * of gnostic's {@code OpenAPIv2.proto}, which client-go decodes for {@code OpenAPISchema()}. Only
 * the messages and fields j8s' documents use are written, with gnostic's field numbers (noted at
 * each message below). Vendor extensions ({@code x-...}) are {@code NamedAny{name, Any{yaml}}}
 * whose YAML is the value's JSON (JSON is YAML). Proto3: empty strings and false are not written.
 */
final class GnosticV2 {

    private GnosticV2() {}

    static byte[] encode(JsonNode document) {
        return document(document).toByteString().toByteArray();
    }

    /** A message being written. */
    private static final class Message {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(buffer);

        /** One write to {@code out}. */
        private interface Write {
            void to(CodedOutputStream out) throws IOException;
        }

        private void write(Write w) {
            try {
                w.to(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Message string(int field, JsonNode value) {
            if (value != null && value.isString() && !value.stringValue().isEmpty()) {
                return string(field, value.stringValue());
            }
            return this;
        }

        Message string(int field, String value) {
            write(o -> o.writeString(field, value));
            return this;
        }

        Message strings(int field, JsonNode values) {
            if (values != null && values.isArray()) {
                for (JsonNode v : values) {
                    string(field, v.asString());
                }
            } else if (values != null && values.isString()) {
                string(field, values.stringValue());
            }
            return this;
        }

        Message bool(int field, JsonNode value) {
            if (value != null && value.isBoolean() && value.booleanValue()) {
                write(o -> o.writeBool(field, true));
            }
            return this;
        }

        Message int64(int field, JsonNode value) {
            if (value != null && value.isIntegralNumber() && value.longValue() != 0) {
                write(o -> o.writeInt64(field, value.longValue()));
            }
            return this;
        }

        Message dbl(int field, JsonNode value) {
            if (value != null && value.isNumber() && value.doubleValue() != 0) {
                write(o -> o.writeDouble(field, value.doubleValue()));
            }
            return this;
        }

        Message message(int field, Message m) {
            write(o -> o.writeBytes(field, m.toByteString()));
            return this;
        }

        ByteString toByteString() {
            write(CodedOutputStream::flush);
            return ByteString.copyFrom(buffer.toByteArray());
        }
    }

    /**
     * {@code NamedAny} entries (name 1, value 2: {@code Any} with yaml 2) of every {@code x-} key.
     */
    private static void vendorExtensions(Message m, int field, JsonNode node) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getKey().startsWith("x-")) {
                m.message(field, new Message().string(1, e.getKey()).message(2, any(e.getValue())));
            }
        }
    }

    /** {@code Any}: yaml 2. */
    private static Message any(JsonNode value) {
        return new Message().string(2, Json.mapper().writeValueAsString(value) + "\n");
    }

    /**
     * {@code Document}: swagger 1, info 2, host 3, base_path 4, schemes 5, consumes 6, produces 7,
     * paths 8, definitions 9, vendor_extension 16.
     */
    private static Message document(JsonNode doc) {
        Message m = new Message().string(1, doc.get("swagger"));
        JsonNode info = doc.get("info");
        if (info != null) {
            // Info: title 1, version 2, description 3, vendor_extension 7
            Message i =
                    new Message()
                            .string(1, info.get("title"))
                            .string(2, info.get("version"))
                            .string(3, info.get("description"));
            vendorExtensions(i, 7, info);
            m.message(2, i);
        }
        m.string(3, doc.get("host"))
                .string(4, doc.get("basePath"))
                .strings(5, doc.get("schemes"))
                .strings(6, doc.get("consumes"))
                .strings(7, doc.get("produces"));
        JsonNode paths = doc.get("paths");
        if (paths != null) {
            // Paths: vendor_extension 1, path 2 (NamedPathItem: name 1, value 2)
            Message p = new Message();
            vendorExtensions(p, 1, paths);
            for (Map.Entry<String, JsonNode> e : paths.properties()) {
                if (!e.getKey().startsWith("x-")) {
                    p.message(
                            2,
                            new Message().string(1, e.getKey()).message(2, pathItem(e.getValue())));
                }
            }
            m.message(8, p);
        }
        JsonNode definitions = doc.get("definitions");
        if (definitions != null) {
            // Definitions: additional_properties 1 (NamedSchema: name 1, value 2)
            m.message(9, namedSchemas(definitions));
        }
        vendorExtensions(m, 16, doc);
        return m;
    }

    private static Message namedSchemas(JsonNode schemas) {
        Message d = new Message();
        for (Map.Entry<String, JsonNode> e : schemas.properties()) {
            d.message(1, new Message().string(1, e.getKey()).message(2, schema(e.getValue())));
        }
        return d;
    }

    /**
     * {@code PathItem}: _ref 1, get 2, put 3, post 4, delete 5, options 6, head 7, patch 8,
     * parameters 9, vendor_extension 10.
     */
    private static Message pathItem(JsonNode item) {
        Message m = new Message().string(1, item.get("$ref"));
        String[] methods = {"get", "put", "post", "delete", "options", "head", "patch"};
        for (int i = 0; i < methods.length; i++) {
            JsonNode op = item.get(methods[i]);
            if (op != null) {
                m.message(2 + i, operation(op));
            }
        }
        parameters(m, 9, item.get("parameters"));
        vendorExtensions(m, 10, item);
        return m;
    }

    /**
     * {@code Operation}: tags 1, summary 2, description 3, operation_id 5, produces 6, consumes 7,
     * parameters 8, responses 9, schemes 10, deprecated 11, vendor_extension 13.
     */
    private static Message operation(JsonNode op) {
        Message m =
                new Message()
                        .strings(1, op.get("tags"))
                        .string(2, op.get("summary"))
                        .string(3, op.get("description"))
                        .string(5, op.get("operationId"))
                        .strings(6, op.get("produces"))
                        .strings(7, op.get("consumes"));
        parameters(m, 8, op.get("parameters"));
        JsonNode responses = op.get("responses");
        if (responses != null) {
            // Responses: response_code 1 (NamedResponseValue: name 1, value 2), vendor_extension 2.
            // ResponseValue: response 1. Response: description 1, schema 2 (SchemaItem: schema 1).
            Message r = new Message();
            for (Map.Entry<String, JsonNode> e : responses.properties()) {
                if (e.getKey().startsWith("x-")) {
                    continue;
                }
                Message response = new Message().string(1, e.getValue().get("description"));
                JsonNode schema = e.getValue().get("schema");
                if (schema != null) {
                    response.message(2, new Message().message(1, schema(schema)));
                }
                r.message(
                        1,
                        new Message()
                                .string(1, e.getKey())
                                .message(2, new Message().message(1, response)));
            }
            vendorExtensions(r, 2, responses);
            m.message(9, r);
        }
        m.strings(10, op.get("schemes")).bool(11, op.get("deprecated"));
        vendorExtensions(m, 13, op);
        return m;
    }

    /**
     * {@code ParametersItem}: parameter 1 ({@code Parameter}: body_parameter 1, non_body_parameter
     * 2), json_reference 2 ({@code JsonReference}: _ref 1, description 2).
     */
    private static void parameters(Message m, int field, JsonNode parameters) {
        if (parameters == null) {
            return;
        }
        for (JsonNode p : parameters) {
            Message item = new Message();
            if (p.has("$ref")) {
                item.message(
                        2, new Message().string(1, p.get("$ref")).string(2, p.get("description")));
            } else if ("body".equals(p.path("in").asString())) {
                // BodyParameter: description 1, name 2, in 3, required 4, schema 5,
                // vendor_extension 6
                Message body =
                        new Message()
                                .string(1, p.get("description"))
                                .string(2, p.get("name"))
                                .string(3, p.get("in"))
                                .bool(4, p.get("required"));
                if (p.has("schema")) {
                    body.message(5, schema(p.get("schema")));
                }
                vendorExtensions(body, 6, p);
                item.message(1, new Message().message(1, body));
            } else {
                item.message(1, new Message().message(2, nonBody(p)));
            }
            m.message(field, item);
        }
    }

    /**
     * {@code NonBodyParameter}: header 1, form data 2, query 3, path 4. The query sub-schema has
     * required 1, in 2, description 3, name 4, allow_empty_value 5, type 6, format 7, ...,
     * unique_items 20, vendor_extension 23; the header and path ones lack allow_empty_value, so
     * from type on their numbers are one less (type 5, format 6, unique_items 19, vendor_extension
     * 22).
     */
    private static Message nonBody(JsonNode p) {
        String in = p.path("in").asString();
        int choice =
                switch (in) {
                    case "header" -> 1;
                    case "formData" -> 2;
                    case "path" -> 4;
                    default -> 3;
                };
        boolean withAllowEmpty = choice == 2 || choice == 3;
        int shift = withAllowEmpty ? 0 : -1;
        Message s =
                new Message()
                        .bool(1, p.get("required"))
                        .string(2, p.get("in"))
                        .string(3, p.get("description"))
                        .string(4, p.get("name"));
        if (withAllowEmpty) {
            s.bool(5, p.get("allowEmptyValue"));
        }
        s.string(6 + shift, p.get("type"))
                .string(7 + shift, p.get("format"))
                .bool(20 + shift, p.get("uniqueItems"));
        vendorExtensions(s, 23 + shift, p);
        return new Message().message(choice, s);
    }

    /**
     * {@code Schema}: _ref 1, format 2, title 3, description 4, default 5, maximum 7, minimum 9,
     * max_length 11, min_length 12, pattern 13, max_items 14, min_items 15, unique_items 16,
     * required 19, enum 20, additional_properties 21 ({@code AdditionalPropertiesItem}: schema 1,
     * boolean 2), type 22 ({@code TypeItem}: value 1), items 23 ({@code ItemsItem}: schema 1),
     * all_of 24, properties 25 ({@code Properties}: additional_properties 1), read_only 27, example
     * 30, vendor_extension 31.
     */
    private static Message schema(JsonNode s) {
        Message m =
                new Message()
                        .string(1, s.get("$ref"))
                        .string(2, s.get("format"))
                        .string(3, s.get("title"))
                        .string(4, s.get("description"));
        if (s.has("default")) {
            m.message(5, any(s.get("default")));
        }
        m.dbl(7, s.get("maximum"))
                .dbl(9, s.get("minimum"))
                .int64(11, s.get("maxLength"))
                .int64(12, s.get("minLength"))
                .string(13, s.get("pattern"))
                .int64(14, s.get("maxItems"))
                .int64(15, s.get("minItems"))
                .bool(16, s.get("uniqueItems"))
                .strings(19, s.get("required"));
        JsonNode values = s.get("enum");
        if (values != null) {
            for (JsonNode v : values) {
                m.message(20, any(v));
            }
        }
        JsonNode additional = s.get("additionalProperties");
        if (additional != null) {
            m.message(
                    21,
                    additional.isBoolean()
                            ? new Message().bool(2, additional)
                            : new Message().message(1, schema(additional)));
        }
        if (s.has("type")) {
            m.message(22, new Message().strings(1, s.get("type")));
        }
        JsonNode items = s.get("items");
        if (items != null) {
            Message i = new Message();
            if (items.isArray()) {
                items.forEach(item -> i.message(1, schema(item)));
            } else {
                i.message(1, schema(items));
            }
            m.message(23, i);
        }
        JsonNode allOf = s.get("allOf");
        if (allOf != null) {
            allOf.forEach(a -> m.message(24, schema(a)));
        }
        JsonNode properties = s.get("properties");
        if (properties != null) {
            m.message(25, namedSchemas(properties));
        }
        m.bool(27, s.get("readOnly"));
        if (s.has("example")) {
            m.message(30, any(s.get("example")));
        }
        vendorExtensions(m, 31, s);
        return m;
    }
}
