package io.j8s.apiserver.rest;

import io.j8s.api.json.Json;
import io.j8s.apiserver.errors.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.node.ObjectNode;

/**
 * A list's {@code continue} token: the revision the first page was read at and the last key
 * returned, so later pages read the same snapshot from the store.
 */
record ContinueToken(long revision, String lastKey) {

    String encode() {
        ObjectNode node = Json.object();
        node.put("v", "meta.k8s.io/v1");
        node.put("rv", revision);
        node.put("start", lastKey);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.writeBytes(node));
    }

    static ContinueToken decode(String token, String expectedPrefix) {
        try {
            ObjectNode node =
                    Json.parseObject(
                            new String(
                                    Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            long revision = node.path("rv").asLong(0);
            String start = node.path("start").asString("");
            if (revision <= 0 || !start.startsWith(expectedPrefix)) {
                throw new IllegalArgumentException("token does not belong to this list");
            }
            return new ContinueToken(revision, start);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("continue key is not valid: " + e.getMessage());
        }
    }
}
