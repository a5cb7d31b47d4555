package io.j8s.apiserver.apiextensions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class SimpleJsonPathTest {
    private final JsonNode object =
            Json.parse(
                    "{\"spec\":{\"replicas\":3,\"ports\":[{\"port\":80},{\"port\":443}]},"
                            + "\"status\":{\"conditions\":[{\"type\":\"Synced\",\"status\":\"False\"},"
                            + "{\"type\":\"Ready\",\"status\":\"True\"}]}}");

    @Test
    void fieldsIndexesWildcardsAndFilters() {
        assertThat(SimpleJsonPath.parse(".spec.replicas").first(object).asInt()).isEqualTo(3);
        assertThat(SimpleJsonPath.parse(".spec.ports[1].port").first(object).asInt())
                .isEqualTo(443);
        assertThat(SimpleJsonPath.parse(".spec.ports[*].port").find(object)).hasSize(2);
        assertThat(
                        SimpleJsonPath.parse(".status.conditions[?(@.type==\"Ready\")].status")
                                .first(object)
                                .asString())
                .isEqualTo("True");
        assertThat(SimpleJsonPath.parse("{.spec.missing}").first(object)).isNull();
        assertThat(SimpleJsonPath.parse(".spec.replicas").fields())
                .containsExactly("spec", "replicas");
    }

    @Test
    void rejectsWhatIsNotASimplePath() {
        assertThatThrownBy(() -> SimpleJsonPath.parse("spec.replicas"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimpleJsonPath.parse(".spec[abc]"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
