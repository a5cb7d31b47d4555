package io.j8s.api;

import io.j8s.api.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Test resources: the seed manifests and the kubectl samples. */
public final class TestData {

    private TestData() {}

    public static String read(String resource) {
        try (InputStream in = TestData.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<JsonNode> yaml(String resource) {
        return Json.readYamlDocuments(read(resource));
    }

    public static ObjectNode json(String resource) {
        return Json.parseObject(read(resource));
    }

    /** A YAML object written inline in a test. */
    public static ObjectNode obj(String yaml) {
        return Json.readYamlObject(yaml);
    }
}
