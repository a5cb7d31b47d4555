package io.j8s.api.validation;

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
        NOT_SUPPORTED("FieldValueNotSupported", "Unsupported value"),
        DUPLICATE("FieldValueDuplicate", "Duplicate value"),
        FORBIDDEN("FieldValueForbidden", "Forbidden"),
        TOO_LONG("FieldValueTooLong", "Too long"),
        TOO_MANY("FieldValueTooMany", "Too many");

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
     * The message without the field, as in {@code details.causes[].message}: {@code Invalid
     * value: 0: must be between 1 and 65535, inclusive}, {@code Required value}.
     */
    public String message() {
        // Left for the implementation: the exact formats of k8s.io/apimachinery field.Error.
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** {@code <field>: <message>}, as in the Status message. */
    @Override
    public String toString() {
        return field + ": " + message();
    }
}
