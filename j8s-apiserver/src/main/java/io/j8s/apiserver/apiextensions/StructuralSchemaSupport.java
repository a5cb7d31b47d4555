package io.j8s.apiserver.apiextensions;

import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.apiextensions.cel.CelRules;
import io.j8s.apiserver.apiextensions.schema.StructuralSchema;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link SchemaSupport} by the structural schema ({@link StructuralSchema}) and the CEL rules
 * ({@link CelRules}) of a CRD version (docs/custom-resources.md). As Kubernetes'
 * customResourceStrategy.Validate: the schema's errors first, then the rules' ({@link
 * CelRules#validateAfterSchema}: none after a blocking schema error, with Kubernetes' notice).
 */
final class StructuralSchemaSupport implements SchemaSupport {

    @Override
    public List<FieldError> check(JsonNode openApiV3Schema, String fieldPath) {
        List<FieldError> errors =
                new ArrayList<>(StructuralSchema.checkStructural(openApiV3Schema, fieldPath));
        if (errors.isEmpty()) {
            errors.addAll(CelRules.check(openApiV3Schema, fieldPath));
        }
        return errors;
    }

    @Override
    public VersionSchema forVersion(JsonNode openApiV3Schema) {
        StructuralSchema schema = StructuralSchema.parse(openApiV3Schema);
        CelRules rules = CelRules.compile(openApiV3Schema, "openAPIV3Schema");
        return new VersionSchema() {
            @Override
            public List<FieldError> validate(JsonNode object, JsonNode oldOrNull) {
                List<FieldError> errors = new ArrayList<>(schema.validate(object));
                errors.addAll(rules.validateAfterSchema(errors, object, oldOrNull));
                return errors;
            }

            @Override
            public void applyDefaultsAndPrune(ObjectNode object) {
                schema.applyDefaults(object);
                schema.prune(object);
            }
        };
    }
}
