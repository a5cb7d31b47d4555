package io.j8s.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.j8s.api.ResourceTypes;
import io.j8s.api.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI documents rendered from the schema model: v3 per group-version, v2 in JSON, and the
 * v2 protobuf decoded field by field with protobuf-java's parser, by the field numbers of gnostic's
 * {@code OpenAPIv2.proto}.
 */
class OpenApiDocumentsTest {

    private static final OpenApi OPEN_API = new OpenApi(ResourceTypes.all(), "v1.32.4");

    @Test
    void v3DocumentsCarryTheSchemasOfTheirKinds() {
        JsonNode root = Json.parse(OPEN_API.root());
        String url = root.path("paths").path("api/v1").path("serverRelativeURL").asString();
        assertThat(url).isEqualTo("/openapi/v3/api/v1?hash=" + OPEN_API.hash("api/v1"));
        JsonNode core = Json.parse(OPEN_API.document("api/v1"));
        JsonNode schemas = core.path("components").path("schemas");
        JsonNode service = schemas.path("io.k8s.api.core.v1.Service");
        assertThat(service.path("x-kubernetes-group-version-kind").get(0).path("kind").asString())
                .isEqualTo("Service");
        assertThat(
                        service.path("properties")
                                .path("spec")
                                .path("allOf")
                                .get(0)
                                .path("$ref")
                                .asString())
                .isEqualTo("#/components/schemas/io.k8s.api.core.v1.ServiceSpec");
        JsonNode spec = schemas.path("io.k8s.api.core.v1.ServiceSpec").path("properties");
        assertThat(spec.path("sessionAffinity").path("type").asString()).isEqualTo("string");
        assertThat(spec.path("sessionAffinity").path("description").asString())
                .contains("ClientIP");
        assertThat(spec.path("sessionAffinity").path("enum").toString())
                .isEqualTo("[\"ClientIP\",\"None\"]");
        assertThat(spec.path("ports").path("x-kubernetes-list-map-keys").toString())
                .isEqualTo("[\"port\",\"protocol\"]");
        assertThat(
                        schemas.path("io.k8s.apimachinery.pkg.util.intstr.IntOrString")
                                .path("x-kubernetes-int-or-string")
                                .asBoolean())
                .isTrue();
        assertThat(
                        schemas.path("io.k8s.apimachinery.pkg.apis.meta.v1.Time")
                                .path("format")
                                .asString())
                .isEqualTo("date-time");
        // every reference of a document resolves inside it
        for (String path :
                List.of(
                        "api/v1",
                        "apis/apps/v1",
                        "apis/discovery.k8s.io/v1",
                        "apis/rbac.authorization.k8s.io/v1")) {
            JsonNode doc = Json.parse(OPEN_API.document(path));
            for (String ref : refs(doc, new ArrayList<>())) {
                assertThat(
                                doc.path("components")
                                        .path("schemas")
                                        .has(ref.substring("#/components/schemas/".length())))
                        .as(path + ": " + ref)
                        .isTrue();
            }
        }
        JsonNode apps =
                Json.parse(OPEN_API.document("apis/apps/v1")).path("components").path("schemas");
        assertThat(apps.path("io.k8s.api.apps.v1.DeploymentSpec").path("required").toString())
                .isEqualTo("[\"selector\",\"template\"]");
        assertThat(apps.has("io.k8s.api.core.v1.PodSpec")).isTrue();
        assertThat(apps.has("io.k8s.api.core.v1.Service")).isFalse();
    }

    private static List<String> refs(JsonNode node, List<String> out) {
        if (node.isObject()) {
            node.properties()
                    .forEach(
                            e -> {
                                if (e.getKey().equals("$ref")) {
                                    out.add(e.getValue().asString());
                                } else {
                                    refs(e.getValue(), out);
                                }
                            });
        } else if (node.isArray()) {
            node.forEach(n -> refs(n, out));
        }
        return out;
    }

    @Test
    void v2JsonHasEveryPathAndDefinition() {
        JsonNode doc = Json.parse(OPEN_API.v2().json());
        assertThat(doc.path("swagger").asString()).isEqualTo("2.0");
        JsonNode patch =
                doc.path("paths")
                        .path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
                        .path("patch");
        assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asString())
                .isEqualTo("Deployment");
        assertThat(patch.path("parameters").findValuesAsString("name")).contains("fieldValidation");
        JsonNode ports =
                doc.path("definitions")
                        .path("io.k8s.api.core.v1.ServiceSpec")
                        .path("properties")
                        .path("ports");
        assertThat(ports.path("items").path("$ref").asString())
                .isEqualTo("#/definitions/io.k8s.api.core.v1.ServicePort");
        for (String ref : refs(doc, new ArrayList<>())) {
            assertThat(doc.path("definitions").has(ref.substring("#/definitions/".length())))
                    .as(ref)
                    .isTrue();
        }
        assertThat(OPEN_API.v2().etag()).matches("\"[0-9A-F]{128}\"");
    }

    @Test
    void v2ProtobufIsTheGnosticDocument() throws Exception {
        UnknownFieldSet document = UnknownFieldSet.parseFrom(OPEN_API.v2().protobuf());
        assertThat(string(document, 1)).isEqualTo("2.0"); // swagger
        assertThat(string(message(document, 2), 2)).isEqualTo("v1.32.4"); // info.version

        // definitions (9) -> additional_properties (1): NamedSchema {name 1, value 2}
        UnknownFieldSet spec = named(message(document, 9), 1, "io.k8s.api.core.v1.ServiceSpec");
        UnknownFieldSet ports = named(message(spec, 25), 1, "ports"); // properties
        assertThat(string(message(ports, 22), 1)).isEqualTo("array"); // type.value
        UnknownFieldSet items = message(message(ports, 23), 1); // items.schema
        assertThat(string(items, 1))
                .isEqualTo("#/definitions/io.k8s.api.core.v1.ServicePort"); // _ref
        assertThat(extension(ports, 31, "x-kubernetes-patch-merge-key")).isEqualTo("\"port\"\n");
        assertThat(extension(ports, 31, "x-kubernetes-patch-strategy")).isEqualTo("\"merge\"\n");
        UnknownFieldSet service = named(message(document, 9), 1, "io.k8s.api.core.v1.Service");
        assertThat(extension(service, 31, "x-kubernetes-group-version-kind"))
                .isEqualTo("[{\"group\":\"\",\"kind\":\"Service\",\"version\":\"v1\"}]\n");
        UnknownFieldSet port = named(message(document, 9), 1, "io.k8s.api.core.v1.ServicePort");
        assertThat(strings(port, 19)).containsExactly("port"); // required

        // paths (8) -> path (2): NamedPathItem {name 1, value 2}; PathItem.patch 8
        UnknownFieldSet item =
                named(message(document, 8), 2, "/api/v1/namespaces/{namespace}/services/{name}");
        UnknownFieldSet patch = message(item, 8);
        assertThat(string(patch, 5)).isEqualTo("patchCoreV1NamespacedService"); // operation_id
        assertThat(extension(patch, 13, "x-kubernetes-group-version-kind"))
                .isEqualTo("{\"group\":\"\",\"kind\":\"Service\",\"version\":\"v1\"}\n");
        List<String> queryNames = new ArrayList<>();
        for (ByteString p : patch.getField(8).getLengthDelimitedList()) { // parameters
            UnknownFieldSet parameter = message(UnknownFieldSet.parseFrom(p), 1);
            if (parameter.hasField(2)) { // non_body_parameter
                UnknownFieldSet nonBody = message(parameter, 2);
                if (nonBody.hasField(3)) { // query_parameter_sub_schema
                    queryNames.add(string(message(nonBody, 3), 4));
                }
            } else { // body_parameter
                assertThat(string(message(parameter, 1), 3)).isEqualTo("body");
            }
        }
        assertThat(queryNames).contains("fieldValidation", "fieldManager", "dryRun", "force");
        // path parameters of the path item (9): path_parameter_sub_schema (4), required (1)
        UnknownFieldSet first =
                message(
                        message(
                                UnknownFieldSet.parseFrom(
                                        item.getField(9).getLengthDelimitedList().get(0)),
                                1),
                        2);
        assertThat(string(message(first, 4), 4)).isEqualTo("name");
        assertThat(message(first, 4).getField(1).getVarintList()).containsExactly(1L);
    }

    private static UnknownFieldSet message(UnknownFieldSet set, int field)
            throws InvalidProtocolBufferException {
        assertThat(set.hasField(field)).as("field " + field).isTrue();
        return UnknownFieldSet.parseFrom(set.getField(field).getLengthDelimitedList().get(0));
    }

    private static String string(UnknownFieldSet set, int field) {
        return set.getField(field).getLengthDelimitedList().get(0).toString(StandardCharsets.UTF_8);
    }

    private static List<String> strings(UnknownFieldSet set, int field) {
        return set.getField(field).getLengthDelimitedList().stream()
                .map(b -> b.toString(StandardCharsets.UTF_8))
                .toList();
    }

    /** The value (2) of the entry of repeated {@code field} whose name (1) is {@code name}. */
    private static UnknownFieldSet named(UnknownFieldSet set, int field, String name)
            throws InvalidProtocolBufferException {
        for (ByteString entry : set.getField(field).getLengthDelimitedList()) {
            UnknownFieldSet e = UnknownFieldSet.parseFrom(entry);
            if (string(e, 1).equals(name)) {
                return message(e, 2);
            }
        }
        throw new AssertionError("no entry " + name);
    }

    /** The YAML of vendor extension {@code name}: NamedAny {name 1, value 2: Any {yaml 2}}. */
    private static String extension(UnknownFieldSet set, int field, String name)
            throws InvalidProtocolBufferException {
        return string(named(set, field, name), 2);
    }
}
