package io.j8s.api.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.ResourceTypes;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldSelectorTest {

    private static final Map<String, String> EVENT =
            Map.of(
                    "metadata.name",
                    "e1",
                    "involvedObject.name",
                    "my-nginx-svc",
                    "involvedObject.namespace",
                    "default",
                    "involvedObject.kind",
                    "Service",
                    "involvedObject.uid",
                    "u-1");

    @Test
    void parse_andMatches_anyOrder() {
        FieldSelector s =
                FieldSelector.parse(
                        "involvedObject.uid=u-1,involvedObject.name=my-nginx-svc,involvedObject.kind=Service,involvedObject.namespace=default");
        assertThat(s.matches(EVENT)).isTrue();
        assertThat(s.terms()).hasSize(4);
        assertThat(FieldSelector.parse("involvedObject.kind==Service").matches(EVENT)).isTrue();
        assertThat(FieldSelector.parse("involvedObject.kind!=Service").matches(EVENT)).isFalse();
        assertThat(FieldSelector.parse("involvedObject.kind!=Pod").matches(EVENT)).isTrue();
        assertThat(FieldSelector.parse("metadata.name=other").matches(EVENT)).isFalse();
        assertThat(FieldSelector.parse("").isEverything()).isTrue();
        assertThat(FieldSelector.parse("metadata.name=x").requiredValue("metadata.name"))
                .isEqualTo("x");
    }

    @Test
    void escapedValues() {
        FieldSelector s = FieldSelector.parse("metadata.name=a\\,b\\=c\\\\d");
        assertThat(s.requiredValue("metadata.name")).isEqualTo("a,b=c\\d");
        assertThat(s.toString()).isEqualTo("metadata.name=a\\,b\\=c\\\\d");
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> FieldSelector.parse("metadata.name"))
                .hasMessage("invalid selector: 'metadata.name'; can't understand 'metadata.name'");
        assertThatThrownBy(() -> FieldSelector.parse("a=b\\x"))
                .hasMessage("invalid field selector: invalid escape sequence: \\x");
    }

    @Test
    void unsupportedFields_wordedPerKind() {
        var services = ResourceTypes.resolve("svc").orElseThrow().strategy();
        var pods = ResourceTypes.resolve("po").orElseThrow().strategy();
        assertThat(FieldSelector.parse("metadata.name=x").unsupportedField(services)).isNull();
        assertThat(FieldSelector.parse("spec.foo=x").unsupportedField(services))
                .isEqualTo(
                        "\"spec.foo\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
        assertThat(
                        FieldSelector.parse("spec.nodeName=n1,status.phase=Running")
                                .unsupportedField(pods))
                .isNull();
        assertThat(FieldSelector.parse("spec.foo=x").unsupportedField(pods))
                .isEqualTo("field label not supported: spec.foo");
        assertThatThrownBy(() -> FieldSelector.parse("spec.foo=x").validateFor(pods))
                .isInstanceOf(SelectorException.class);
        var pod =
                io.j8s.api.TestData.obj(
                        "metadata: {name: p, namespace: default}\nspec: {nodeName: n1}\nstatus: {phase: Running}");
        assertThat(
                        FieldSelector.parse("spec.nodeName=n1,status.phase!=Failed")
                                .matchesObject(pods, pod))
                .isTrue();
        assertThat(FieldSelector.parse("metadata.namespace=kube-system").matchesObject(pods, pod))
                .isFalse();
        var nodes = ResourceTypes.resolve("no").orElseThrow().strategy();
        assertThat(FieldSelector.parse("metadata.namespace=x").unsupportedField(nodes))
                .isEqualTo("field label not supported: metadata.namespace");
        var clusterRoles = ResourceTypes.resolve("clusterroles").orElseThrow().strategy();
        assertThat(FieldSelector.parse("metadata.namespace=").unsupportedField(clusterRoles))
                .isNull();
    }
}
