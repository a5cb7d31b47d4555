package io.j8s.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldErrorTest {

    @Test
    void message_rendersBadValuesAsGoDoes() {
        assertThat(
                        FieldError.invalid(
                                        "spec.ports[0].port",
                                        0,
                                        "must be between 1 and 65535, inclusive")
                                .message())
                .isEqualTo("Invalid value: 0: must be between 1 and 65535, inclusive");
        assertThat(FieldError.invalid("metadata.name", "Bad_Name", "x").message())
                .isEqualTo("Invalid value: \"Bad_Name\": x");
        assertThat(FieldError.invalid("f", true, "x").message())
                .isEqualTo("Invalid value: true: x");
        assertThat(FieldError.invalid("f", null, "x").message())
                .isEqualTo("Invalid value: null: x");
        assertThat(FieldError.invalid("f", List.of("a", "b"), "x").message())
                .isEqualTo("Invalid value: []string{\"a\", \"b\"}: x");
        assertThat(FieldError.invalid("f", Map.of("b", "2", "a", "1"), "x").message())
                .isEqualTo("Invalid value: map[string]string{\"a\":\"1\", \"b\":\"2\"}: x");
        assertThat(FieldError.invalid("f", "quote\"and\\slash\n", "x").message())
                .isEqualTo("Invalid value: \"quote\\\"and\\\\slash\\n\": x");
    }

    @Test
    void message_requiredForbiddenTooLongOmitTheValue() {
        assertThat(FieldError.required("spec.ports[0].name").message()).isEqualTo("Required value");
        assertThat(
                        FieldError.required("metadata.name", "name or generateName is required")
                                .message())
                .isEqualTo("Required value: name or generateName is required");
        assertThat(FieldError.forbidden("spec.x", "may not be set").message())
                .isEqualTo("Forbidden: may not be set");
        assertThat(FieldError.tooLong("metadata.annotations", 262144).message())
                .isEqualTo("Too long: may not be more than 262144 bytes");
    }

    @Test
    void message_notSupportedDuplicateTooMany() {
        assertThat(
                        FieldError.notSupported(
                                        "spec.sessionAffinity", "Foo", List.of("ClientIP", "None"))
                                .message())
                .isEqualTo("Unsupported value: \"Foo\": supported values: \"ClientIP\", \"None\"");
        assertThat(FieldError.duplicate("spec.ports[1].name", "http").message())
                .isEqualTo("Duplicate value: \"http\"");
        assertThat(FieldError.tooMany("endpoints", 1001, 1000).message())
                .isEqualTo("Too many: 1001: must have at most 1000 items");
        assertThat(FieldError.notFound("spec.containers[0].volumeMounts[0].name", "data").message())
                .isEqualTo("Not found: \"data\"");
    }

    @Test
    void toString_and_invalidMessage() {
        FieldError port =
                FieldError.invalid(
                        "spec.ports[0].port", 0, "must be between 1 and 65535, inclusive");
        FieldError name = FieldError.required("spec.ports[0].name");
        assertThat(port.toString())
                .isEqualTo(
                        "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive");
        assertThat(FieldError.invalidMessage("Service", "bad-svc", List.of(port)))
                .isEqualTo(
                        "Service \"bad-svc\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive");
        assertThat(FieldError.invalidMessage("Service", "bad-svc", List.of(port, name, name)))
                .isEqualTo(
                        "Service \"bad-svc\" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].name: Required value]");
        assertThat(port.type().reason()).isEqualTo("FieldValueInvalid");
    }
}
