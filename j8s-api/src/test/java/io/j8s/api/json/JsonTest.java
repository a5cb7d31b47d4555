package io.j8s.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Service;
import io.j8s.api.TestData;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JsonTest {

    @Test
    void readYamlDocuments_multiDocumentWithCommentsAndEmptyDocs() {
        List<JsonNode> docs = TestData.yaml("seed/nginx-deploy.yaml");
        assertThat(docs)
                .extracting(d -> d.get("kind").asString())
                .containsExactly("Service", "Deployment");
        assertThat(Json.readYamlDocuments("---\n# only a comment\n---\na: 1\n---\n")).hasSize(1);
        assertThat(Json.readYamlDocuments("{\"a\":1}").get(0).get("a").asInt()).isEqualTo(1);
    }

    @Test
    void compactJsonIsoDatesAndLenientTypedBinding() {
        assertThat(Json.write(Map.of("a", List.of(1, 2)))).isEqualTo("{\"a\":[1,2]}");
        assertThat(Json.write(Map.of("t", Instant.parse("2026-11-25T16:43:54Z"))))
                .isEqualTo("{\"t\":\"2026-11-25T16:43:54Z\"}");
        Service svc =
                Json.convert(
                        Json.parse(
                                "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"foo\":1,\"ports\":[{\"port\":80}]}}"),
                        Service.class);
        assertThat(svc.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
        assertThat(svc.getSpec().getAdditionalProperties()).containsKey("foo");
        assertThat(Json.toObjectNode(svc).at("/metadata/name").asString()).isEqualTo("a");
    }

    @Test
    void treeHelpers() {
        var o =
                TestData.obj(
                        "metadata: {name: n, labels: {a: b}, creationTimestamp: '2026-11-25T16:43:54Z'}\nspec: {replicas: 3, list: [x, y]}");
        assertThat(Json.name(o)).isEqualTo("n");
        assertThat(Json.stringMap(o, "metadata.labels")).containsEntry("a", "b");
        assertThat(Json.longAt(o, "spec.replicas", 0)).isEqualTo(3);
        assertThat(Json.stringList(o, "spec.list")).containsExactly("x", "y");
        assertThat(Json.instant(o, "metadata.creationTimestamp"))
                .isEqualTo(Instant.parse("2026-11-25T16:43:54Z"));
        assertThat(Json.at(o, "spec.nope.deeper")).isNull();
        Json.ensureObject(o, "status.loadBalancer").put("x", 1);
        assertThat(o.at("/status/loadBalancer/x").asInt()).isEqualTo(1);
        assertThat(
                        Json.semanticEquals(
                                Json.parse("{\"a\":1,\"b\":[1.0]}"),
                                Json.parse("{\"b\":[1],\"a\":1}")))
                .isTrue();
        assertThat(Json.semanticEquals(Json.parse("{\"a\":1}"), Json.parse("{\"a\":\"1\"}")))
                .isFalse();
    }

    @Test
    void yamlAliasesAreExpandedWithinATokenBudget() {
        assertThat(Json.yamlMapper().readTree("a: &a [x, y]\nb: *a\n"))
                .isEqualTo(Json.parse("{\"a\":[\"x\",\"y\"],\"b\":[\"x\",\"y\"]}"));
        // "Billion laughs": nine levels of ten aliases each would be 10^9 strings.
        StringBuilder bomb =
                new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            bomb.append('l')
                    .append(i)
                    .append(": &l")
                    .append(i)
                    .append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(10, "*l" + (i - 1))))
                    .append("]\n");
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> Json.yamlMapper().readTree(bomb.toString()))
                .isInstanceOf(tools.jackson.core.exc.StreamConstraintsException.class);
        // Wide instead of deep: one large anchor referred to many times runs into the token budget.
        String wide =
                "a: &a ["
                        + String.join(",", java.util.Collections.nCopies(5_000, "x"))
                        + "]\nb: ["
                        + String.join(",", java.util.Collections.nCopies(1_000, "*a"))
                        + "]\n";
        assertThatThrownBy(() -> Json.yamlMapper().readTree(wide))
                .isInstanceOf(tools.jackson.core.exc.StreamConstraintsException.class)
                .hasMessageContaining("Token count");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(10_000);
    }

    @Test
    void decodingIsBoundedInDepthAndNumberLength() {
        String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertThatThrownBy(() -> Json.parse(deep))
                .isInstanceOf(tools.jackson.core.exc.StreamConstraintsException.class);
        assertThatThrownBy(() -> Json.yamlMapper().readTree(deep))
                .isInstanceOf(tools.jackson.core.exc.StreamConstraintsException.class);
        assertThat(Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH))).isNotNull();
        assertThatThrownBy(() -> Json.parse("{\"a\":" + "9".repeat(1001) + "}"))
                .isInstanceOf(tools.jackson.core.exc.StreamConstraintsException.class);
    }
}
