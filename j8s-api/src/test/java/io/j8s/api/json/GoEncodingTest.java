package io.j8s.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class GoEncodingTest {

    /** A Deployment as the official Java client sends it: empty collections everywhere. */
    static final String CLIENT_JAVA_DEPLOYMENT =
            """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","annotations":{},"labels":{"app":"web"},"finalizers":[],"ownerReferences":[]},
             "spec":{"replicas":2,"minReadySeconds":0,"paused":false,
               "selector":{"matchLabels":{"app":"web"},"matchExpressions":[]},
               "template":{"metadata":{"labels":{"app":"web"},"annotations":{}},
                 "spec":{"containers":[{"name":"web","image":"nginx","args":[],"command":[],"env":[],
                   "ports":[{"containerPort":80,"hostPort":0,"name":""}],"volumeMounts":[],
                   "resources":{"limits":{},"requests":{}},"stdin":false}],
                   "volumes":[],"nodeSelector":{},"tolerations":[],"terminationGracePeriodSeconds":0,
                   "hostNetwork":false,"imagePullSecrets":[],"securityContext":{}}}},
             "status":{}}
            """;

    @Test
    void dropsEmptyOmitemptyFieldsAsGoWould() {
        ObjectNode d = Json.parseObject(CLIENT_JAVA_DEPLOYMENT);
        GoEncoding.normalize("apps/v1", "Deployment", d);
        assertThat(Json.parse(Json.write(d)))
                .isEqualTo(
                        Json.parse(
                                """
                {"apiVersion":"apps/v1","kind":"Deployment",
                 "metadata":{"name":"web","labels":{"app":"web"}},
                 "spec":{"replicas":2,
                   "selector":{"matchLabels":{"app":"web"}},
                   "template":{"metadata":{"labels":{"app":"web"}},
                     "spec":{"containers":[{"name":"web","image":"nginx",
                       "ports":[{"containerPort":80}],
                       "resources":{}}],
                       "terminationGracePeriodSeconds":0,
                       "securityContext":{}}}},
                 "status":{}}
                """));
    }

    @Test
    void keepsZeroPointersNonOmitemptyFieldsAndUnknownFields() {
        ObjectNode d =
                Json.parseObject(
                        """
                {"spec":{"replicas":0,"selector":{},"template":{"spec":{"containers":[]}}},"x-unknown":[]}
                """);
        GoEncoding.normalize("apps/v1", "Deployment", d);
        // replicas is a *int32 (0 stays), selector a *LabelSelector (an empty one stays),
        // containers is not omitempty, x-unknown is no Go field.
        assertThat(d)
                .isEqualTo(
                        Json.parse(
                                """
                {"spec":{"replicas":0,"selector":{},"template":{"spec":{"containers":[]}}},"x-unknown":[]}
                """));

        ObjectNode slice =
                Json.parseObject(
                        """
                {"addressType":"IPv4","endpoints":[],"ports":[{"name":"","port":80}],
                 "metadata":{"labels":null}}
                """);
        GoEncoding.normalize("discovery.k8s.io/v1", "EndpointSlice", slice);
        // EndpointPort.name is a *string: "" stays; endpoints is not omitempty; null goes.
        assertThat(slice)
                .isEqualTo(
                        Json.parse(
                                """
                {"addressType":"IPv4","endpoints":[],"ports":[{"name":"","port":80}],"metadata":{}}
                """));

        ObjectNode status =
                Json.parseObject(
                        """
                {"status":{"containerStatuses":[{"name":"c","ready":false,"restartCount":0,"image":"i",
                  "imageID":"","started":false}],"phase":""}}
                """);
        GoEncoding.normalize("v1", "Pod", status);
        // ready, restartCount, imageID are not omitempty; started is a *bool; phase is omitempty.
        assertThat(status)
                .isEqualTo(
                        Json.parse(
                                """
                {"status":{"containerStatuses":[{"name":"c","ready":false,"restartCount":0,"image":"i",
                  "imageID":"","started":false}]}}
                """));
    }

    @Test
    void inlineStructsAndMapsOfKnownKinds() {
        ObjectNode pod =
                Json.parseObject(
                        """
                {"spec":{"containers":[{"name":"c","readinessProbe":{"httpGet":{"path":"","port":8080,
                  "httpHeaders":[]},"periodSeconds":0}}],
                  "volumes":[{"name":"v","configMap":{"name":"cm","items":[]}}]}}
                """);
        GoEncoding.normalize("v1", "Pod", pod);
        // Probe inlines ProbeHandler; Volume inlines VolumeSource; ConfigMapVolumeSource inlines
        // LocalObjectReference.
        assertThat(pod)
                .isEqualTo(
                        Json.parse(
                                """
                {"spec":{"containers":[{"name":"c","readinessProbe":{"httpGet":{"port":8080}}}],
                  "volumes":[{"name":"v","configMap":{"name":"cm"}}]}}
                """));
        assertThat(GoEncoding.knows("v1", "Pod")).isTrue();
        assertThat(GoEncoding.knows("batch/v1", "Job")).isFalse();
        ObjectNode job = Json.parseObject("{\"spec\":{\"x\":[]}}");
        GoEncoding.normalize("batch/v1", "Job", job);
        assertThat(job).isEqualTo(Json.parse("{\"spec\":{\"x\":[]}}"));
    }

    @Test
    void semanticEqualTreatsNilAndEmptyAsEqual() {
        assertThat(
                        GoEncoding.semanticEqual(
                                json("{\"matchLabels\":{\"a\":\"b\"},\"matchExpressions\":[]}"),
                                json("{\"matchLabels\":{\"a\":\"b\"}}")))
                .isTrue();
        assertThat(GoEncoding.semanticEqual(json("{\"a\":null,\"b\":{}}"), json("{}"))).isTrue();
        assertThat(GoEncoding.semanticEqual(null, json("[]"))).isTrue();
        assertThat(GoEncoding.semanticEqual(json("{\"n\":1}"), json("{\"n\":1.0}"))).isTrue();
        assertThat(
                        GoEncoding.semanticEqual(
                                json("{\"matchLabels\":{\"a\":\"b\"}}"),
                                json("{\"matchLabels\":{\"a\":\"c\"}}")))
                .isFalse();
        assertThat(GoEncoding.semanticEqual(json("{\"a\":[1]}"), json("{}"))).isFalse();
        assertThat(GoEncoding.semanticEqual(json("{}"), json("{\"a\":[1]}"))).isFalse();
        assertThat(GoEncoding.semanticEqual(json("[1,2]"), json("[2,1]"))).isFalse();
        assertThat(GoEncoding.semanticEqual(json("{\"s\":\"\"}"), json("{}"))).isFalse();
    }

    private static JsonNode json(String s) {
        return Json.parse(s);
    }
}
