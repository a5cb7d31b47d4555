package io.j8s.api.patch;

import java.util.HashMap;
import java.util.Map;

/**
 * The strategic-merge metadata of one API type: for each field that is not merged the default way,
 * whether its list merges ({@code patchStrategy: merge}) and on which key ({@code patchMergeKey}),
 * and the metadata of the field's own type (of the elements, for a list). A field absent from the
 * metadata merges as a map or is replaced as a list or scalar. Immutable.
 */
public final class PatchMeta {

    /** A type with no special fields. */
    public static final PatchMeta NONE = new PatchMeta(Map.of());

    /**
     * One field.
     *
     * @param type metadata of the field's type (of the list's elements for lists)
     * @param merge true when the list merges ({@code patchStrategy: merge}); false: replaced
     * @param mergeKey the key identifying elements of a merged list of objects; {@code ""} for
     *     lists of primitives
     */
    public record Field(PatchMeta type, boolean merge, String mergeKey) {}

    private final Map<String, Field> fields;

    private PatchMeta(Map<String, Field> fields) {
        this.fields = Map.copyOf(fields);
    }

    /** The field's metadata, or a plain field of type {@link #NONE}. */
    public Field field(String name) {
        Field f = fields.get(name);
        return f != null ? f : new Field(NONE, false, "");
    }

    /** Whether no field is special (every field merges the default way). */
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link PatchMeta}. */
    public static final class Builder {
        private final Map<String, Field> fields = new HashMap<>();

        /** A nested object (or map) field of the given type. */
        public Builder object(String name, PatchMeta type) {
            fields.put(name, new Field(type, false, ""));
            return this;
        }

        /** A list of objects merged on {@code mergeKey}. */
        public Builder mergeList(String name, String mergeKey, PatchMeta elementType) {
            fields.put(name, new Field(elementType, true, mergeKey));
            return this;
        }

        public Builder mergeList(String name, String mergeKey) {
            return mergeList(name, mergeKey, NONE);
        }

        /** A list of primitives merged as a set ({@code finalizers}). */
        public Builder mergePrimitives(String name) {
            fields.put(name, new Field(NONE, true, ""));
            return this;
        }

        /** A list of objects that is replaced as a whole but whose elements have metadata. */
        public Builder atomicList(String name, PatchMeta elementType) {
            fields.put(name, new Field(elementType, false, ""));
            return this;
        }

        public PatchMeta build() {
            return new PatchMeta(fields);
        }
    }
}
