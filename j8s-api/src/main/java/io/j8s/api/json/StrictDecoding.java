package io.j8s.api.json;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.j8s.api.ResourceType;
import io.j8s.api.schema.ApiSchema;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;

/**
 * What Kubernetes' strict decoding reports for an object of a kind: fields the kind does not have
 * ({@code unknown field "spec.ports[0].foo"}), fields given twice ({@code duplicate field
 * "spec.type"}), and values of the wrong JSON type ({@code json: cannot unmarshal string into Go
 * struct field ServicePort.spec.ports.port of type int32}, which Kubernetes rejects whatever the
 * field validation mode).
 *
 * <p>The known fields are those of the schema model ({@link ApiSchema}, generated from the fabric8
 * model classes), which the OpenAPI documents publish; the Go types of the type errors are read
 * from the fabric8 classes' Java types. Thread safe; the per-class field tables are cached.
 */
public final class StrictDecoding {

    /** The outcome of checking one request body. */
    public record Result(
            List<String> unknownFields, List<String> duplicateFields, String typeError) {
        public Result {
            unknownFields = List.copyOf(unknownFields);
            duplicateFields = List.copyOf(duplicateFields);
        }

        /** No unknown or duplicate field (type errors are separate). */
        public boolean strictOk() {
            return unknownFields.isEmpty() && duplicateFields.isEmpty();
        }

        /**
         * One warning per problem, as {@code fieldValidation=Warn} sends them: {@code unknown field
         * "spec.foo"}.
         */
        public List<String> warnings() {
            List<String> out = new ArrayList<>();
            for (String f : unknownFields) {
                out.add("unknown field \"" + f + "\"");
            }
            for (String f : duplicateFields) {
                out.add("duplicate field \"" + f + "\"");
            }
            return out;
        }

        /**
         * {@code strict decoding error: unknown field "spec.foo", ...}, or null when strictly fine.
         */
        public String strictError() {
            return strictOk() ? null : "strict decoding error: " + String.join(", ", warnings());
        }
    }

    private static final Map<Class<?>, Map<String, Type>> FIELDS = new ConcurrentHashMap<>();

    private StrictDecoding() {}

    /** The fabric8 class of a kind, or null when j8s does not serve it. */
    public static Class<?> modelClass(String apiVersion, String kind) {
        return ApiSchema.modelClass(apiVersion, kind);
    }

    /**
     * Checks a request body (JSON) for an object of {@code type}.
     *
     * @throws tools.jackson.core.JacksonException when the body is not JSON
     */
    public static Result check(ResourceType type, byte[] json) {
        JsonNode node = Json.parse(json);
        Class<?> cls = modelClass(type.apiVersion(), type.kind());
        List<String> unknown = cls == null ? List.of() : unknownFields(cls, node);
        String typeError = cls == null ? null : typeError(cls, node);
        return new Result(unknown, duplicateFields(json), typeError);
    }

    /** Checks an already parsed object (no duplicate detection is possible on a tree). */
    public static Result check(ResourceType type, JsonNode object) {
        Class<?> cls = modelClass(type.apiVersion(), type.kind());
        if (cls == null) {
            return new Result(List.of(), List.of(), null);
        }
        return new Result(unknownFields(cls, object), List.of(), typeError(cls, object));
    }

    /**
     * The message of the 400 a bad body gets: {@code Service in version "v1" cannot be handled as a
     * Service: <detail>}.
     */
    public static String cannotBeHandled(ResourceType type, String detail) {
        return type.kind()
                + " in version \""
                + type.version()
                + "\" cannot be handled as a "
                + type.kind()
                + ": "
                + detail;
    }

    // ------------------------------------------------------------------ unknown fields

    /**
     * The paths of fields {@code cls} does not have, in document order. The known fields are those
     * of the schema model ({@link ApiSchema}), the same the OpenAPI documents publish.
     */
    public static List<String> unknownFields(Class<?> cls, JsonNode node) {
        List<String> out = new ArrayList<>();
        String name = ApiSchema.nameOf(cls);
        if (name != null) {
            walkUnknown(new ApiSchema.Ref(name), node, "", out);
        }
        return out;
    }

    private static void walkUnknown(
            ApiSchema.Shape shape, JsonNode node, String path, List<String> out) {
        if (node == null || node.isNull()) {
            return;
        }
        if (shape instanceof ApiSchema.ArrayOf array && node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walkUnknown(array.items(), node.get(i), path + "[" + i + "]", out);
            }
            return;
        }
        if (shape instanceof ApiSchema.MapOf map && node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                walkUnknown(map.values(), e.getValue(), join(path, e.getKey()), out);
            }
            return;
        }
        ApiSchema.Definition definition =
                shape instanceof ApiSchema.Ref ref ? ApiSchema.get().definition(ref.name()) : null;
        if (definition == null || definition.kind() != ApiSchema.Kind.OBJECT || !node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            ApiSchema.Property property = definition.property(e.getKey());
            String p = join(path, e.getKey());
            if (property == null) {
                out.add(p);
            } else {
                walkUnknown(property.shape(), e.getValue(), p, out);
            }
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    // ------------------------------------------------------------------ types

    /**
     * The first wrong-type value of an object of {@code type}; null when all types fit or the kind
     * has no model.
     */
    public static String typeError(ResourceType type, JsonNode object) {
        Class<?> cls = modelClass(type.apiVersion(), type.kind());
        return cls == null ? null : typeError(cls, object);
    }

    /** The first wrong-type value, worded as Go's json decoder; null when all types fit. */
    public static String typeError(Class<?> cls, JsonNode node) {
        return walkTypes(cls, node, "", cls.getSimpleName());
    }

    private static String walkTypes(Type type, JsonNode node, String goPath, String structName) {
        if (node == null || node.isNull()) {
            return null;
        }
        Class<?> raw = rawClass(type);
        if (raw == null || raw == Object.class) {
            return null;
        }
        if (List.class.isAssignableFrom(raw)) {
            if (!node.isArray()) {
                return mismatch(node, structName, goPath, "[]" + goTypeName(typeArgument(type, 0)));
            }
            for (JsonNode el : node) {
                String err = walkTypes(typeArgument(type, 0), el, goPath, structName);
                if (err != null) {
                    return err;
                }
            }
            return null;
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!node.isObject()) {
                return mismatch(
                        node,
                        structName,
                        goPath,
                        "map[string]" + goTypeName(typeArgument(type, 1)));
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String err = walkTypes(typeArgument(type, 1), e.getValue(), goPath, structName);
                if (err != null) {
                    return err;
                }
            }
            return null;
        }
        if (raw == String.class) {
            return node.isString() ? null : mismatch(node, structName, goPath, "string");
        }
        if (raw == io.fabric8.kubernetes.api.model.IntOrString.class) {
            // Go's IntOrString reads a string as it is and anything else into its int32, whose
            // error names no struct field (it comes from the type's own UnmarshalJSON)
            if (node.isString() || node.isIntegralNumber() && node.canConvertToInt()) {
                return null;
            }
            return mismatch(node.isNumber() ? "number " + node : kindOf(node), "", "", "int32");
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            if (!node.isNumber()) {
                return mismatch(node, structName, goPath, goTypeName(raw));
            }
            // Go parses the literal into the field's type: a fraction, or a value beyond int32
            // (int64), fails with the literal in the message.
            boolean int32 = raw == Integer.class || raw == int.class;
            boolean fits =
                    node.isIntegralNumber()
                            && (int32 ? node.canConvertToInt() : node.canConvertToLong());
            return fits
                    ? null
                    : mismatch("number " + node.toString(), structName, goPath, goTypeName(raw));
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return node.isBoolean() ? null : mismatch(node, structName, goPath, "bool");
        }
        if (raw == Double.class || raw == double.class || raw == Float.class) {
            return node.isNumber() ? null : mismatch(node, structName, goPath, "float64");
        }
        if (!isStruct(raw)) {
            return null;
        }
        if (!node.isObject()) {
            return mismatch(node, structName, goPath, "v1." + raw.getSimpleName());
        }
        Map<String, Type> fields = fieldsOf(raw);
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            Type fieldType = fields.get(e.getKey());
            if (fieldType != null) {
                String err =
                        walkTypes(
                                fieldType,
                                e.getValue(),
                                join(goPath, e.getKey()),
                                raw.getSimpleName());
                if (err != null) {
                    return err;
                }
            }
        }
        return null;
    }

    private static String mismatch(JsonNode node, String structName, String goPath, String goType) {
        return mismatch(kindOf(node), structName, goPath, goType);
    }

    private static String kindOf(JsonNode node) {
        return node.isString()
                ? "string"
                : node.isNumber()
                        ? "number"
                        : node.isBoolean()
                                ? "bool"
                                : node.isArray() ? "array" : node.isObject() ? "object" : "null";
    }

    private static String mismatch(String kind, String structName, String goPath, String goType) {
        if (goPath.isEmpty()) {
            return "json: cannot unmarshal " + kind + " into Go value of type " + goType;
        }
        return "json: cannot unmarshal "
                + kind
                + " into Go struct field "
                + structName
                + "."
                + goPath
                + " of type "
                + goType;
    }

    private static String goTypeName(Type t) {
        Class<?> raw = rawClass(t);
        if (raw == null) {
            return "interface {}";
        }
        if (raw == Integer.class || raw == int.class) {
            return "int32";
        }
        if (raw == Long.class || raw == long.class) {
            return "int64";
        }
        if (raw == String.class) {
            return "string";
        }
        if (raw == Boolean.class) {
            return "bool";
        }
        return "v1." + raw.getSimpleName();
    }

    // ------------------------------------------------------------------ duplicates

    /** Paths of properties that occur twice in the same JSON object, in document order. */
    public static List<String> duplicateFields(byte[] json) {
        List<String> out = new ArrayList<>();
        Deque<Frame> stack = new ArrayDeque<>();
        try (JsonParser p = Json.mapper().createParser(json)) {
            JsonToken t;
            String pendingName = null;
            while ((t = p.nextToken()) != null) {
                Frame top = stack.peek();
                switch (t) {
                    case PROPERTY_NAME -> {
                        pendingName = p.currentName();
                        if (!top.seen.add(pendingName)) {
                            out.add(join(top.path, pendingName));
                        }
                        continue;
                    }
                    case START_OBJECT, START_ARRAY -> {
                        String path = childPath(top, pendingName);
                        stack.push(new Frame(path, t == JsonToken.START_ARRAY));
                    }
                    case END_OBJECT, END_ARRAY -> {
                        stack.pop();
                        if (!stack.isEmpty() && stack.peek().array) {
                            stack.peek().index++;
                        }
                    }
                    default -> {
                        if (top != null && top.array) {
                            top.index++;
                        }
                    }
                }
                pendingName = null;
            }
        }
        return out;
    }

    private static String childPath(Frame parent, String name) {
        if (parent == null) {
            return "";
        }
        if (parent.array) {
            return parent.path + "[" + parent.index + "]";
        }
        return join(parent.path, name);
    }

    private static final class Frame {
        final String path;
        final boolean array;
        final Set<String> seen = new HashSet<>();
        int index;

        Frame(String path, boolean array) {
            this.path = path;
            this.array = array;
        }
    }

    // ------------------------------------------------------------------ reflection

    /** A fabric8 model struct: a class with an {@code additionalProperties} catch-all. */
    private static boolean isStruct(Class<?> raw) {
        return !fieldsOf(raw).isEmpty();
    }

    private static Map<String, Type> fieldsOf(Class<?> cls) {
        return FIELDS.computeIfAbsent(cls, StrictDecoding::scan);
    }

    private static Map<String, Type> scan(Class<?> cls) {
        if (!cls.getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return Map.of();
        }
        // Types with their own deserializer (Quantity, MicroTime, IntOrString) are scalars on the
        // wire.
        JsonDeserialize custom = cls.getAnnotation(JsonDeserialize.class);
        if (custom != null && custom.using() != ValueDeserializer.None.class) {
            return Map.of();
        }
        boolean hasCatchAll = false;
        Map<String, Type> fields = new LinkedHashMap<>();
        for (Class<?> c = cls; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                if (f.getName().equals("additionalProperties")) {
                    hasCatchAll = true;
                    continue;
                }
                if (f.isAnnotationPresent(JsonIgnore.class)) {
                    continue;
                }
                JsonProperty prop = f.getAnnotation(JsonProperty.class);
                if (prop == null) {
                    continue;
                }
                String name = prop.value().isEmpty() ? f.getName() : prop.value();
                fields.putIfAbsent(name, f.getGenericType());
            }
        }
        return hasCatchAll ? Map.copyOf(fields) : Map.of();
    }

    private static Class<?> rawClass(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    private static Type typeArgument(Type t, int i) {
        if (t instanceof ParameterizedType p && p.getActualTypeArguments().length > i) {
            return p.getActualTypeArguments()[i];
        }
        return Object.class;
    }
}
