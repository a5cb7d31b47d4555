package io.j8s.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.ResourceType;
import io.j8s.api.ResourceTypes;
import io.j8s.api.TestData;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class StrictDecodingTest {

    private static final ResourceType SERVICES = ResourceTypes.resolve("svc").orElseThrow();
    private static final ResourceType DEPLOYMENTS = ResourceTypes.resolve("deploy").orElseThrow();

    private static StrictDecoding.Result check(ResourceType t, String json) {
        return StrictDecoding.check(t, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void seedManifestsAreClean() {
        for (JsonNode doc : TestData.yaml("seed/nginx-deploy.yaml")) {
            ResourceType t =
                    ResourceTypes.byKind(
                                    doc.get("apiVersion").asString(), doc.get("kind").asString())
                            .orElseThrow();
            StrictDecoding.Result r = check(t, Json.write(doc));
            assertThat(r.strictOk()).as(t.kind()).isTrue();
            assertThat(r.typeError()).isNull();
        }
        StrictDecoding.Result pod =
                StrictDecoding.check(
                        ResourceTypes.resolve("po").orElseThrow(),
                        TestData.json("samples/pod_obj.json"));
        assertThat(pod.unknownFields()).isEmpty();
        assertThat(pod.typeError()).isNull();
    }

    @Test
    void unknownFieldsWithKubernetesPaths() {
        StrictDecoding.Result r =
                check(
                        SERVICES,
                        """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"a","bogus":1},
                 "spec":{"foo":"x","ports":[{"port":80},{"port":81,"bar":true}],"selector":{"app":"x"}}}""");
        assertThat(r.unknownFields())
                .containsExactly("metadata.bogus", "spec.foo", "spec.ports[1].bar");
        assertThat(r.warnings())
                .containsExactly(
                        "unknown field \"metadata.bogus\"",
                        "unknown field \"spec.foo\"",
                        "unknown field \"spec.ports[1].bar\"");
        assertThat(StrictDecoding.cannotBeHandled(SERVICES, r.strictError()))
                .isEqualTo(
                        "Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"metadata.bogus\", unknown field \"spec.foo\", unknown field \"spec.ports[1].bar\"");
    }

    @Test
    void nestedTemplatesQuantitiesAndIntOrStrings() {
        StrictDecoding.Result r =
                check(
                        DEPLOYMENTS,
                        """
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},
                  "strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
                  "template":{"metadata":{"labels":{"a":"b"},"creationTimestamp":null},
                   "spec":{"containers":[{"name":"c","image":"i","imagePullPolicy":"Always",
                     "resources":{"limits":{"cpu":"100m","memory":1024}},
                     "readinessProbe":{"httpGet":{"port":"http","path":"/"}},"colour":"red"}]}}}}""");
        assertThat(r.unknownFields()).containsExactly("spec.template.spec.containers[0].colour");
        assertThat(r.typeError()).isNull();
    }

    @Test
    void duplicateFields() {
        StrictDecoding.Result r =
                check(
                        SERVICES,
                        """
                {"metadata":{"name":"a","name":"b"},"spec":{"type":"ClusterIP","ports":[{"port":1,"port":2}],"type":"NodePort"}}""");
        assertThat(r.duplicateFields())
                .containsExactly("metadata.name", "spec.ports[0].port", "spec.type");
        assertThat(r.strictError())
                .isEqualTo(
                        "strict decoding error: duplicate field \"metadata.name\", duplicate field \"spec.ports[0].port\", duplicate field \"spec.type\"");
    }

    @Test
    void wrongTypesAreDecodeErrors() {
        assertThat(check(SERVICES, "{\"spec\":{\"ports\":[{\"port\":\"80\"}]}}").typeError())
                .isEqualTo(
                        "json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32");
        assertThat(check(SERVICES, "{\"spec\":{\"selector\":[\"a\"]}}").typeError())
                .isEqualTo(
                        "json: cannot unmarshal array into Go struct field ServiceSpec.spec.selector of type map[string]string");
        assertThat(
                        check(
                                        SERVICES,
                                        "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":\"http\"}]}}")
                                .typeError())
                .isNull();
    }

    @Test
    void intOrStringTakesAStringOrAnInt32() {
        assertThat(
                        check(
                                        SERVICES,
                                        "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080}]}}")
                                .typeError())
                .isNull();
        assertThat(
                        check(
                                        SERVICES,
                                        "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":2147483648}]}}")
                                .typeError())
                .isEqualTo("json: cannot unmarshal number 2147483648 into Go value of type int32");
        assertThat(
                        check(
                                        SERVICES,
                                        "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":1e400}]}}")
                                .typeError())
                .startsWith("json: cannot unmarshal number ");
        assertThat(
                        check(
                                        SERVICES,
                                        "{\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":true}]}}")
                                .typeError())
                .isEqualTo("json: cannot unmarshal bool into Go value of type int32");
    }

    @Test
    void numbersBeyondTheirFieldsRangeAreDecodeErrors() {
        assertThat(check(DEPLOYMENTS, "{\"spec\":{\"replicas\":2147483648}}").typeError())
                .isEqualTo(
                        "json: cannot unmarshal number 2147483648 into Go struct field DeploymentSpec.spec.replicas of type int32");
        assertThat(check(DEPLOYMENTS, "{\"spec\":{\"replicas\":-2147483648}}").typeError())
                .isNull();
        assertThat(check(DEPLOYMENTS, "{\"spec\":{\"replicas\":1.5}}").typeError())
                .isEqualTo(
                        "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32");
        ResourceType pods = ResourceTypes.resolve("po").orElseThrow();
        assertThat(
                        check(
                                        pods,
                                        "{\"spec\":{\"terminationGracePeriodSeconds\":9223372036854775808}}")
                                .typeError())
                .isEqualTo(
                        "json: cannot unmarshal number 9223372036854775808 into Go struct field"
                                + " PodSpec.spec.terminationGracePeriodSeconds of type int64");
        assertThat(
                        check(
                                        pods,
                                        "{\"spec\":{\"terminationGracePeriodSeconds\":9223372036854775807}}")
                                .typeError())
                .isNull();
    }
}
