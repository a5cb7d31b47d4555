package io.j8s.api.patch;

import static io.j8s.api.TestData.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class JsonPatchTest {

    private final ObjectNode doc = obj("""
            metadata: {name: a, labels: {app: nginx, "k8s.io/x": "1"}}
            spec: {replicas: 3, list: [a, b]}
            """);

    private ObjectNode patch(String ops) {
        return JsonPatch.apply(doc, Json.parse(ops));
    }

    @Test
    void operations() {
        assertThat(patch("[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":5}]").at("/spec/replicas").asInt()).isEqualTo(5);
        assertThat(patch("[{\"op\":\"add\",\"path\":\"/spec/paused\",\"value\":true}]").at("/spec/paused").asBoolean()).isTrue();
        assertThat(patch("[{\"op\":\"add\",\"path\":\"/spec/list/-\",\"value\":\"c\"}]").at("/spec/list")).isEqualTo(Json.parse("[\"a\",\"b\",\"c\"]"));
        assertThat(patch("[{\"op\":\"add\",\"path\":\"/spec/list/0\",\"value\":\"z\"}]").at("/spec/list")).isEqualTo(Json.parse("[\"z\",\"a\",\"b\"]"));
        assertThat(patch("[{\"op\":\"remove\",\"path\":\"/spec/list/0\"}]").at("/spec/list")).isEqualTo(Json.parse("[\"b\"]"));
        assertThat(patch("[{\"op\":\"remove\",\"path\":\"/metadata/labels/k8s.io~1x\"}]").at("/metadata/labels")).isEqualTo(Json.parse("{\"app\":\"nginx\"}"));
        ObjectNode moved = patch("[{\"op\":\"move\",\"from\":\"/metadata/labels/app\",\"path\":\"/metadata/labels/tier\"}]");
        assertThat(moved.at("/metadata/labels")).isEqualTo(Json.parse("{\"k8s.io/x\":\"1\",\"tier\":\"nginx\"}"));
        ObjectNode copied = patch("[{\"op\":\"copy\",\"from\":\"/spec/replicas\",\"path\":\"/spec/min\"}]");
        assertThat(copied.at("/spec/min").asInt()).isEqualTo(3);
        assertThat(patch("[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":3},{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":1}]")
                .at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(doc.at("/spec/replicas").asInt()).as("input untouched").isEqualTo(3);
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> patch("[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":4}]"))
                .hasMessage("testing value /spec/replicas failed: test failed")
                .extracting(e -> ((PatchException) e).status()).isEqualTo(422);
        assertThatThrownBy(() -> patch("[{\"op\":\"replace\",\"path\":\"/spec/nope\",\"value\":4}]"))
                .hasMessage("replace operation does not apply: doc is missing key: /spec/nope: missing value");
        assertThatThrownBy(() -> patch("[{\"op\":\"add\",\"path\":\"/nope/x\",\"value\":4}]"))
                .hasMessage("add operation does not apply: doc is missing path: \"/nope/x\": missing value");
        assertThatThrownBy(() -> patch("[{\"op\":\"remove\",\"path\":\"/spec/list/7\"}]"))
                .hasMessage("Unable to access invalid index: 7: invalid index referenced");
        assertThatThrownBy(() -> patch("[{\"op\":\"frob\",\"path\":\"/spec\"}]")).hasMessage("Unexpected kind: frob");
        assertThatThrownBy(() -> patch("{\"op\":\"add\"}"))
                .extracting(e -> ((PatchException) e).status()).isEqualTo(400);
    }
}
