package io.j8s.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import io.j8s.api.json.Json;
import io.j8s.server.testing.TestCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Protobuf request bodies sent by hand to a real server: every write path that takes an object
 * (create, update, the binding and scale subresources, DELETE options), and the errors a bad body
 * gets.
 */
class ProtobufBodiesTest {
    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";

    private static TestCluster cluster;
    private static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start();
        http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .sslContext(cluster.adminSslContext())
                        .build();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A protobuf message built field by field. */
    private static final class Message {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Message string(int field, String value) {
            try {
                out.writeString(field, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Message int32(int field, int value) {
            try {
                out.writeInt32(field, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Message message(int field, Message value) {
            try {
                out.writeByteArray(field, value.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Message entry(int field, String key, String value) {
            return message(field, new Message().string(1, key).string(2, value));
        }

        byte[] toByteArray() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        /** {@code k8s\0} + runtime.Unknown{typeMeta, raw = this}. */
        byte[] body(String apiVersion, String kind) {
            Message unknown =
                    new Message().message(1, new Message().string(1, apiVersion).string(2, kind));
            try {
                unknown.out.writeByteArray(2, toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] envelope = unknown.toByteArray();
            byte[] body = new byte[envelope.length + 4];
            body[0] = 'k';
            body[1] = '8';
            body[2] = 's';
            System.arraycopy(envelope, 0, body, 4, envelope.length);
            return body;
        }
    }

    private static Message configMap(String name, String key, String value) {
        return new Message().message(1, new Message().string(1, name)).entry(2, key, value);
    }

    private static HttpResponse<String> send(String method, String path, byte[] body)
            throws Exception {
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(cluster.server().apiUrl() + path))
                        .header("Content-Type", PROTOBUF)
                        .header("Accept", PROTOBUF + ", application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body))
                        .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) {
        return Json.parse(response.body());
    }

    @Test
    void createAndUpdate_acceptProtobuf() throws Exception {
        HttpResponse<String> created =
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        configMap("pb-config", "mode", "fast").body("v1", "ConfigMap"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type").orElse(""))
                .startsWith("application/json");
        assertThat(json(created).path("data").path("mode").asString()).isEqualTo("fast");

        HttpResponse<String> updated =
                send(
                        "PUT",
                        "/api/v1/namespaces/default/configmaps/pb-config",
                        configMap("pb-config", "mode", "slow").body("v1", "ConfigMap"));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(json(updated).path("data").path("mode").asString()).isEqualTo("slow");
    }

    @Test
    void bindingAndScale_acceptProtobuf() throws Exception {
        Message pod =
                new Message()
                        .message(1, new Message().string(1, "pb-pod"))
                        .message(
                                2,
                                new Message()
                                        .message(
                                                2,
                                                new Message().string(1, "c").string(2, "nginx")));
        assertThat(
                        send("POST", "/api/v1/namespaces/default/pods", pod.body("v1", "Pod"))
                                .statusCode())
                .isEqualTo(201);
        Message binding =
                new Message()
                        .message(1, new Message().string(1, "pb-pod"))
                        .message(2, new Message().string(1, "Node").string(3, "node-a"));
        HttpResponse<String> bound =
                send(
                        "POST",
                        "/api/v1/namespaces/default/pods/pb-pod/binding",
                        binding.body("v1", "Binding"));
        assertThat(bound.statusCode()).as(bound.body()).isEqualTo(201);
        assertThat(cluster.kubectlOk("get", "pod", "pb-pod", "-o", "jsonpath={.spec.nodeName}"))
                .isEqualTo("node-a");

        cluster.kubectlOk("create", "deployment", "pb-deploy", "--image=nginx");
        Message scale =
                new Message()
                        .message(1, new Message().string(1, "pb-deploy").string(3, "default"))
                        .message(2, new Message().int32(1, 5));
        HttpResponse<String> scaled =
                send(
                        "PUT",
                        "/apis/apps/v1/namespaces/default/deployments/pb-deploy/scale",
                        scale.body("autoscaling/v1", "Scale"));
        assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
        assertThat(
                        cluster.kubectlOk(
                                "get", "deploy", "pb-deploy", "-o", "jsonpath={.spec.replicas}"))
                .isEqualTo("5");
    }

    @Test
    void deleteOptions_inProtobuf_areHonoured() throws Exception {
        cluster.kubectlOk("create", "configmap", "pb-delete");
        Message wrongUid = new Message().message(2, new Message().string(1, "not-the-uid"));
        HttpResponse<String> conflict =
                send(
                        "DELETE",
                        "/api/v1/namespaces/default/configmaps/pb-delete",
                        wrongUid.body("v1", "DeleteOptions"));
        assertThat(conflict.statusCode()).as(conflict.body()).isEqualTo(409);
        assertThat(json(conflict).path("message").asString())
                .contains("Precondition failed: UID in precondition: not-the-uid");

        HttpResponse<String> deleted =
                send(
                        "DELETE",
                        "/api/v1/namespaces/default/configmaps/pb-delete",
                        new Message().string(4, "Background").body("v1", "DeleteOptions"));
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(cluster.kubectl().run("get", "configmap", "pb-delete").exitCode()).isEqualTo(1);

        HttpResponse<String> notOptions =
                send(
                        "DELETE",
                        "/api/v1/namespaces/default/configmaps/pb-other",
                        configMap("pb-other", "a", "b").body("v1", "ConfigMap"));
        assertThat(notOptions.statusCode()).isEqualTo(400);
        assertThat(json(notOptions).path("message").asString())
                .isEqualTo("the DELETE body is a ConfigMap, expected DeleteOptions");
    }

    @Test
    void malformedBody_isBadRequestNamingTheProblem() throws Exception {
        HttpResponse<String> noMagic =
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        "{\"kind\":\"ConfigMap\"}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(noMagic.statusCode()).isEqualTo(400);
        assertThat(json(noMagic).path("reason").asString()).isEqualTo("BadRequest");
        assertThat(json(noMagic).path("message").asString())
                .isEqualTo(
                        "the request body could not be decoded as "
                                + PROTOBUF
                                + ": the body does not start with the Kubernetes protobuf prefix \"k8s\\0\"");

        byte[] body = configMap("cut", "key", "value").body("v1", "ConfigMap");
        HttpResponse<String> truncated =
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps",
                        Arrays.copyOf(body, body.length - 4));
        assertThat(truncated.statusCode()).isEqualTo(400);
        assertThat(json(truncated).path("message").asString()).contains("malformed protobuf");
    }

    @Test
    void kindWithoutSchema_isUnsupportedMediaTypeNamingTheKind() throws Exception {
        HttpResponse<String> response =
                send(
                        "POST",
                        "/apis/apps/v1/namespaces/default/deployments",
                        new Message()
                                .message(1, new Message().string(1, "job"))
                                .body("batch/v1", "Job"));
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(json(response).path("reason").asString()).isEqualTo("UnsupportedMediaType");
        assertThat(json(response).path("message").asString())
                .isEqualTo(
                        "the body of the request was in an unknown"
                                + " format - protobuf bodies of batch/v1, Kind=Job are not supported: send it as application/json"
                                + " or application/yaml");
    }

    @Test
    void unknownProtobufFields_followFieldValidation() throws Exception {
        byte[] strict =
                configMap("pb-unknown", "a", "b")
                        .string(99, "from the future")
                        .body("v1", "ConfigMap");
        HttpResponse<String> rejected =
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
                        strict);
        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(json(rejected).path("message").asString())
                .isEqualTo(
                        "ConfigMap in version \"v1\" cannot be handled"
                                + " as a ConfigMap: strict decoding error: unknown field \"(protobuf field 99)\"");

        HttpResponse<String> warned =
                send("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Warn", strict);
        assertThat(warned.statusCode()).isEqualTo(201);
        assertThat(warned.headers().firstValue("Warning").orElse(""))
                .isEqualTo("299 - \"unknown field \\\"(protobuf field 99)\\\"\"");

        byte[] ignored = configMap("pb-ignored", "a", "b").string(99, "x").body("v1", "ConfigMap");
        HttpResponse<String> silent =
                send(
                        "POST",
                        "/api/v1/namespaces/default/configmaps?fieldValidation=Ignore",
                        ignored);
        assertThat(silent.statusCode()).isEqualTo(201);
        assertThat(silent.headers().firstValue("Warning")).isEmpty();
    }
}
