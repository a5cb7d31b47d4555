package io.j8s.apiserver.apiextensions.schema;

import io.j8s.api.validation.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CRD version's structural {@code openAPIV3Schema}, parsed once: validation of custom resources
 * against it, defaulting and pruning, as Kubernetes' apiextensions-apiserver does them (see
 * docs/custom-resources.md, "Structural schemas"). Thread-safe and immutable.
 */
public final class StructuralSchema {

    private final SchemaNode root;

    private StructuralSchema(SchemaNode root) {
        this.root = root;
    }

    /**
     * Parses a schema that {@link #checkStructural} accepted. Patterns are compiled here, once.
     *
     * @throws IllegalArgumentException when the schema is not a JSON object, nests deeper than 128
     *     levels or has a pattern Go's regexp would reject
     */
    public static StructuralSchema parse(JsonNode openAPIV3Schema) {
        Objects.requireNonNull(openAPIV3Schema, "openAPIV3Schema");
        // a copy: defaults and enum values must not change if the caller's tree does
        return new StructuralSchema(SchemaNode.parse(openAPIV3Schema.deepCopy()));
    }

    /**
     * The errors that make Kubernetes reject a CRD for this schema (structural rules, forbidden
     * fields, list and map types, defaults that do not validate or are not pruned), under {@code
     * fieldPath}, e.g. {@code spec.versions[0].schema.openAPIV3Schema}. Empty when it is accepted.
     */
    public static List<FieldError> checkStructural(JsonNode openAPIV3Schema, String fieldPath) {
        return StructuralCheck.check(openAPIV3Schema, fieldPath);
    }

    /**
     * Every error of {@code object} against the schema, in Kubernetes' words: the OpenAPI
     * validation, then the embedded-resource checks, then set and map list uniqueness. {@code
     * metadata} at the root is left to the caller's ObjectMeta validation (the schema may only
     * restrict its name and generateName, which is checked here).
     */
    public List<FieldError> validate(JsonNode object) {
        List<FieldError> errs = new ArrayList<>(new SchemaValidator(null).validate(root, object));
        EmbeddedResources.validate("", object, root, errs, 0);
        ListTypes.validate("", object, root, errs, 0);
        return errs;
    }

    /**
     * Sets the schema's defaults in {@code object} (in place): non-nullable nulls without a default
     * are dropped first, then missing fields of existing objects get their default.
     */
    public void applyDefaults(ObjectNode object) {
        Defaulter.apply(object, root);
    }

    /**
     * Drops the fields the schema does not specify (in place), keeping fields under {@code
     * x-kubernetes-preserve-unknown-fields} and the {@code apiVersion}, {@code kind} and {@code
     * metadata} of the resource and of embedded resources.
     */
    public void prune(ObjectNode object) {
        Pruner.prune(object, root, true);
    }
}
