package io.j8s.apiserver.apiextensions;

import io.j8s.api.validation.FieldError;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checking a CRD version's {@code openAPIV3Schema}, and validating, defaulting and pruning the
 * custom resources of that version (docs/custom-resources.md). The server uses {@link
 * StructuralSchemaSupport} ({@code apiextensions.schema.StructuralSchema} and {@code
 * apiextensions.cel.CelRules}); {@link #ACCEPT_ALL} serves the tests that are not about schemas.
 */
interface SchemaSupport {

    /**
     * The errors of a CRD whose version schema is not structural or whose rules do not compile;
     * {@code fieldPath} is e.g. {@code spec.versions[0].schema.openAPIV3Schema}.
     */
    List<FieldError> check(JsonNode openApiV3Schema, String fieldPath);

    /** The validator, defaulter and pruner of one version's schema (already checked). */
    VersionSchema forVersion(JsonNode openApiV3Schema);

    /** What the strategy of one served version calls. */
    interface VersionSchema {
        /** Every error of {@code object} (schema and rules), with {@code old} on update. */
        List<FieldError> validate(JsonNode object, JsonNode oldOrNull);

        /** Defaults, then prunes unknown fields (Kubernetes' order on decoding). */
        void applyDefaultsAndPrune(ObjectNode object);
    }

    /** Accepts every schema and every object, changing nothing (for tests). */
    SchemaSupport ACCEPT_ALL =
            new SchemaSupport() {
                @Override
                public List<FieldError> check(JsonNode openApiV3Schema, String fieldPath) {
                    return List.of();
                }

                @Override
                public VersionSchema forVersion(JsonNode openApiV3Schema) {
                    return new VersionSchema() {
                        @Override
                        public List<FieldError> validate(JsonNode object, JsonNode oldOrNull) {
                            return List.of();
                        }

                        @Override
                        public void applyDefaultsAndPrune(ObjectNode object) {}
                    };
                }
            };
}
