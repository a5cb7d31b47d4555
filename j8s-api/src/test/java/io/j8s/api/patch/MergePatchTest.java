package io.j8s.api.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class MergePatchTest {

    private static ObjectNode merge(String target, String patch) {
        return MergePatch.apply(Json.parseObject(target), Json.parse(patch));
    }

    @Test
    void rfc7386Examples() {
        assertThat(merge("{\"a\":\"b\"}", "{\"a\":\"c\"}")).isEqualTo(Json.parse("{\"a\":\"c\"}"));
        assertThat(merge("{\"a\":\"b\"}", "{\"b\":\"c\"}"))
                .isEqualTo(Json.parse("{\"a\":\"b\",\"b\":\"c\"}"));
        assertThat(merge("{\"a\":\"b\"}", "{\"a\":null}")).isEqualTo(Json.parse("{}"));
        assertThat(merge("{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}"))
                .isEqualTo(Json.parse("{\"b\":\"c\"}"));
        assertThat(merge("{\"a\":[\"b\"]}", "{\"a\":\"c\"}"))
                .isEqualTo(Json.parse("{\"a\":\"c\"}"));
        assertThat(merge("{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}"))
                .isEqualTo(Json.parse("{\"a\":{\"b\":\"d\"}}"));
        assertThat(merge("{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}"))
                .isEqualTo(Json.parse("{\"a\":[1]}"));
        assertThat(merge("{}", "{\"a\":{\"bb\":{\"ccc\":null}}}"))
                .isEqualTo(Json.parse("{\"a\":{\"bb\":{}}}"));
        assertThat(merge("{\"e\":null}", "{\"a\":1}"))
                .isEqualTo(Json.parse("{\"e\":null,\"a\":1}"));
    }

    @Test
    void listsAreReplacedWhole() {
        assertThat(
                        merge(
                                "{\"spec\":{\"ports\":[{\"port\":80},{\"port\":443}]}}",
                                "{\"spec\":{\"ports\":[{\"port\":8080}]}}"))
                .isEqualTo(Json.parse("{\"spec\":{\"ports\":[{\"port\":8080}]}}"));
    }

    @Test
    void nonObjectPatchIsRejected() {
        assertThatThrownBy(() -> merge("{}", "[1]")).isInstanceOf(PatchException.class);
    }
}
