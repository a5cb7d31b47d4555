package io.j8s.apiserver.apiextensions;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import io.j8s.api.table.TableColumn;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class CustomResourceStrategyTest {
    private static final JsonNode VERSION =
            Json.readYamlObject(
                    """
                    name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema: {type: object}
                    subresources:
                      status: {}
                      scale:
                        specReplicasPath: .spec.size
                        statusReplicasPath: .status.size
                        labelSelectorPath: .status.selector
                    additionalPrinterColumns:
                    - {name: Size, type: integer, jsonPath: .spec.size}
                    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
                    - {name: Ready, type: boolean, jsonPath: .status.ready}
                    selectableFields:
                    - jsonPath: .spec.color
                    """);

    private final CustomResourceStrategy strategy =
            new CustomResourceStrategy("example.com", true, VERSION, SchemaSupport.ACCEPT_ALL);

    private static ObjectNode widget() {
        return Json.readYamlObject(
                """
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w, namespace: default, creationTimestamp: "2026-01-01T00:00:00Z"}
                spec: {size: 3, color: red}
                status: {size: 2, ready: true, selector: "app=w"}
                """);
    }

    @Test
    void printerColumnsAndCells() {
        assertThat(strategy.tableColumns())
                .extracting(TableColumn::name)
                .containsExactly("Name", "Size", "Color", "Ready");
        assertThat(strategy.tableColumns().get(2).priority()).isEqualTo(1);
        assertThat(strategy.tableCells(widget(), Instant.parse("2026-01-02T00:00:00Z")))
                .containsExactly("w", 3L, "red", true);
    }

    @Test
    void withoutPrinterColumnsNameAndAge() {
        ObjectNode plain = ((ObjectNode) VERSION).deepCopy();
        plain.remove("additionalPrinterColumns");
        CustomResourceStrategy s =
                new CustomResourceStrategy("example.com", true, plain, SchemaSupport.ACCEPT_ALL);
        assertThat(s.tableColumns()).extracting(TableColumn::name).containsExactly("Name", "Age");
        assertThat(s.tableCells(widget(), Instant.parse("2026-01-02T00:00:00Z")))
                .containsExactly("w", "24h");
    }

    @Test
    void selectableFieldsAndScale() {
        assertThat(strategy.checkFieldLabel("spec.color")).isNull();
        assertThat(strategy.checkFieldLabel("spec.size"))
                .isEqualTo("field label not supported: spec.size");
        assertThat(strategy.selectableFields(widget())).containsEntry("spec.color", "red");
        ObjectNode w = widget();
        assertThat(strategy.specReplicas(w)).isEqualTo(3);
        assertThat(strategy.statusReplicas(w)).isEqualTo(2);
        assertThat(strategy.selector(w)).isEqualTo("app=w");
        strategy.setSpecReplicas(w, 7);
        assertThat(Json.longAt(w, "spec.size", 0)).isEqualTo(7);
    }

    @Test
    void statusIsTheServersOnCreateAndTheVersionIsServedAsAsked() {
        ObjectNode w = widget();
        strategy.prepareForCreate(w);
        assertThat(w.has("status")).isFalse();
        w.put("apiVersion", "example.com/v1beta1");
        strategy.prepareForServing(w);
        assertThat(Json.text(w, "apiVersion")).isEqualTo("example.com/v1");
        assertThat(strategy.openApiV3Schema()).isPresent();
    }

    @Test
    void createsAreRefusedWhileTheCrdTerminates() {
        var terminating = new java.util.concurrent.atomic.AtomicBoolean(true);
        CustomResourceStrategy s =
                new CustomResourceStrategy(
                        "example.com", true, VERSION, SchemaSupport.ACCEPT_ALL, terminating);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.prepareForCreate(widget()))
                .hasMessage("create not allowed while custom resource definition is terminating");
    }
}
