package io.j8s.controllers.util.endpointslice;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.j8s.controllers.util.Semantic;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class SliceEndpointsTest {

    private static Endpoint endpoint() {
        return new EndpointBuilder()
                .withAddresses("127.244.1.5")
                .withNewConditions()
                .withReady(true)
                .withServing(true)
                .withTerminating(false)
                .endConditions()
                .withNewTargetRef()
                .withKind("Pod")
                .withNamespace("default")
                .withName("web-1")
                .withUid("u1")
                .endTargetRef()
                .withNodeName("n1")
                .withZone("z1")
                .build();
    }

    /** Each change an endpoint can undergo, and none. */
    private static List<UnaryOperator<Endpoint>> variants() {
        List<UnaryOperator<Endpoint>> v = new ArrayList<>();
        v.add(e -> e);
        v.add(
                e ->
                        new EndpointBuilder(e)
                                .editConditions()
                                .withReady(false)
                                .endConditions()
                                .build());
        v.add(
                e ->
                        new EndpointBuilder(e)
                                .editConditions()
                                .withServing(null)
                                .endConditions()
                                .build());
        v.add(
                e ->
                        new EndpointBuilder(e)
                                .editConditions()
                                .withTerminating(true)
                                .endConditions()
                                .build());
        v.add(e -> new EndpointBuilder(e).withConditions(null).build());
        v.add(e -> new EndpointBuilder(e).withNodeName("n2").build());
        v.add(e -> new EndpointBuilder(e).withZone(null).build());
        v.add(e -> new EndpointBuilder(e).withZone("").build());
        v.add(e -> new EndpointBuilder(e).withHostname("h").build());
        v.add(e -> new EndpointBuilder(e).editTargetRef().withUid("u2").endTargetRef().build());
        v.add(
                e ->
                        new EndpointBuilder(e)
                                .editTargetRef()
                                .withResourceVersion("7")
                                .endTargetRef()
                                .build());
        v.add(e -> new EndpointBuilder(e).withTargetRef(null).build());
        v.add(e -> new EndpointBuilder(e).withAddresses("127.244.1.6").build());
        v.add(e -> new EndpointBuilder(e).withAddresses(List.of()).build());
        v.add(e -> new EndpointBuilder(e).withNewHints().addNewForZone("z1").endHints().build());
        v.add(
                e -> {
                    Endpoint x = new EndpointBuilder(e).build();
                    x.setAdditionalProperty("future", "field");
                    return x;
                });
        return v;
    }

    @Test
    void equalBeyondIdentity_agreesWithTheGenericSemanticComparison() {
        List<UnaryOperator<Endpoint>> variants = variants();
        for (int i = 0; i < variants.size(); i++) {
            for (int j = 0; j < variants.size(); j++) {
                Endpoint a = variants.get(i).apply(endpoint());
                Endpoint b = variants.get(j).apply(endpoint());
                assertThat(SliceEndpoints.equalBeyondIdentity(a, b))
                        .as("variant %d against %d", i, j)
                        .isEqualTo(Semantic.equal(a, b));
            }
        }
    }

    @Test
    void equalBeyondIdentity_nullAndEmptyAreEqual_asInTheSemanticComparison() {
        Endpoint withEmpty = new EndpointBuilder(endpoint()).withAddresses(List.of()).build();
        Endpoint withNull = new EndpointBuilder(endpoint()).build();
        withNull.setAddresses(null);
        assertThat(SliceEndpoints.equalBeyondIdentity(withEmpty, withNull)).isTrue();
        assertThat(SliceEndpoints.equalBeyondIdentity(endpoint(), endpoint())).isTrue();
    }
}
