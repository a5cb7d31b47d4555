package io.j8s.api.protobuf;

/**
 * One field of a protobuf message as j8s decodes it: its field number, the JSON name the same Go
 * field carries, its value type, whether it repeats, and how its absence or zero value shows in the
 * JSON a Go client would have sent.
 *
 * @param number the protobuf field number
 * @param jsonName the JSON name ({@code null} for an {@link Presence#INLINE inline} field)
 * @param shape single value, repeated value or map (string keys)
 * @param scalar the value type when it is not a message, else {@code null}
 * @param message the qualified message name ({@code core.PodSpec}) of a message value, else {@code
 *     null}
 * @param presence how a missing or zero value is written
 */
record FieldSchema(
        int number,
        String jsonName,
        Shape shape,
        Scalar scalar,
        String message,
        Presence presence) {

    /** Whether the field holds one value, a list, or a map with string keys. */
    enum Shape {
        SINGLE,
        REPEATED,
        MAP
    }

    /** The scalar types Kubernetes' protobuf messages use. */
    enum Scalar {
        STRING,
        BYTES,
        BOOL,
        INT32,
        INT64,
        DOUBLE
    }

    /**
     * How the JSON of a Go struct field reflects a value that protobuf may omit: Go's protobuf
     * encoder writes every non-pointer field (even zero), so only the Go type and the {@code
     * omitempty} tag decide what JSON would carry.
     */
    enum Presence {
        /**
         * {@code json:",omitempty"} on a value field: zero scalars and empty lists and maps are
         * left out. Value structs are written all the same ({@code encoding/json} never omits a
         * struct).
         */
        OMIT_EMPTY,
        /**
         * No {@code omitempty}: a zero scalar is written as zero, an empty list or map as {@code
         * null}.
         */
        ALWAYS,
        /**
         * A Go pointer: written exactly when the protobuf carries the field, zero values included.
         */
        POINTER,
        /** {@code json:",inline"}: the message's fields are written into the enclosing object. */
        INLINE
    }

    FieldSchema {
        if (number <= 0) {
            throw new IllegalArgumentException("field number must be positive, was " + number);
        }
        if ((scalar == null) == (message == null)) {
            throw new IllegalArgumentException(
                    "field " + number + " must have exactly one of a scalar or a message type");
        }
        boolean inline = presence == Presence.INLINE;
        if (inline
                ? jsonName != null || message == null || shape != Shape.SINGLE
                : jsonName == null) {
            throw new IllegalArgumentException(
                    "field "
                            + number
                            + ": only a single message field may be inline, and only an inline field has no JSON name");
        }
    }

    /** The protobuf wire type a single value of this field is written with. */
    int wireType() {
        if (message != null) {
            return com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;
        }
        return switch (scalar) {
            case STRING, BYTES -> com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED;
            case BOOL, INT32, INT64 -> com.google.protobuf.WireFormat.WIRETYPE_VARINT;
            case DOUBLE -> com.google.protobuf.WireFormat.WIRETYPE_FIXED64;
        };
    }
}
