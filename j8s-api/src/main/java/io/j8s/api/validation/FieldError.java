package io.j8s.api.validation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * One invalid field, worded as the Kubernetes apiserver words it ({@code field.Error}).
 *
 * @param field the path, e.g. {@code spec.ports[0].port}
 * @param type what is wrong
 * @param badValue the offending value as the message should show it (null when there is none)
 * @param detail the explanation, e.g. {@code must be between 1 and 65535, inclusive}
 */
public record FieldError(String field, Type type, Object badValue, String detail) {

    /** Error types with the {@code details.causes[].reason} and message prefix Kubernetes uses. */
    public enum Type {
        REQUIRED("FieldValueRequired", "Required value"),
        INVALID("FieldValueInvalid", "Invalid value"),
        /** {@code field.TypeInvalid}: a value of the wrong type (custom resource schemas). */
        TYPE_INVALID("FieldValueTypeInvalid", "Invalid value"),
        NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
        DUPLICATE("FieldValueDuplicate", "Duplicate value"),
        FORBIDDEN("FieldValueForbidden", "Forbidden"),
        TOO_LONG("FieldValueTooLong", "Too long"),
        TOO_MANY("FieldValueTooMany", "Too many"),
        NOT_FOUND("FieldValueNotFound", "Not found");

        private final String reason;
        private final String text;

        Type(String reason, String text) {
            this.reason = reason;
            this.text = text;
        }

        /** The {@code details.causes[].reason} value. */
        public String reason() {
            return reason;
        }

        public String text() {
            return text;
        }
    }

    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(type, "type");
    }

    /**
     * The message without the field, as in {@code details.causes[].message}: {@code Invalid value:
     * 0: must be between 1 and 65535, inclusive}, {@code Required value}.
     */
    public String message() {
        StringBuilder s = new StringBuilder(type.text());
        boolean valueShown =
                type != Type.REQUIRED
                        && type != Type.FORBIDDEN
                        && type != Type.TOO_LONG
                        && badValue != OMITTED;
        if (valueShown) {
            s.append(": ").append(GoValues.render(badValue));
        }
        if (detail != null && !detail.isEmpty()) {
            s.append(": ").append(detail);
        }
        return s.toString();
    }

    /** A bad value that the message leaves out (Kubernetes' {@code omitValue}). */
    public static final Object OMITTED =
            new Object() {
                @Override
                public String toString() {
                    return "<omitted>";
                }
            };

    /** {@code Required value}, optionally followed by {@code : detail}. */
    public static FieldError required(String field, String detail) {
        return new FieldError(field, Type.REQUIRED, OMITTED, detail);
    }

    public static FieldError required(String field) {
        return required(field, "");
    }

    /** {@code Invalid value: <value>: detail}. */
    public static FieldError invalid(String field, Object value, String detail) {
        return new FieldError(field, Type.INVALID, value, detail);
    }

    /** {@code Unsupported value: "x": supported values: "a", "b"}. */
    public static FieldError notSupported(
            String field, Object value, Collection<String> supported) {
        String detail = "";
        if (!supported.isEmpty()) {
            List<String> quoted = new ArrayList<>();
            for (String v : supported) {
                quoted.add(GoValues.quote(v));
            }
            detail = "supported values: " + String.join(", ", quoted);
        }
        return new FieldError(field, Type.NOT_SUPPORTED, value, detail);
    }

    /** {@code Duplicate value: <value>}. */
    public static FieldError duplicate(String field, Object value) {
        return new FieldError(field, Type.DUPLICATE, value, "");
    }

    /** {@code Not found: <value>}. */
    public static FieldError notFound(String field, Object value) {
        return new FieldError(field, Type.NOT_FOUND, value, "");
    }

    /** {@code Forbidden: detail}. */
    public static FieldError forbidden(String field, String detail) {
        return new FieldError(field, Type.FORBIDDEN, OMITTED, detail);
    }

    /** {@code Too long: may not be more than N bytes}. */
    public static FieldError tooLong(String field, int maxLength) {
        String unit = maxLength == 1 ? "byte" : "bytes";
        String detail =
                maxLength >= 0
                        ? "may not be more than " + maxLength + " " + unit
                        : "value is too long";
        return new FieldError(field, Type.TOO_LONG, OMITTED, detail);
    }

    /** {@code Too many: 1001: must have at most 1000 items}. */
    public static FieldError tooMany(String field, int actual, int max) {
        String detail =
                max >= 0
                        ? "must have at most " + max + (max == 1 ? " item" : " items")
                        : "has too many items";
        return new FieldError(
                field, Type.TOO_MANY, actual >= 0 ? (Object) actual : OMITTED, detail);
    }

    /**
     * The message of a 422 {@code Status}, as apimachinery's {@code NewInvalid} builds it: {@code
     * Service "x" is invalid: <one error>} or {@code ...: [<e1>, <e2>]}; identical errors are
     * listed once.
     */
    public static String invalidMessage(String kind, String name, List<FieldError> errors) {
        List<String> unique = new ArrayList<>();
        for (FieldError e : errors) {
            String text = e.toString();
            if (!unique.contains(text)) {
                unique.add(text);
            }
        }
        String prefix = kind + " " + GoValues.quote(name) + " is invalid";
        if (unique.isEmpty()) {
            return prefix;
        }
        if (unique.size() == 1) {
            return prefix + ": " + unique.get(0);
        }
        return prefix + ": [" + String.join(", ", unique) + "]";
    }

    /** {@code <field>: <message>}, as in the Status message. */
    @Override
    public String toString() {
        return field + ": " + message();
    }
}
