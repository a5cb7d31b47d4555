package io.j8s.api.protobuf;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of one protobuf message, in the order of the Go struct (the order Go's {@code
 * encoding/json} writes them in). Immutable.
 */
final class MessageSchema {
    private final String name;
    private final List<FieldSchema> fields;
    private final Map<Integer, Integer> indexByNumber = new HashMap<>();

    /**
     * @param name the qualified name, {@code <group alias>.<Message>} ({@code core.ServicePort})
     * @param fields the fields in Go struct order
     * @throws IllegalArgumentException when two fields share a number or a JSON name
     */
    MessageSchema(String name, List<FieldSchema> fields) {
        this.name = name;
        this.fields = List.copyOf(fields);
        Set<String> jsonNames = new HashSet<>();
        for (int i = 0; i < this.fields.size(); i++) {
            FieldSchema field = this.fields.get(i);
            if (indexByNumber.put(field.number(), i) != null) {
                throw new IllegalArgumentException(
                        name + ": field number " + field.number() + " is used twice");
            }
            if (field.jsonName() != null && !jsonNames.add(field.jsonName())) {
                throw new IllegalArgumentException(
                        name + ": JSON name " + field.jsonName() + " is used twice");
            }
        }
    }

    String name() {
        return name;
    }

    List<FieldSchema> fields() {
        return fields;
    }

    /**
     * The position in {@link #fields()} of the field numbered {@code number}, or -1 when the
     * message has none.
     */
    int indexOf(int number) {
        Integer index = indexByNumber.get(number);
        return index == null ? -1 : index;
    }

    @Override
    public String toString() {
        return name;
    }
}
