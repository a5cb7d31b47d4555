package io.j8s.api.protobuf;

import static org.assertj.core.api.Assertions.assertThat;

import io.j8s.api.json.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder against bodies the real kubectl 1.32 sent (captured by j8s-server's {@code
 * CaptureKubectlProtobufBodies}; the list is in {@code kubectl/README.md}): each decodes, field for
 * field and in the same order, to the JSON kubectl prints for the same object with {@code
 * --dry-run=client -o json}, or to the hand-written JSON for commands without a dry run.
 */
class KubectlBodiesTest {

    static Stream<String> fixtures() throws IOException, URISyntaxException {
        Path dir = Path.of(KubectlBodiesTest.class.getResource("kubectl").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names =
                    files.map(p -> p.getFileName().toString())
                            .filter(n -> n.endsWith(".pb"))
                            .map(n -> n.substring(0, n.length() - 3))
                            .sorted()
                            .toList();
            return names.stream();
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (var in = KubectlBodiesTest.class.getResourceAsStream("kubectl/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    @Test
    void fixtures_coverEveryTypedCommand() throws Exception {
        assertThat(fixtures().toList())
                .contains(
                        "configmap",
                        "secret-generic",
                        "secret-docker-registry",
                        "namespace",
                        "serviceaccount",
                        "service-clusterip",
                        "service-nodeport",
                        "service-loadbalancer",
                        "service-externalname",
                        "deployment",
                        "role",
                        "clusterrole",
                        "rolebinding",
                        "clusterrolebinding",
                        "token",
                        "can-i",
                        "can-i-list",
                        "whoami",
                        "drain-delete-options");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decode_kubectlBody_isTheJsonKubectlWouldSend(String name) throws IOException {
        ProtobufDecoder.Decoded decoded = ProtobufDecoder.decode(resource(name + ".pb"));
        assertThat(decoded.unknownFields()).isEmpty();
        String expected = Json.write(Json.parse(resource(name + ".json")));
        assertThat(Json.write(decoded.object())).isEqualTo(expected);
    }
}
