package io.j8s.apiserver.auth.review;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.auth.authn.ServiceAccountTokens;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.rest.ApiException;
import io.j8s.apiserver.rest.Bodies;
import io.j8s.apiserver.rest.RequestInfo;
import io.j8s.apiserver.rest.Responses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST .../serviceaccounts/<name>/token}: the TokenRequest subresource ({@code kubectl create
 * token}), answering with a signed service account token. Defaults and limits are Kubernetes':
 * one hour unless {@code spec.expirationSeconds} says otherwise, at least ten minutes, the API
 * audiences unless {@code spec.audiences} names others. Tokens bound to an object ({@code
 * spec.boundObjectRef}) are not supported. Nothing is stored. Thread safe.
 */
public final class TokenRequests {
    private static final long DEFAULT_SECONDS = 3600;
    private static final long MIN_SECONDS = 600;
    private static final long MAX_SECONDS = 1L << 32;

    private final ObjectRegistry registry;
    private final ServiceAccountTokens tokens;

    public TokenRequests(ObjectRegistry registry, ServiceAccountTokens tokens) {
        this.registry = registry;
        this.tokens = tokens;
    }

    /** Serves one request ({@code ResourceHandler.SubresourceHandler} of {@code serviceaccounts/token}). */
    public void handle(HttpExchange exchange, RequestInfo info, ResourceType serviceAccounts) {
        if (!info.verb().equals("create") || info.name() == null) {
            throw ApiException.methodNotAllowed(exchange.method(), "serviceaccounts/token");
        }
        ObjectNode request = Bodies.decodeObject(exchange);
        JsonNode spec = request.path("spec");
        List<FieldError> errors = new ArrayList<>();
        long seconds = spec.path("expirationSeconds").asLong(DEFAULT_SECONDS);
        if (seconds < MIN_SECONDS) {
            errors.add(FieldError.invalid("spec.expirationSeconds", seconds,
                    "may not specify a duration less than 10 minutes"));
        } else if (seconds > MAX_SECONDS) {
            errors.add(FieldError.invalid("spec.expirationSeconds", seconds,
                    "may not specify a duration larger than 2^32 seconds"));
        }
        if (spec.path("boundObjectRef").isObject()) {
            errors.add(FieldError.forbidden("spec.boundObjectRef", "j8s does not bind tokens to objects"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid("TokenRequest", AccessReviews.AUTHENTICATION, info.name(), errors);
        }
        ObjectNode account = registry.read(serviceAccounts, info.namespace(), info.name())
                .orElseThrow(() -> ApiException.notFound(serviceAccounts, info.name())).object();
        List<String> audiences = Json.stringList(spec, "audiences");
        if (audiences.isEmpty()) {
            audiences = tokens.apiAudiences();
        }
        ServiceAccountTokens.Issued issued = tokens.issue(info.namespace(), info.name(),
                Json.text(account, "metadata.uid"), audiences, Duration.ofSeconds(seconds));
        ObjectNode out = Json.object();
        out.put("kind", "TokenRequest");
        out.put("apiVersion", AccessReviews.AUTHENTICATION + "/v1");
        ObjectNode metadata = out.putObject("metadata");
        metadata.put("name", info.name());
        metadata.put("namespace", info.namespace());
        metadata.put("creationTimestamp", ObjectRegistry.timestamp(issued.expiration().minusSeconds(seconds)));
        ObjectNode outSpec = out.putObject("spec");
        audiences.forEach(outSpec.putArray("audiences")::add);
        outSpec.put("expirationSeconds", seconds);
        outSpec.putNull("boundObjectRef");
        ObjectNode status = out.putObject("status");
        status.put("token", issued.token());
        status.put("expirationTimestamp", ObjectRegistry.timestamp(issued.expiration()));
        Responses.json(exchange, 201, out);
    }
}
