package io.j8s.apiserver.auth.review;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.auth.authn.ServiceAccountTokens;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.registry.ObjectRegistry;
import io.j8s.apiserver.request.Bodies;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.Responses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST .../serviceaccounts/<name>/token}: the TokenRequest subresource ({@code kubectl
 * create token}), answering with a signed service account token. Defaults and limits are
 * Kubernetes': one hour unless {@code spec.expirationSeconds} says otherwise, at least ten minutes,
 * the API audiences unless {@code spec.audiences} names others. {@code spec.boundObjectRef} binds
 * the token to a Pod (which must run as this ServiceAccount; the token then also names the Pod's
 * Node when it is scheduled), a Secret or a Node, as Kubernetes' {@code TokenREST}: the object must
 * exist (404 otherwise), its uid must be the one given (409), and the token stops authenticating
 * once the object is gone ({@link ServiceAccountTokens}). Kubernetes' extension of the kubelet's
 * 3607-second Pod tokens to a year with a {@code warnafter} claim is not done: they expire when
 * asked. Nothing is stored. Thread safe.
 */
public final class TokenRequests {
    private static final long DEFAULT_SECONDS = 3600;
    private static final long MIN_SECONDS = 600;
    private static final long MAX_SECONDS = 1L << 32;

    private final ObjectRegistry registry;
    private final ServiceAccountTokens tokens;
    private final Function<String, ResourceType> typeOfKind;

    public TokenRequests(
            ObjectRegistry registry,
            ServiceAccountTokens tokens,
            Function<String, ResourceType> typeOfKind) {
        this.registry = registry;
        this.tokens = tokens;
        this.typeOfKind = typeOfKind;
    }

    /** Serves one request ({@code SubresourceHandler} of {@code serviceaccounts/token}). */
    public void handle(HttpExchange exchange, RequestInfo info, ResourceType serviceAccounts) {
        if (!info.verb().equals("create") || info.name() == null) {
            throw ApiException.methodNotAllowed(exchange.method(), "serviceaccounts/token");
        }
        ObjectNode request = Bodies.decodeObject(exchange);
        JsonNode spec = request.path("spec");
        List<FieldError> errors = new ArrayList<>();
        long seconds = spec.path("expirationSeconds").asLong(DEFAULT_SECONDS);
        if (seconds < MIN_SECONDS) {
            errors.add(
                    FieldError.invalid(
                            "spec.expirationSeconds",
                            seconds,
                            "may not specify a duration less than 10 minutes"));
        } else if (seconds > MAX_SECONDS) {
            errors.add(
                    FieldError.invalid(
                            "spec.expirationSeconds",
                            seconds,
                            "may not specify a duration larger than 2^32 seconds"));
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalid(
                    "TokenRequest", AccessReviews.AUTHENTICATION, info.name(), errors);
        }
        ObjectNode account =
                registry.read(serviceAccounts, info.namespace(), info.name())
                        .orElseThrow(() -> ApiException.notFound(serviceAccounts, info.name()))
                        .object();
        JsonNode ref = spec.path("boundObjectRef");
        ServiceAccountTokens.Binding binding =
                ref.isObject()
                        ? bind(info.namespace(), info.name(), ref)
                        : ServiceAccountTokens.Binding.NONE;
        List<String> audiences = Json.stringList(spec, "audiences");
        if (audiences.isEmpty()) {
            audiences = tokens.apiAudiences();
        }
        ServiceAccountTokens.Issued issued =
                tokens.issue(
                        info.namespace(),
                        info.name(),
                        Json.text(account, "metadata.uid"),
                        audiences,
                        Duration.ofSeconds(seconds),
                        binding);
        ObjectNode out = Json.object();
        out.put("kind", "TokenRequest");
        out.put("apiVersion", AccessReviews.AUTHENTICATION + "/v1");
        ObjectNode metadata = out.putObject("metadata");
        metadata.put("name", info.name());
        metadata.put("namespace", info.namespace());
        metadata.put(
                "creationTimestamp",
                ObjectRegistry.timestamp(issued.expiration().minusSeconds(seconds)));
        ObjectNode outSpec = out.putObject("spec");
        audiences.forEach(outSpec.putArray("audiences")::add);
        outSpec.put("expirationSeconds", seconds);
        if (ref.isObject()) {
            outSpec.set("boundObjectRef", ref.deepCopy());
        } else {
            outSpec.putNull("boundObjectRef");
        }
        ObjectNode status = out.putObject("status");
        status.put("token", issued.token());
        status.put("expirationTimestamp", ObjectRegistry.timestamp(issued.expiration()));
        Responses.json(exchange, 201, out);
    }

    /**
     * The binding {@code ref} asks for, checked as Kubernetes does: a core Pod (running as {@code
     * serviceAccount}), Secret or Node that exists, with the uid given if one is.
     */
    private ServiceAccountTokens.Binding bind(
            String namespace, String serviceAccount, JsonNode ref) {
        String apiVersion = Json.str(ref, "apiVersion");
        String kind = Json.str(ref, "kind");
        String name = Json.str(ref, "name");
        String uid = Json.str(ref, "uid");
        String group =
                apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String version =
                apiVersion.contains("/")
                        ? apiVersion.substring(apiVersion.indexOf('/') + 1)
                        : apiVersion;
        if (!group.isEmpty()
                || !(kind.equals("Pod") || kind.equals("Secret") || kind.equals("Node"))) {
            // Go's schema.GroupVersionKind.String()
            String gvk = group + "/" + version + ", Kind=" + kind;
            throw ApiException.badRequest(
                    "cannot bind token for serviceaccount \""
                            + serviceAccount
                            + "\" to object of type "
                            + gvk
                            + ".");
        }
        ResourceType type = typeOfKind.apply(kind);
        ObjectNode object =
                registry.read(type, type.namespaced() ? namespace : null, name)
                        .orElseThrow(() -> ApiException.notFound(type, name))
                        .object();
        String actualUid = Json.text(object, "metadata.uid");
        ServiceAccountTokens.Ref node = null;
        if (kind.equals("Pod")) {
            String podAccount = Json.text(object, "spec.serviceAccountName");
            if (!serviceAccount.equals(podAccount)) {
                throw ApiException.badRequest(
                        "cannot bind token for serviceaccount \""
                                + serviceAccount
                                + "\" to pod running with different serviceaccount name.");
            }
        }
        if (!uid.isEmpty() && !uid.equals(actualUid)) {
            // Kubernetes names the resource by its kind here
            throw ApiException.of(
                    409,
                    "Conflict",
                    "Operation cannot be fulfilled on "
                            + kind
                            + " \""
                            + name
                            + "\": the UID in the bound object reference ("
                            + uid
                            + ") does not match the UID in record."
                            + " The object might have been deleted and then recreated");
        }
        ServiceAccountTokens.Ref bound = new ServiceAccountTokens.Ref(name, actualUid);
        switch (kind) {
            case "Pod" -> {
                String nodeName = Json.text(object, "spec.nodeName");
                if (!nodeName.isEmpty()) {
                    ResourceType nodes = typeOfKind.apply("Node");
                    node =
                            registry.read(nodes, null, nodeName)
                                    .map(
                                            n ->
                                                    new ServiceAccountTokens.Ref(
                                                            nodeName,
                                                            Json.text(n.object(), "metadata.uid")))
                                    .orElse(null);
                }
                return new ServiceAccountTokens.Binding(bound, null, node);
            }
            case "Secret" -> {
                return new ServiceAccountTokens.Binding(null, bound, null);
            }
            default -> {
                return new ServiceAccountTokens.Binding(null, null, bound);
            }
        }
    }
}
