package io.j8s.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.json.Json;
import io.j8s.apiserver.errors.ApiException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The walks over a custom resource's OpenAPI v3 schema (the CRD seam: {@code
 * KindStrategy.openApiV3Schema()}), with the list and map types of structured-merge-diff's tests.
 */
class TypedTest {
    private static final ApplyType SCHEMA =
            ApplyType.OpenApi.root(
                    Json.readYamlObject(
                            """
                            type: object
                            properties:
                              spec:
                                type: object
                                properties:
                                  replicas: {type: integer}
                                  items:
                                    type: array
                                    x-kubernetes-list-type: map
                                    x-kubernetes-list-map-keys: [name, protocol]
                                    items:
                                      type: object
                                      properties:
                                        name: {type: string}
                                        protocol: {type: string, default: TCP}
                                        value: {type: integer}
                                  tags:
                                    type: array
                                    x-kubernetes-list-type: set
                                    items: {type: string}
                                  args:
                                    type: array
                                    items: {type: string}
                                  selector:
                                    type: object
                                    x-kubernetes-map-type: atomic
                                    additionalProperties: {type: string}
                                  free:
                                    type: object
                                    x-kubernetes-preserve-unknown-fields: true
                            """));

    private static JsonNode yaml(String text) {
        return Json.readYamlObject(text);
    }

    @Test
    void fieldSetOfEveryListAndMapType() {
        // typed/toset_test.go: items of a map list by their keys (the defaulted key filled in),
        // set items by value, an atomic list and an atomic map as one leaf, deduced maps by key.
        FieldSet set =
                Typed.toFieldSet(
                        yaml(
                                """
                                spec:
                                  items: [{name: a, value: 1}]
                                  tags: [x]
                                  args: [p, q]
                                  selector: {app: web}
                                  free: {deep: {k: v}}
                                """),
                        SCHEMA);
        assertThat(Json.write(set.toJson()))
                .isEqualTo(
                        "{\"f:spec\":{\"f:args\":{},\"f:free\":{\"f:deep\":{\".\":{},\"f:k\":{}}},"
                                + "\"f:items\":{\"k:{\\\"name\\\":\\\"a\\\",\\\"protocol\\\":\\\"TCP\\\"}\":"
                                + "{\".\":{},\"f:name\":{},\"f:value\":{}}},\"f:selector\":{},"
                                + "\"f:tags\":{\"v:\\\"x\\\"\":{}}}}");
    }

    @Test
    void mergeKeepsLiveItemsAndReplacesAtomics() {
        // merge/multiple_appliers_test.go and merge/set_test.go: keyed items and set values
        // merge; atomic lists and maps are replaced.
        JsonNode merged =
                Typed.merge(
                        yaml(
                                """
                                spec:
                                  items: [{name: a, protocol: TCP, value: 1}]
                                  tags: [x]
                                  args: [p]
                                  selector: {app: web, tier: front}
                                """),
                        yaml(
                                """
                                spec:
                                  items: [{name: b, value: 2}, {name: a, value: 3}]
                                  tags: [y]
                                  args: [q]
                                  selector: {app: api}
                                """),
                        SCHEMA);
        assertThat(Json.write(merged.get("spec")))
                .isEqualTo(
                        "{\"items\":[{\"name\":\"b\",\"value\":2},"
                                + "{\"name\":\"a\",\"protocol\":\"TCP\",\"value\":3}],"
                                + "\"tags\":[\"x\",\"y\"],\"args\":[\"q\"],"
                                + "\"selector\":{\"app\":\"api\"}}");
    }

    @Test
    void compareReportsAddedModifiedRemoved() {
        // typed/comparison_test.go: leaves and containers that appear, change or go.
        Typed.Comparison c =
                Typed.compare(
                        yaml("spec: {replicas: 1, tags: [x]}"),
                        yaml("spec: {replicas: 2, args: [a]}"),
                        SCHEMA);
        assertThat(c.modified().toString()).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
        assertThat(c.added().toString()).isEqualTo("{\"f:spec\":{\"f:args\":{}}}");
        assertThat(c.removed().toString())
                .isEqualTo("{\"f:spec\":{\"f:tags\":{\".\":{},\"v:\\\"x\\\"\":{}}}}");
    }

    @Test
    void duplicateKeysInAConfigAre422() {
        assertThatThrownBy(
                        () ->
                                Typed.toFieldSet(
                                        yaml("spec: {items: [{name: a}, {name: a}]}"), SCHEMA))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.code()).isEqualTo(422))
                .hasMessageContaining("duplicate entries for key [name=\"a\",protocol=\"TCP\"]");
    }

    @Test
    void fieldsV1RoundTrips() {
        String json =
                "{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:spec\":{\"f:items\":"
                        + "{\"k:{\\\"name\\\":\\\"a\\\"}\":{\".\":{},\"f:name\":{}}},\"f:tags\":{\"v:1\":{}}}}";
        assertThat(Json.write(FieldSet.fromJson(Json.parse(json)).toJson())).isEqualTo(json);
        assertThatThrownBy(() -> FieldSet.fromJson(Json.parse("{\"x:y\":{}}")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
