package io.j8s.api.kinds;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.api.json.Json;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Every strategy copes with empty and mistyped objects: errors, never exceptions. */
class RobustnessTest {

    private static final List<String> ODD_OBJECTS =
            List.of(
                    "{}",
                    "{\"metadata\":[],\"spec\":5,\"status\":\"x\"}",
                    "{\"metadata\":{\"name\":7,\"labels\":[1],\"annotations\":\"x\",\"ownerReferences\":{}},\"spec\":[]}",
                    "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"ports\":\"x\",\"containers\":{},\"template\":[],\"selector\":\"x\",\"replicas\":\"3\"},"
                            + "\"subsets\":[{\"addresses\":\"x\",\"ports\":[5]}],\"endpoints\":[\"x\"],\"ports\":[null],\"rules\":[7],\"subjects\":\"x\","
                            + "\"roleRef\":[],\"data\":[],\"involvedObject\":\"x\",\"regarding\":5}",
                    "{\"metadata\":{\"name\":\"a\",\"creationTimestamp\":\"yesterday\",\"deletionTimestamp\":5},"
                            + "\"spec\":{\"template\":{\"spec\":{\"containers\":[null,{\"ports\":[{\"containerPort\":\"x\"}]}]}},"
                            + "\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":\"x%\"}}},"
                            + "\"status\":{\"containerStatuses\":[{\"state\":\"x\"}],\"conditions\":\"x\",\"podIPs\":[{}]}}");

    @Test
    void everyKind_neverThrows() {
        Instant now = Instant.now();
        for (ResourceType type : ResourceTypes.all()) {
            for (String json : ODD_OBJECTS) {
                assertThatCode(
                                () -> {
                                    ObjectNode o = Json.parseObject(json);
                                    ObjectNode old = o.deepCopy();
                                    type.strategy().applyDefaults(o);
                                    type.strategy().validate(o, null);
                                    type.strategy().validate(o, old);
                                    type.strategy().selectableFields(o);
                                    type.strategy().tableCells(o, now);
                                })
                        .as(type.plural() + " " + json)
                        .doesNotThrowAnyException();
            }
        }
    }
}
