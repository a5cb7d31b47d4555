package io.j8s.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.j8s.api.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The decoder against hand-built bodies (kubectl's own bodies are in {@link KubectlBodiesTest}).
 */
class ProtobufDecoderTest {

    private static ProtoMessage meta(String name) {
        return new ProtoMessage().string(1, name);
    }

    private static JsonNode decode(byte[] body) {
        ProtobufDecoder.Decoded decoded = ProtobufDecoder.decode(body);
        assertThat(decoded.unknownFields()).isEmpty();
        return decoded.object();
    }

    private static JsonNode json(String text) {
        return Json.parse(text);
    }

    @Test
    void decode_configMap_writesKindAndApiVersionFirstAndSortsMapKeys() {
        byte[] body =
                new ProtoMessage()
                        .message(1, meta("cm"))
                        .entry(2, "b", "2")
                        .entry(2, "a", "1")
                        .entry(2, "empty", "")
                        .message(
                                3,
                                new ProtoMessage()
                                        .string(1, "bin")
                                        .bytes(2, new byte[] {0, (byte) 0xff, 'x'}))
                        .body("v1", "ConfigMap");
        assertThat(Json.write(decode(body)))
                .isEqualTo(
                        "{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\","
                                + "\"metadata\":{\"name\":\"cm\",\"creationTimestamp\":null},"
                                + "\"data\":{\"a\":\"1\",\"b\":\"2\",\"empty\":\"\"},\"binaryData\":{\"bin\":\"AP94\"}}");
    }

    @Test
    void decode_secretData_isBase64AsJsonCarriesBytes() {
        byte[] secret = "s3cr3t\n\u0000".getBytes(StandardCharsets.UTF_8);
        byte[] body =
                new ProtoMessage()
                        .message(1, meta("s"))
                        .message(2, new ProtoMessage().string(1, "password").bytes(2, secret))
                        .string(3, "Opaque")
                        .body("v1", "Secret");
        assertThat(decode(body).path("data").path("password").asString())
                .isEqualTo(Base64.getEncoder().encodeToString(secret));
        assertThat(decode(body).path("type").asString()).isEqualTo("Opaque");
    }

    @Test
    void decode_emptyMessages_followGoJson() {
        // A ServiceAccount with empty metadata; a Namespace whose spec and status are absent.
        assertThat(
                        decode(
                                new ProtoMessage()
                                        .message(1, new ProtoMessage())
                                        .body("v1", "ServiceAccount")))
                .isEqualTo(
                        json(
                                "{\"kind\":\"ServiceAccount\",\"apiVersion\":\"v1\",\"metadata\":{\"creationTimestamp\":null}}"));
        assertThat(decode(new ProtoMessage().body("v1", "Namespace")))
                .isEqualTo(
                        json(
                                "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"creationTimestamp\":null},\"spec\":{},\"status\":{}}"));
    }

    @Test
    void decode_pointerZeroIsKept_omitemptyZeroIsLeftOut() {
        ProtoMessage spec =
                new ProtoMessage()
                        .int32(1, 0) // replicas: *int32 -> kept
                        .int32(5, 0) // minReadySeconds: omitempty -> left out
                        .bool(7, false) // paused: omitempty -> left out
                        .int32(6, 0); // revisionHistoryLimit: *int32 -> kept
        JsonNode deployment =
                decode(
                        new ProtoMessage()
                                .message(1, meta("d"))
                                .message(2, spec)
                                .body("apps/v1", "Deployment"));
        assertThat(deployment.path("spec"))
                .isEqualTo(
                        json(
                                """
                {"replicas":0,"template":{"metadata":{"creationTimestamp":null},"spec":{"containers":null}},
                 "strategy":{},"revisionHistoryLimit":0}"""));
        assertThat(deployment.path("status")).isEqualTo(json("{}"));
    }

    @Test
    void decode_negativeIntegers() {
        ProtoMessage spec =
                new ProtoMessage()
                        .int32(12, -1) // healthCheckNodePort, ten-byte varint
                        .message(1, new ProtoMessage().int32(3, -80)); // ports[0].port
        JsonNode service =
                decode(
                        new ProtoMessage()
                                .message(1, meta("s").int64(7, -7))
                                .message(2, spec)
                                .body("v1", "Service"));
        assertThat(service.path("spec").path("healthCheckNodePort").asInt()).isEqualTo(-1);
        assertThat(service.path("spec").path("ports").get(0).path("port").asInt()).isEqualTo(-80);
        assertThat(service.path("metadata").path("generation").asLong()).isEqualTo(-7L);
        JsonNode pod =
                decode(
                        new ProtoMessage()
                                .message(2, new ProtoMessage().int64(5, -5L))
                                .body("v1", "Pod"));
        assertThat(pod.path("spec").path("activeDeadlineSeconds").asLong()).isEqualTo(-5L);
    }

    @Test
    void decode_intOrString_asNumberOrString() {
        ProtoMessage spec =
                new ProtoMessage()
                        .message(
                                1,
                                new ProtoMessage()
                                        .string(1, "web")
                                        .int32(3, 80)
                                        .message(
                                                4,
                                                new ProtoMessage()
                                                        .int64(1, 0)
                                                        .int32(2, 8080)
                                                        .string(3, "")))
                        .message(
                                1,
                                new ProtoMessage()
                                        .string(1, "named")
                                        .int32(3, 81)
                                        .message(
                                                4,
                                                new ProtoMessage()
                                                        .int64(1, 1)
                                                        .int32(2, 0)
                                                        .string(3, "http")))
                        .message(1, new ProtoMessage().string(1, "none").int32(3, 82));
        JsonNode ports =
                decode(new ProtoMessage().message(2, spec).body("v1", "Service"))
                        .path("spec")
                        .path("ports");
        assertThat(ports.get(0).path("targetPort")).isEqualTo(json("8080"));
        assertThat(ports.get(1).path("targetPort")).isEqualTo(json("\"http\""));
        assertThat(ports.get(2).path("targetPort")).isEqualTo(json("0"));

        ProtoMessage rolling =
                new ProtoMessage()
                        .message(1, new ProtoMessage().int64(1, 0).int32(2, 0))
                        .message(2, new ProtoMessage().int64(1, 1).string(3, "25%"));
        JsonNode strategy =
                decode(
                                new ProtoMessage()
                                        .message(
                                                2,
                                                new ProtoMessage()
                                                        .message(
                                                                4,
                                                                new ProtoMessage()
                                                                        .string(1, "RollingUpdate")
                                                                        .message(2, rolling)))
                                        .body("apps/v1", "Deployment"))
                        .path("spec")
                        .path("strategy");
        assertThat(strategy)
                .isEqualTo(
                        json(
                                "{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":0,\"maxSurge\":\"25%\"}}"));
    }

    @Test
    void decode_fieldsWithoutOmitempty_areWrittenWhenAbsent() {
        JsonNode port =
                decode(
                                new ProtoMessage()
                                        .message(
                                                2,
                                                new ProtoMessage().message(1, new ProtoMessage()))
                                        .body("v1", "Service"))
                        .path("spec")
                        .path("ports")
                        .get(0);
        assertThat(port).isEqualTo(json("{\"port\":0,\"targetPort\":0}"));
        JsonNode slice =
                decode(
                        new ProtoMessage()
                                .message(1, meta("s"))
                                .body("discovery.k8s.io/v1", "EndpointSlice"));
        assertThat(slice)
                .isEqualTo(
                        json(
                                """
                {"kind":"EndpointSlice","apiVersion":"discovery.k8s.io/v1",
                 "metadata":{"name":"s","creationTimestamp":null},"addressType":"","endpoints":null,"ports":null}"""));
    }

    @Test
    void decode_nestedLists() {
        ProtoMessage container =
                new ProtoMessage()
                        .string(1, "c")
                        .string(2, "nginx")
                        .string(3, "sh")
                        .string(3, "-c")
                        .message(
                                6,
                                new ProtoMessage().string(1, "http").int32(3, 80).string(4, "TCP"))
                        .message(6, new ProtoMessage().int32(3, 443))
                        .message(7, new ProtoMessage().string(1, "A").string(2, "1"))
                        .message(7, new ProtoMessage().string(1, "EMPTY"));
        JsonNode pod =
                decode(
                        new ProtoMessage()
                                .message(1, meta("p"))
                                .message(
                                        2,
                                        new ProtoMessage()
                                                .message(2, container)
                                                .message(2, new ProtoMessage().string(1, "d")))
                                .body("v1", "Pod"));
        assertThat(pod.path("spec").path("containers"))
                .isEqualTo(
                        json(
                                """
                [{"name":"c","image":"nginx","command":["sh","-c"],
                  "ports":[{"name":"http","containerPort":80,"protocol":"TCP"},{"containerPort":443}],
                  "env":[{"name":"A","value":"1"},{"name":"EMPTY"}],"resources":{}},
                 {"name":"d","resources":{}}]"""));
        JsonNode role =
                decode(
                        new ProtoMessage()
                                .message(1, meta("r"))
                                .message(
                                        2,
                                        new ProtoMessage()
                                                .string(1, "get")
                                                .string(1, "list")
                                                .string(2, "")
                                                .string(3, "pods"))
                                .message(2, new ProtoMessage().string(5, "/healthz"))
                                .body("rbac.authorization.k8s.io/v1", "Role"));
        assertThat(role.path("rules"))
                .isEqualTo(
                        json(
                                """
                [{"verbs":["get","list"],"apiGroups":[""],"resources":["pods"]},
                 {"verbs":null,"nonResourceURLs":["/healthz"]}]"""));
    }

    @Test
    void decode_inlineStructs_areWrittenIntoTheirParent() {
        ProtoMessage probe =
                new ProtoMessage()
                        .message(
                                1,
                                new ProtoMessage()
                                        .message(
                                                2,
                                                new ProtoMessage()
                                                        .string(1, "/healthz")
                                                        .message(
                                                                2,
                                                                new ProtoMessage()
                                                                        .int64(1, 1)
                                                                        .string(3, "http"))))
                        .int32(3, 5);
        ProtoMessage volume =
                new ProtoMessage()
                        .string(1, "config")
                        .message(
                                2,
                                new ProtoMessage()
                                        .message(
                                                19,
                                                new ProtoMessage()
                                                        .message(
                                                                1,
                                                                new ProtoMessage()
                                                                        .string(1, "my-config"))
                                                        .int32(3, 420)));
        JsonNode spec =
                decode(
                                new ProtoMessage()
                                        .message(
                                                2,
                                                new ProtoMessage()
                                                        .message(1, volume)
                                                        .message(
                                                                2,
                                                                new ProtoMessage()
                                                                        .string(1, "c")
                                                                        .message(10, probe)))
                                        .body("v1", "Pod"))
                        .path("spec");
        assertThat(spec.path("containers").get(0).path("livenessProbe"))
                .isEqualTo(
                        json(
                                "{\"httpGet\":{\"path\":\"/healthz\",\"port\":\"http\"},\"timeoutSeconds\":5}"));
        assertThat(spec.path("volumes").get(0))
                .isEqualTo(
                        json(
                                "{\"name\":\"config\",\"configMap\":{\"name\":\"my-config\",\"defaultMode\":420}}"));
    }

    @Test
    void decode_times_areRfc3339InUtc_andTheZeroTimeIsNull() {
        ProtoMessage meta =
                meta("t")
                        .message(8, new ProtoMessage().int64(1, 1795624813L).int32(2, 999_999_999))
                        .message(9, new ProtoMessage());
        JsonNode metadata =
                decode(new ProtoMessage().message(1, meta).body("v1", "ConfigMap"))
                        .path("metadata");
        assertThat(metadata.path("creationTimestamp").asString()).isEqualTo("2026-11-25T16:40:13Z");
        assertThat(metadata.get("deletionTimestamp").isNull()).isTrue();

        ProtoMessage goZero =
                meta("z").message(8, new ProtoMessage().int64(1, -62135596800L).int32(2, 0));
        assertThat(
                        decode(new ProtoMessage().message(1, goZero).body("v1", "ConfigMap"))
                                .path("metadata")
                                .get("creationTimestamp")
                                .isNull())
                .isTrue();
        ProtoMessage epoch = meta("e").message(8, new ProtoMessage().int64(1, 0).int32(2, 0));
        assertThat(
                        decode(new ProtoMessage().message(1, epoch).body("v1", "ConfigMap"))
                                .path("metadata")
                                .path("creationTimestamp")
                                .asString())
                .isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void decode_microTimes_keepMicroseconds() {
        ProtoMessage spec =
                new ProtoMessage()
                        .string(1, "holder")
                        .int32(2, 15)
                        .message(4, new ProtoMessage().int64(1, 1795624813L).int32(2, 123_456_789))
                        .int32(5, 0);
        JsonNode lease =
                decode(
                        new ProtoMessage()
                                .message(1, meta("l"))
                                .message(2, spec)
                                .body("coordination.k8s.io/v1", "Lease"));
        assertThat(lease.path("spec"))
                .isEqualTo(
                        json(
                                """
                {"holderIdentity":"holder","leaseDurationSeconds":15,"renewTime":"2026-11-25T16:40:13.123456Z","leaseTransitions":0}"""));
        JsonNode event =
                decode(new ProtoMessage().message(1, meta("e")).body("events.k8s.io/v1", "Event"));
        assertThat(event.get("eventTime").isNull()).isTrue();
        assertThat(event.path("regarding")).isEqualTo(json("{}"));
    }

    @Test
    void decode_quantities_areStrings() {
        ProtoMessage resources =
                new ProtoMessage()
                        .entry(1, "memory", new ProtoMessage().string(1, "1Gi"))
                        .entry(1, "cpu", new ProtoMessage().string(1, "500m"))
                        .entry(2, "cpu", new ProtoMessage());
        ProtoMessage emptyDir =
                new ProtoMessage()
                        .message(
                                2,
                                new ProtoMessage()
                                        .message(2, new ProtoMessage().string(1, "64Mi")));
        JsonNode spec =
                decode(
                                new ProtoMessage()
                                        .message(
                                                2,
                                                new ProtoMessage()
                                                        .message(
                                                                1,
                                                                new ProtoMessage()
                                                                        .string(1, "scratch")
                                                                        .message(2, emptyDir))
                                                        .message(
                                                                2,
                                                                new ProtoMessage()
                                                                        .string(1, "c")
                                                                        .message(8, resources)))
                                        .body("v1", "Pod"))
                        .path("spec");
        assertThat(spec.path("containers").get(0).path("resources"))
                .isEqualTo(
                        json(
                                "{\"limits\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"},\"requests\":{\"cpu\":\"0\"}}"));
        assertThat(spec.path("volumes").get(0))
                .isEqualTo(json("{\"name\":\"scratch\",\"emptyDir\":{\"sizeLimit\":\"64Mi\"}}"));
    }

    @Test
    void decode_managedFields_embedFieldsV1Json() {
        ProtoMessage entry =
                new ProtoMessage()
                        .string(1, "kubectl")
                        .string(2, "Update")
                        .string(3, "v1")
                        .message(4, new ProtoMessage().int64(1, 1795624813L))
                        .string(6, "FieldsV1")
                        .message(
                                7,
                                new ProtoMessage()
                                        .bytes(
                                                1,
                                                "{\"f:data\":{\"f:a\":{}}}"
                                                        .getBytes(StandardCharsets.UTF_8)));
        JsonNode metadata =
                decode(
                                new ProtoMessage()
                                        .message(1, meta("m").message(17, entry))
                                        .body("v1", "ConfigMap"))
                        .path("metadata");
        assertThat(metadata.path("managedFields"))
                .isEqualTo(
                        json(
                                """
                [{"manager":"kubectl","operation":"Update","apiVersion":"v1","time":"2026-11-25T16:40:13Z",
                  "fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}]"""));
    }

    @Test
    void decode_repeatedIntegers_packedOrNot() {
        ProtoMessage securityContext =
                new ProtoMessage().packedInt64(4, 1, 2).int64(4, 3).int64(2, 0);
        JsonNode spec =
                decode(
                                new ProtoMessage()
                                        .message(2, new ProtoMessage().message(14, securityContext))
                                        .body("v1", "Pod"))
                        .path("spec");
        assertThat(spec.path("securityContext"))
                .isEqualTo(json("{\"runAsUser\":0,\"supplementalGroups\":[1,2,3]}"));
    }

    @Test
    void decode_singularMessageSentTwice_isMerged() {
        byte[] body =
                new ProtoMessage()
                        .message(1, meta("first").entry(11, "a", "1"))
                        .message(1, new ProtoMessage().string(3, "ns").entry(11, "b", "2"))
                        .body("v1", "ConfigMap");
        assertThat(decode(body).path("metadata"))
                .isEqualTo(
                        json(
                                "{\"name\":\"first\",\"namespace\":\"ns\",\"creationTimestamp\":null,\"labels\":{\"a\":\"1\",\"b\":\"2\"}}"));
    }

    @Test
    void decode_unknownFields_areReportedWithTheirPath() {
        byte[] body =
                new ProtoMessage()
                        .message(1, meta("s").entry(11, "app", "web"))
                        .message(
                                2,
                                new ProtoMessage()
                                        .message(1, new ProtoMessage().int32(3, 80))
                                        .message(1, new ProtoMessage().int32(3, 81).int32(42, 7)))
                        .string(99, "future")
                        .message(
                                1,
                                new ProtoMessage()
                                        .message(
                                                11,
                                                new ProtoMessage()
                                                        .string(1, "tier")
                                                        .string(2, "x")
                                                        .int32(3, 1)))
                        .body("v1", "Service");
        ProtobufDecoder.Decoded decoded = ProtobufDecoder.decode(body);
        assertThat(decoded.unknownFields())
                .containsExactlyInAnyOrder(
                        "spec.ports[1].(protobuf field 42)",
                        "(protobuf field 99)",
                        "metadata.labels[tier].(protobuf field 3)");
        assertThat(decoded.object().path("spec").path("ports").get(1).path("port").asInt())
                .isEqualTo(81);
        assertThat(decoded.object().path("metadata").path("labels"))
                .isEqualTo(json("{\"app\":\"web\",\"tier\":\"x\"}"));
    }

    @Test
    void decode_deleteOptions_underAnyGroupVersion() {
        byte[] body =
                new ProtoMessage()
                        .int64(1, 0)
                        .message(2, new ProtoMessage().string(1, "uid-1"))
                        .string(4, "Foreground")
                        .string(5, "All")
                        .body("apps/v1", "DeleteOptions");
        assertThat(decode(body))
                .isEqualTo(
                        json(
                                """
                {"kind":"DeleteOptions","apiVersion":"apps/v1","gracePeriodSeconds":0,
                 "preconditions":{"uid":"uid-1"},"propagationPolicy":"Foreground","dryRun":["All"]}"""));
    }

    @Test
    void decode_subjectAccessReview_extraValuesAreLists() {
        ProtoMessage spec =
                new ProtoMessage()
                        .message(
                                1,
                                new ProtoMessage()
                                        .string(1, "default")
                                        .string(2, "get")
                                        .string(5, "pods"))
                        .string(3, "jane")
                        .string(4, "devs")
                        .entry(5, "scopes", new ProtoMessage().string(1, "a").string(1, "b"))
                        .entry(5, "none", new ProtoMessage());
        JsonNode review =
                decode(
                        new ProtoMessage()
                                .message(1, new ProtoMessage())
                                .message(2, spec)
                                .body("authorization.k8s.io/v1", "SubjectAccessReview"));
        assertThat(review.path("spec"))
                .isEqualTo(
                        json(
                                """
                {"resourceAttributes":{"namespace":"default","verb":"get","resource":"pods"},"user":"jane",
                 "groups":["devs"],"extra":{"none":null,"scopes":["a","b"]}}"""));
        assertThat(review.path("status")).isEqualTo(json("{\"allowed\":false}"));
    }

    @Test
    void decode_rawExtensionAndDuration_withATestTable() {
        SchemaTable table =
                new SchemaTable(
                        "test",
                        "test.j8s.io/v1",
                        List.of("Holder"),
                        """
                Holder
                  1 timeout meta.Duration
                  2 object runtime.RawExtension?
                  3 ttl meta.Duration?
                  4 empty runtime.RawExtension
                """);
        Schemas schemas =
                new Schemas(List.of(MetaV1Schema.TABLE, ApimachinerySchemas.RUNTIME, table));
        byte[] body =
                new ProtoMessage()
                        .message(1, new ProtoMessage().int64(1, 3_723_500_000_000L))
                        .message(
                                2,
                                new ProtoMessage()
                                        .bytes(
                                                1,
                                                "{\"kind\":\"Pod\",\"spec\":{}}"
                                                        .getBytes(StandardCharsets.UTF_8)))
                        .body("test.j8s.io/v1", "Holder");
        assertThat(ProtobufDecoder.decode(body, schemas).object())
                .isEqualTo(
                        json(
                                """
                {"kind":"Holder","apiVersion":"test.j8s.io/v1","timeout":"1h2m3.5s",
                 "object":{"kind":"Pod","spec":{}},"empty":null}"""));
        byte[] notJson =
                new ProtoMessage()
                        .message(2, new ProtoMessage().bytes(1, new byte[] {'k', '8', 's', 0}))
                        .body("test.j8s.io/v1", "Holder");
        assertThatThrownBy(() -> ProtobufDecoder.decode(notJson, schemas))
                .isInstanceOf(ProtobufDecodingException.class)
                .hasMessageStartingWith("object: the embedded bytes are not JSON (4 bytes)");
    }

    @Test
    void decode_withoutTheMagicNumber_isMalformed() {
        assertThatThrownBy(
                        () ->
                                ProtobufDecoder.decode(
                                        "{\"kind\":\"Pod\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ProtobufDecodingException.class)
                .hasMessage(
                        "the body does not start with the Kubernetes protobuf prefix \"k8s\\0\"");
    }

    @Test
    void decode_truncatedBody_isMalformedAndNamesTheField() {
        byte[] body =
                new ProtoMessage()
                        .message(1, meta("cm"))
                        .message(2, new ProtoMessage().string(1, "k"))
                        .body("v1", "ConfigMap");
        byte[] truncated = java.util.Arrays.copyOf(body, body.length - 3);
        assertThatThrownBy(() -> ProtobufDecoder.decode(truncated))
                .isInstanceOf(ProtobufDecodingException.class)
                .hasMessageContaining("malformed protobuf");
        byte[] badRaw =
                new ProtoMessage()
                        .raw((byte) 0x12, (byte) 0x05, (byte) 'a')
                        .body("v1", "ConfigMap");
        assertThatThrownBy(() -> ProtobufDecoder.decode(badRaw))
                .isInstanceOf(ProtobufDecodingException.class)
                .hasMessageStartingWith("data: malformed protobuf: ");
    }

    @Test
    void decode_wrongWireType_namesTheField() {
        byte[] body =
                new ProtoMessage()
                        .message(
                                2,
                                new ProtoMessage().message(1, new ProtoMessage().string(3, "80")))
                        .body("v1", "Service");
        assertThatThrownBy(() -> ProtobufDecoder.decode(body))
                .isInstanceOf(ProtobufDecodingException.class)
                .hasMessage("spec.ports[0].port: field 3 sent with wire type 2, expected 0");
    }

    @Test
    void decode_envelopeWithoutKind_isMalformed() {
        assertThatThrownBy(() -> ProtobufDecoder.decode(new ProtoMessage().body("v1", "")))
                .isInstanceOf(ProtobufDecodingException.class)
                .hasMessage("the protobuf body does not name its kind (typeMeta.kind is empty)");
    }

    @Test
    void decode_kindWithoutTable_isUnsupported() {
        assertThatThrownBy(
                        () ->
                                ProtobufDecoder.decode(
                                        new ProtoMessage()
                                                .message(1, meta("j"))
                                                .body("batch/v1", "Job")))
                .isInstanceOfSatisfying(
                        UnsupportedProtobufKindException.class,
                        e -> {
                            assertThat(e.apiVersion()).isEqualTo("batch/v1");
                            assertThat(e.kind()).isEqualTo("Job");
                        })
                .hasMessage(
                        "protobuf bodies of batch/v1, Kind=Job are not supported: send it as application/json"
                                + " or application/yaml");
    }

    @Test
    void decode_nestingDeeperThanTheLimit_isMalformed() {
        SchemaTable table =
                new SchemaTable(
                        "test",
                        "test.j8s.io/v1",
                        List.of("Node"),
                        """
                Node
                  1 child Node?
                """);
        Schemas schemas = new Schemas(List.of(table));
        ProtoMessage node = new ProtoMessage();
        for (int i = 0; i < MessageDecoder.MAX_DEPTH + 5; i++) {
            node = new ProtoMessage().message(1, node);
        }
        byte[] body = node.body("test.j8s.io/v1", "Node");
        assertThatThrownBy(() -> ProtobufDecoder.decode(body, schemas))
                .isInstanceOf(ProtobufDecodingException.class)
                .hasMessageContaining("messages nested deeper than " + MessageDecoder.MAX_DEPTH);
    }
}
