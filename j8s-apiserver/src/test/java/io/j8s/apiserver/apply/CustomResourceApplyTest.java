package io.j8s.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.KindStrategy;
import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.table.TableColumn;
import io.j8s.api.validation.FieldError;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Apply to a custom resource through the CRD seam (docs/server-side-apply.md): a stand-in kind
 * whose {@link KindStrategy#openApiV3Schema()} gives the list types, as the {@code crd} part's
 * {@code CustomResourceStrategy} does.
 */
class CustomResourceApplyTest {
    private static final JsonNode SCHEMA =
            Json.readYamlObject(
                    """
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          workers:
                            type: array
                            x-kubernetes-list-type: map
                            x-kubernetes-list-map-keys: [name]
                            items:
                              type: object
                              properties:
                                name: {type: string}
                                size: {type: integer}
                      status:
                        type: object
                        properties:
                          phase: {type: string}
                    """);

    private static final ResourceType WIDGETS =
            new ResourceType(
                    "example.com",
                    "v1",
                    "Widget",
                    "widgets",
                    "widget",
                    true,
                    List.of(),
                    List.of(),
                    Set.of("status"),
                    new KindStrategy() {
                        @Override
                        public void applyDefaults(ObjectNode object) {}

                        @Override
                        public List<FieldError> validate(ObjectNode object, ObjectNode old) {
                            return List.of();
                        }

                        @Override
                        public Map<String, String> selectableFields(ObjectNode object) {
                            return Map.of();
                        }

                        @Override
                        public List<TableColumn> tableColumns() {
                            return List.of();
                        }

                        @Override
                        public List<Object> tableCells(ObjectNode object, Instant now) {
                            return List.of();
                        }

                        @Override
                        public Optional<JsonNode> openApiV3Schema() {
                            return Optional.of(SCHEMA);
                        }
                    });

    private static ObjectNode config(String spec) {
        return Json.readYamlObject(
                "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n" + spec);
    }

    @Test
    void twoControllersOwnTheirItemsOfAKeyedList() {
        // merge/multiple_appliers_test.go "remove_one_keep_one", with the list type of the CRD.
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        ObjectNode live =
                FieldManager.apply(
                        WIDGETS,
                        null,
                        config("spec:\n  workers: [{name: a, size: 1}]\nstatus: {phase: x}\n"),
                        "one",
                        false,
                        null,
                        now);
        live =
                FieldManager.apply(
                        WIDGETS,
                        live,
                        config("spec:\n  workers: [{name: b, size: 2}]\n"),
                        "two",
                        false,
                        null,
                        now);
        assertThat(Json.write(live.path("spec").get("workers")))
                .isEqualTo("[{\"name\":\"a\",\"size\":1},{\"name\":\"b\",\"size\":2}]");
        live = FieldManager.apply(WIDGETS, live, config(""), "one", false, null, now);
        assertThat(Json.write(live.path("spec").get("workers")))
                .isEqualTo("[{\"name\":\"b\",\"size\":2}]");
        JsonNode two = live.path("metadata").path("managedFields").get(0);
        assertThat(two.path("manager").asString()).isEqualTo("two");
        assertThat(Json.write(two.get("fieldsV1")))
                .isEqualTo(
                        "{\"f:spec\":{\"f:workers\":{\"k:{\\\"name\\\":\\\"b\\\"}\":"
                                + "{\".\":{},\"f:name\":{},\"f:size\":{}}}}}");
    }
}
