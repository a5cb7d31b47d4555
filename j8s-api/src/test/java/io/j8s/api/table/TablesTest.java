package io.j8s.api.table;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.api.TestData;
import io.j8s.api.json.Json;
import io.j8s.api.table.Tables.IncludeObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class TablesTest {

    private static final ResourceType PODS = ResourceTypes.resolve("po").orElseThrow();

    @Test
    void table_likeThePodsSample() {
        ObjectNode pod = TestData.json("samples/pod_obj.json");
        ObjectNode table =
                Tables.table(
                        PODS,
                        List.of(pod),
                        Instant.parse("2026-11-25T16:44:01Z"),
                        IncludeObject.METADATA,
                        false,
                        "135");
        JsonNode sample = TestData.json("samples/pods_table.json");
        assertThat(table.get("kind").asString()).isEqualTo("Table");
        assertThat(table.get("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
        assertThat(table.at("/metadata/resourceVersion").asString()).isEqualTo("135");
        assertThat(table.get("columnDefinitions")).hasSize(sample.get("columnDefinitions").size());
        assertThat(table.at("/rows/0/cells"))
                .isEqualTo(
                        Json.parse(
                                "[\"my-nginx-2hx6f74kb9-4b4ps\",\"1/1\",\"Running\",\"0\",\"7s\",\"10.244.0.8\",\"node-1\",\"<none>\",\"<none>\"]"));
        assertThat(table.at("/rows/0/object/kind").asString()).isEqualTo("PartialObjectMetadata");
        assertThat(table.at("/rows/0/object/metadata/labels"))
                .isEqualTo(sample.at("/rows/0/object/metadata/labels"));
        assertThat(table.at("/rows/0/object/spec").isMissingNode()).isTrue();
    }

    @Test
    void includeObjectAndNoHeaders() {
        ObjectNode pod = TestData.json("samples/pod_obj.json");
        ObjectNode full =
                Tables.table(
                        PODS,
                        List.of(pod),
                        Instant.now(),
                        IncludeObject.fromParameter("Object"),
                        true,
                        null);
        assertThat(full.get("columnDefinitions").isNull()).isTrue();
        assertThat(full.at("/rows/0/object/spec/nodeName").asString()).isEqualTo("node-1");
        ObjectNode none =
                Tables.table(
                        PODS,
                        List.of(pod),
                        Instant.now(),
                        IncludeObject.fromParameter("None"),
                        false,
                        null);
        assertThat(none.at("/rows/0").has("object")).isFalse();
        assertThat(IncludeObject.fromParameter(null)).isEqualTo(IncludeObject.METADATA);
        ObjectNode rs =
                Tables.table(
                        ResourceTypes.resolve("rs").orElseThrow(),
                        List.of(TestData.obj("metadata: {name: r}\nspec: {replicas: 2}")),
                        Instant.now(),
                        IncludeObject.NONE,
                        false,
                        null);
        assertThat(rs.at("/rows/0/cells/1").isIntegralNumber()).isTrue();
    }

    @Test
    void partialObjectMetadataOfEncodedBytes_isTheTreeVersion_withoutDecodingTheRest() {
        String pod =
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"spec\":{\"containers\":[{\"name\":\"c\","
                        + "\"args\":[\"{\\\"metadata\\\":1}\"]}]},"
                        + "\"metadata\":{\"name\":\"p\",\"namespace\":\"d\",\"labels\":{\"a\":\"é\"},"
                        + "\"ownerReferences\":[{\"uid\":\"u\",\"name\":\"o\"}]},"
                        + "\"status\":{\"phase\":\"Running\"}}";
        byte[] bytes = pod.getBytes(java.nio.charset.StandardCharsets.UTF_8);

        byte[] spliced = Tables.partialObjectMetadata(bytes);

        assertThat(Json.parse(new String(spliced, java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo(Tables.partialObjectMetadata(Json.parseObject(bytes)));
        assertThat(new String(spliced, java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\","
                                + "\"metadata\":{\"name\":\"p\",\"namespace\":\"d\","
                                + "\"labels\":{\"a\":\"é\"},"
                                + "\"ownerReferences\":[{\"uid\":\"u\",\"name\":\"o\"}]}}");
        // an object without metadata gets an empty one, as the tree version
        assertThat(
                        new String(
                                Tables.partialObjectMetadata(
                                        "{\"kind\":\"X\",\"spec\":{}}"
                                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                                java.nio.charset.StandardCharsets.UTF_8))
                .endsWith("\"metadata\":{}}");
    }
}
