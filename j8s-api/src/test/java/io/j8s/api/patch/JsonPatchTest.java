package io.j8s.api.patch;

import static io.j8s.api.TestData.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class JsonPatchTest {

    private final ObjectNode doc =
            obj(
                    """
            metadata: {name: a, labels: {app: nginx, "k8s.io/x": "1"}}
            spec: {replicas: 3, list: [a, b]}
            """);

    private ObjectNode patch(String ops) {
        return JsonPatch.apply(doc, Json.parse(ops));
    }

    @Test
    void operations() {
        assertThat(
                        patch("[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":5}]")
                                .at("/spec/replicas")
                                .asInt())
                .isEqualTo(5);
        assertThat(
                        patch("[{\"op\":\"add\",\"path\":\"/spec/paused\",\"value\":true}]")
                                .at("/spec/paused")
                                .asBoolean())
                .isTrue();
        assertThat(
                        patch("[{\"op\":\"add\",\"path\":\"/spec/list/-\",\"value\":\"c\"}]")
                                .at("/spec/list"))
                .isEqualTo(Json.parse("[\"a\",\"b\",\"c\"]"));
        assertThat(
                        patch("[{\"op\":\"add\",\"path\":\"/spec/list/0\",\"value\":\"z\"}]")
                                .at("/spec/list"))
                .isEqualTo(Json.parse("[\"z\",\"a\",\"b\"]"));
        assertThat(patch("[{\"op\":\"remove\",\"path\":\"/spec/list/0\"}]").at("/spec/list"))
                .isEqualTo(Json.parse("[\"b\"]"));
        assertThat(
                        patch("[{\"op\":\"remove\",\"path\":\"/metadata/labels/k8s.io~1x\"}]")
                                .at("/metadata/labels"))
                .isEqualTo(Json.parse("{\"app\":\"nginx\"}"));
        ObjectNode moved =
                patch(
                        "[{\"op\":\"move\",\"from\":\"/metadata/labels/app\",\"path\":\"/metadata/labels/tier\"}]");
        assertThat(moved.at("/metadata/labels"))
                .isEqualTo(Json.parse("{\"k8s.io/x\":\"1\",\"tier\":\"nginx\"}"));
        ObjectNode copied =
                patch("[{\"op\":\"copy\",\"from\":\"/spec/replicas\",\"path\":\"/spec/min\"}]");
        assertThat(copied.at("/spec/min").asInt()).isEqualTo(3);
        assertThat(
                        patch(
                                        "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":3},{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":1}]")
                                .at("/spec/replicas")
                                .asInt())
                .isEqualTo(1);
        assertThat(doc.at("/spec/replicas").asInt()).as("input untouched").isEqualTo(3);
    }

    @Test
    void errors() {
        assertThatThrownBy(
                        () -> patch("[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":4}]"))
                .hasMessage("testing value /spec/replicas failed: test failed")
                .extracting(e -> ((PatchException) e).status())
                .isEqualTo(422);
        assertThatThrownBy(
                        () -> patch("[{\"op\":\"replace\",\"path\":\"/spec/nope\",\"value\":4}]"))
                .hasMessage(
                        "replace operation does not apply: doc is missing key: /spec/nope: missing value");
        assertThatThrownBy(() -> patch("[{\"op\":\"add\",\"path\":\"/nope/x\",\"value\":4}]"))
                .hasMessage(
                        "add operation does not apply: doc is missing path: \"/nope/x\": missing value");
        assertThatThrownBy(() -> patch("[{\"op\":\"remove\",\"path\":\"/spec/list/7\"}]"))
                .hasMessage("Unable to access invalid index: 7: invalid index referenced");
        assertThatThrownBy(() -> patch("[{\"op\":\"frob\",\"path\":\"/spec\"}]"))
                .hasMessage("Unexpected kind: frob");
        assertThatThrownBy(() -> patch("{\"op\":\"add\"}"))
                .extracting(e -> ((PatchException) e).status())
                .isEqualTo(400);
    }

    /** An add of a 1 KiB map, then copies of it into itself: each copy would double it. */
    @Test
    void copiesIntoItselfStopAtTheAccumulatedCopyLimit() {
        StringBuilder ops =
                new StringBuilder(
                        "[{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{");
        for (int i = 0; i < 16; i++) {
            ops.append(i == 0 ? "" : ",")
                    .append("\"k")
                    .append(i)
                    .append("\":\"")
                    .append("x".repeat(60))
                    .append('"');
        }
        ops.append("}}");
        for (int i = 0; i < 40; i++) {
            ops.append(
                            ",{\"op\":\"copy\",\"from\":\"/metadata/annotations\",\"path\":\"/metadata/annotations/c")
                    .append(i)
                    .append("\"}");
        }
        ops.append(']');
        long start = System.nanoTime();
        assertThatThrownBy(() -> patch(ops.toString()))
                .isInstanceOf(PatchException.class)
                .hasMessageStartingWith(
                        "Unable to complete the copy, the accumulated size increase of copy is ")
                .hasMessageEndingWith(", exceeding the limit 3145728")
                .extracting(e -> ((PatchException) e).status())
                .isEqualTo(422);
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(5_000);
    }

    @Test
    void atMostTenThousandOperations() {
        String op = "{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":3}";
        String ok = "[" + String.join(",", java.util.Collections.nCopies(10_000, op)) + "]";
        assertThat(patch(ok).at("/spec/replicas").asInt()).isEqualTo(3);
        assertThatThrownBy(() -> patch("[" + op + "," + ok.substring(1)))
                .hasMessage("The allowed maximum operations in a JSON patch is 10000, got 10001")
                .extracting(e -> ((PatchException) e).status())
                .isEqualTo(413);
    }

    /**
     * Adding a deep value at a deep path, again and again, would nest the object beyond what can be
     * read back.
     */
    @Test
    void nestingStaysWithinTheDecodersDepth() {
        String deep = "{\"a\":".repeat(400) + "1" + "}".repeat(400);
        assertThat(JsonPatch.depth(Json.parse(deep))).isEqualTo(400);
        StringBuilder path = new StringBuilder("/spec/d");
        StringBuilder ops =
                new StringBuilder("[{\"op\":\"add\",\"path\":\"/spec/d\",\"value\":" + deep + "}");
        path.append("/a".repeat(399));
        ops.append(",{\"op\":\"add\",\"path\":\"")
                .append(path)
                .append("\",\"value\":")
                .append(deep)
                .append("}]");
        assertThatThrownBy(() -> patch(ops.toString()))
                .hasMessage(
                        "add operation does not apply: the value at \""
                                + path
                                + "\" would nest the object deeper"
                                + " than 500 levels")
                .extracting(e -> ((PatchException) e).status())
                .isEqualTo(422);
        // The same through copy and move: the moved value is measured only when it could pass the
        // limit.
        String copy =
                "[{\"op\":\"add\",\"path\":\"/spec/d\",\"value\":"
                        + deep
                        + "},"
                        + "{\"op\":\"copy\",\"from\":\"/spec/d\",\"path\":\""
                        + path
                        + "\"}]";
        assertThatThrownBy(() -> patch(copy))
                .hasMessageContaining("would nest the object deeper than 500 levels");
        String move =
                "[{\"op\":\"add\",\"path\":\"/spec/d\",\"value\":"
                        + deep
                        + "},"
                        + "{\"op\":\"add\",\"path\":\"/spec/e\",\"value\":"
                        + deep
                        + "},"
                        + "{\"op\":\"move\",\"from\":\"/spec/e\",\"path\":\""
                        + path
                        + "\"}]";
        assertThatThrownBy(() -> patch(move))
                .hasMessageContaining("would nest the object deeper than 500 levels");
        String shallowMove =
                "[{\"op\":\"add\",\"path\":\"/spec/d\",\"value\":"
                        + deep
                        + "},"
                        + "{\"op\":\"move\",\"from\":\"/spec/d\",\"path\":\"/spec/e\"}]";
        assertThat(JsonPatch.depth(patch(shallowMove))).isEqualTo(402);
    }
}
