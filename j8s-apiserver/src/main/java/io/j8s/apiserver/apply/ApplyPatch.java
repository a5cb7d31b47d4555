package io.j8s.apiserver.apply;

import io.j8s.api.json.Json;
import io.j8s.apiserver.errors.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The body of a server-side apply PATCH ({@code application/apply-patch+yaml}). */
public final class ApplyPatch {
    /** CBOR apply bodies, which j8s does not decode. */
    public static final String CBOR = "application/apply-patch+cbor";

    private ApplyPatch() {}

    /**
     * The applied configuration: one YAML (or JSON) object.
     *
     * @throws ApiException 400 when it is not one
     */
    public static ObjectNode decode(byte[] body) {
        List<JsonNode> docs;
        try {
            docs = Json.readYamlDocuments(new String(body, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw ApiException.badRequest("error decoding YAML: " + e.getMessage());
        }
        if (docs.size() != 1 || !(docs.get(0) instanceof ObjectNode config)) {
            throw ApiException.badRequest(
                    "error decoding YAML: the apply patch must be one object, got "
                            + (docs.size() == 1
                                    ? docs.get(0)
                                            .getNodeType()
                                            .toString()
                                            .toLowerCase(java.util.Locale.ROOT)
                                    : docs.size() + " documents"));
        }
        return config;
    }
}
