package io.j8s.api.protobuf;

import io.j8s.api.protobuf.FieldSchema.Presence;
import io.j8s.api.protobuf.FieldSchema.Scalar;
import io.j8s.api.protobuf.FieldSchema.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The messages of one protobuf package (an API group version, or one of apimachinery's small
 * packages) in j8s' compact notation, and the kinds it serves. Immutable.
 *
 * <p>Notation: a line without indentation names a message; each indented line below it is one
 * field, {@code <number> <jsonName> <type>[?|!]}, in Go struct order. Types are {@code string},
 * {@code bytes}, {@code bool}, {@code int32}, {@code int64}, {@code double}, a message of the same
 * package ({@code ServicePort}) or of another ({@code meta.ObjectMeta}), a list {@code []T} or a
 * map with string keys {@code map<T>}. The suffix {@code ?} marks a Go pointer (kept exactly when
 * present, zero included), {@code !} a field without {@code omitempty} (written even when zero; an
 * empty list or map as {@code null}); no suffix means {@code omitempty}. {@code <number> -
 * <Message> inline} is a struct embedded with {@code json:",inline"}. Lines starting with {@code #}
 * are comments.
 *
 * @param alias the package's short name used in qualified message names ({@code core})
 * @param apiVersion the API version whose kinds the package serves ({@code v1}), or null
 * @param kinds the kinds served, each the message of the same name
 * @param messages the message table
 */
record SchemaTable(String alias, String apiVersion, List<String> kinds, String messages) {

    SchemaTable {
        kinds = List.copyOf(kinds);
    }

    /**
     * The messages of this table, their references qualified.
     *
     * @throws IllegalArgumentException naming the line that does not follow the notation
     */
    List<MessageSchema> parse() {
        List<MessageSchema> out = new ArrayList<>();
        String message = null;
        List<FieldSchema> fields = new ArrayList<>();
        for (String raw : messages.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!Character.isWhitespace(raw.charAt(0))) {
                if (message != null) {
                    out.add(new MessageSchema(message, fields));
                }
                message = alias + "." + line;
                fields = new ArrayList<>();
                continue;
            }
            if (message == null) {
                throw new IllegalArgumentException(alias + ": field before any message: " + line);
            }
            try {
                fields.add(field(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        message + ": cannot read \"" + line + "\": " + e.getMessage(), e);
            }
        }
        if (message != null) {
            out.add(new MessageSchema(message, fields));
        }
        return out;
    }

    private FieldSchema field(String line) {
        String[] parts = line.split("\\s+");
        int number = Integer.parseInt(parts[0]);
        if (parts.length == 4 && parts[1].equals("-") && parts[3].equals("inline")) {
            return new FieldSchema(
                    number, null, Shape.SINGLE, null, qualify(parts[2]), Presence.INLINE);
        }
        if (parts.length != 3) {
            throw new IllegalArgumentException("expected <number> <jsonName> <type>");
        }
        String type = parts[2];
        Presence presence = Presence.OMIT_EMPTY;
        if (type.endsWith("?")) {
            presence = Presence.POINTER;
            type = type.substring(0, type.length() - 1);
        } else if (type.endsWith("!")) {
            presence = Presence.ALWAYS;
            type = type.substring(0, type.length() - 1);
        }
        Shape shape = Shape.SINGLE;
        if (type.startsWith("[]")) {
            shape = Shape.REPEATED;
            type = type.substring(2);
        } else if (type.startsWith("map<") && type.endsWith(">")) {
            shape = Shape.MAP;
            type = type.substring(4, type.length() - 1);
        }
        if (shape != Shape.SINGLE && presence == Presence.POINTER) {
            throw new IllegalArgumentException("a list or map cannot be a pointer");
        }
        Scalar scalar = scalar(type);
        return new FieldSchema(
                number, parts[1], shape, scalar, scalar == null ? qualify(type) : null, presence);
    }

    private static Scalar scalar(String type) {
        return switch (type) {
            case "string", "bytes", "bool", "int32", "int64", "double" ->
                    Scalar.valueOf(type.toUpperCase(Locale.ROOT));
            default -> null;
        };
    }

    private String qualify(String type) {
        if (!Character.isUpperCase(type.charAt(type.lastIndexOf('.') + 1))) {
            throw new IllegalArgumentException("unknown type " + type);
        }
        return type.contains(".") ? type : alias + "." + type;
    }
}
