package io.j8s.apiserver;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.apiserver.auth.Authenticator;
import io.j8s.apiserver.auth.Authorizer;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.auth.node.NodeRestriction;
import io.j8s.apiserver.auth.rbac.BootstrapPolicy;
import io.j8s.apiserver.auth.review.CreateOnlyResource;
import io.j8s.api.selector.FieldSelector;
import io.j8s.api.selector.SelectorException;
import io.j8s.apiserver.discovery.Discovery;
import io.j8s.apiserver.discovery.OpenApi;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.http.HttpHandler;
import io.j8s.apiserver.rest.ApiException;
import io.j8s.apiserver.rest.MediaTypes;
import io.j8s.apiserver.rest.RequestInfo;
import io.j8s.apiserver.rest.ResourceHandler;
import io.j8s.apiserver.rest.Responses;
import io.j8s.store.CompactedException;
import io.j8s.store.StoreClosedException;
import io.j8s.store.StoreException;
import io.j8s.store.ValueTooLargeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The first stop of every request: authentication, authorization, then the non-resource paths
 * (version, health, discovery, OpenAPI, metrics) or the {@link ResourceHandler}. Turns every
 * failure into a {@code Status} body.
 */
final class ApiRouter implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);
    static final String KUBERNETES_VERSION = "v1.32.4";

    private final Map<String, ResourceType> types = new HashMap<>();
    private final Discovery discovery;
    private final OpenApi openApi;
    private final ResourceHandler resources;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final NodeRestriction restriction;
    private final Map<String, CreateOnlyResource> createOnly = new HashMap<>();
    private final Supplier<String> metricsScrape;
    private final Supplier<Boolean> ready;
    private final MeterRegistry metrics;
    private final byte[] version;
    private final Map<String, NonResourceHandler> extraPaths = new HashMap<>();

    /** A handler of a non-resource path (after authentication and authorization). */
    @FunctionalInterface
    interface NonResourceHandler {
        void handle(HttpExchange exchange, UserInfo user);
    }

    /**
     * @param authenticator null (with {@code authorizer} null): every request is the cluster admin,
     *     for tests of the API surface only
     * @param restriction NodeRestriction, run after authorization on writes (null when insecure)
     * @param createOnly resources that are created and answered but never stored (reviews)
     */
    ApiRouter(List<ResourceType> served, Discovery discovery, OpenApi openApi, ResourceHandler resources,
            Authenticator authenticator, Authorizer authorizer, NodeRestriction restriction,
            List<CreateOnlyResource> createOnly, Supplier<String> metricsScrape, Supplier<Boolean> ready,
            MeterRegistry metrics) {
        for (ResourceType type : served) {
            types.put(type.group() + "/" + type.version() + "/" + type.plural(), type);
        }
        for (CreateOnlyResource resource : createOnly) {
            ResourceType type = resource.type();
            this.createOnly.put(type.group() + "/" + type.version() + "/" + type.plural(), resource);
        }
        this.restriction = restriction;
        this.discovery = discovery;
        this.openApi = openApi;
        this.resources = resources;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.metricsScrape = metricsScrape;
        this.ready = ready;
        this.metrics = metrics;
        ObjectNode v = Json.object();
        v.put("major", "1");
        v.put("minor", "32");
        v.put("gitVersion", KUBERNETES_VERSION);
        v.put("gitCommit", "j8s");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "2026-01-01T00:00:00Z");
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "j8s");
        v.put("platform", System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/"
                + ("amd64".equals(System.getProperty("os.arch")) || "x86_64".equals(System.getProperty("os.arch"))
                ? "amd64" : System.getProperty("os.arch")));
        this.version = Json.writeBytes(v);
    }

    /** Serves an extra non-resource path (e.g. a subresource proxy) under the same security. */
    void addPath(String path, NonResourceHandler handler) {
        extraPaths.put(path, handler);
    }

    @Override
    public void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        RequestInfo info = RequestInfo.parse(exchange.method(), exchange.path(), exchange.query("watch"));
        String verb = info.resourceRequest() ? info.verb() : exchange.method().toLowerCase(java.util.Locale.ROOT);
        try {
            UserInfo user = authenticate(exchange);
            exchange.attach(UserInfo.class, user);
            authorize(user, info, exchange);
            route(exchange, info, user);
        } catch (ApiException e) {
            if (!exchange.hasResponded()) {
                Responses.error(exchange, e);
            }
        } catch (CompactedException e) {
            if (!exchange.hasResponded()) {
                Responses.error(exchange, ApiException.gone(e.getMessage()));
            }
        } catch (ValueTooLargeException e) {
            // The object (with what is written beside it) is larger than one store write may be.
            if (!exchange.hasResponded()) {
                Responses.error(exchange, ApiException.entityTooLarge("the object is too large to store: "
                        + (e.size() > 0 ? e.size() + " bytes, " : "") + "the limit is " + e.limit() + " bytes"));
            }
        } catch (StoreClosedException e) {
            if (!exchange.hasResponded()) {
                Responses.error(exchange, ApiException.serviceUnavailable("the server is shutting down"));
            }
        } catch (StoreException e) {
            log.atError().setCause(e).addKeyValue("verb", verb).addKeyValue("path", exchange.path())
                    .log("store failure");
            if (!exchange.hasResponded()) {
                Responses.error(exchange, ApiException.internal(e.getMessage()));
            }
        } finally {
            if (!"watch".equals(verb)) {
                String resource = info.resource() == null ? "" : info.resource();
                Timer.builder("j8s_apiserver_request_duration_seconds")
                        .description("API request latency (watches excluded)")
                        .tags("verb", verb, "resource", resource, "code", Integer.toString(exchange.status()))
                        .publishPercentileHistogram()
                        .register(metrics)
                        .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            log.atDebug().addKeyValue("verb", verb).addKeyValue("uri", exchange.uri())
                    .addKeyValue("code", exchange.status())
                    .addKeyValue("ms", (System.nanoTime() - start) / 1_000_000).log("request");
        }
    }

    /** Paths anyone may read without credentials (as {@code system:anonymous}, still authorized by RBAC). */
    private static final java.util.Set<String> PUBLIC_PATHS = java.util.Set.of("/healthz", "/livez", "/readyz",
            "/version", "/version/", BootstrapPolicy.CACERTS_PATH);

    private UserInfo authenticate(HttpExchange exchange) {
        if (authenticator == null) {
            return new UserInfo("system:admin", List.of(UserInfo.MASTERS, UserInfo.AUTHENTICATED));
        }
        Optional<UserInfo> user = authenticator.authenticate(exchange);
        if (user.isEmpty()) {
            if (PUBLIC_PATHS.contains(exchange.path()) && exchange.header("Impersonate-User") == null) {
                return UserInfo.ANONYMOUS;
            }
            throw ApiException.unauthorized();
        }
        return Impersonation.apply(exchange, user.get(), authorizer);
    }

    private void authorize(UserInfo user, RequestInfo info, HttpExchange exchange) {
        if (authorizer == null) {
            return;
        }
        Authorizer.Attributes attributes = attributes(user, info, exchange);
        Authorizer.Decision decision = authorizer.authorize(attributes);
        if (!decision.allowed()) {
            throw ApiException.forbidden(attributes.group(), attributes.resource(), attributes.name(),
                    forbiddenCause(attributes, decision.reason()));
        }
        if (restriction != null && attributes.resourceRequest()) {
            restriction.admit(attributes, () -> decodeQuietly(exchange));
        }
    }

    /**
     * The request as the authorizers see it. As in Kubernetes, a list or watch whose field selector
     * pins {@code metadata.name} is a request for that name (so {@code resourceNames} rules and the
     * Node authorizer apply to it).
     */
    static Authorizer.Attributes attributes(UserInfo user, RequestInfo info, HttpExchange exchange) {
        if (!info.resourceRequest()) {
            return Authorizer.Attributes.nonResource(user, exchange.method().toLowerCase(java.util.Locale.ROOT),
                    exchange.path());
        }
        String fieldSelector = exchange.query("fieldSelector");
        String name = info.name();
        if (name == null && (info.verb().equals("list") || info.verb().equals("watch")) && fieldSelector != null) {
            try {
                for (FieldSelector.Term term : FieldSelector.parse(fieldSelector).terms()) {
                    if (term.field().equals("metadata.name") && term.equals()) {
                        name = term.value();
                    }
                }
            } catch (SelectorException e) {
                // The list itself answers 400; authorization goes on without a name.
            }
        }
        return Authorizer.Attributes.resource(user, info.verb(), info.group(), info.resource(), info.subresource(),
                info.namespace(), name).withFieldSelector(fieldSelector);
    }

    private static tools.jackson.databind.JsonNode decodeQuietly(HttpExchange exchange) {
        try {
            return io.j8s.apiserver.rest.Bodies.decodeObject(exchange);
        } catch (ApiException e) {
            return null;
        }
    }

    /**
     * The cause of a 403, worded as the Kubernetes apiserver's {@code forbiddenMessage} (and its
     * reason appended after ": "); {@code ApiException.forbidden} adds the {@code <resource> "<name>"
     * is forbidden: } prefix as {@code NewForbidden} does.
     */
    static String forbiddenCause(Authorizer.Attributes a, String reason) {
        String suffix = reason == null || reason.isEmpty() ? "" : ": " + reason;
        if (!a.resourceRequest()) {
            return "User \"" + a.user().name() + "\" cannot " + a.verb() + " path \"" + a.path() + "\"" + suffix;
        }
        String resource = a.resource() + (a.subresource() == null ? "" : "/" + a.subresource());
        StringBuilder message = new StringBuilder();
        message.append("User \"").append(a.user().name()).append("\" cannot ").append(a.verb())
                .append(" resource \"").append(resource).append("\" in API group \"")
                .append(a.group() == null ? "" : a.group()).append('"');
        if (a.namespace() != null) {
            message.append(" in the namespace \"").append(a.namespace()).append('"');
        } else {
            message.append(" at the cluster scope");
        }
        return message.append(suffix).toString();
    }

    /** The whole 403 message, as kubectl prints it after {@code Error from server (Forbidden): }. */
    static String forbiddenMessage(Authorizer.Attributes a, String reason) {
        return ApiException.forbidden(a.group(), a.resource(), a.name(), forbiddenCause(a, reason)).getMessage();
    }

    private void route(HttpExchange exchange, RequestInfo info, UserInfo user) {
        String path = exchange.path();
        NonResourceHandler extra = extraPaths.get(path);
        if (extra != null) {
            extra.handle(exchange, user);
            return;
        }
        if (info.resourceRequest()) {
            CreateOnlyResource created = createOnly.get(info.group() + "/" + info.version() + "/" + info.resource());
            if (created != null) {
                if (!info.verb().equals("create") || info.name() != null || info.subresource() != null) {
                    throw ApiException.methodNotAllowed(exchange.method(), created.type().groupResource());
                }
                created.handler().create(exchange, info.namespace(), user);
                return;
            }
            ResourceType type = types.get(info.group() + "/" + info.version() + "/" + info.resource());
            if (type == null) {
                throw ApiException.pathNotFound();
            }
            resources.handle(exchange, info, type);
            return;
        }
        switch (path) {
            case "/version", "/version/" -> exchange.respond(200, MediaTypes.JSON, version,
                    Map.of("Cache-Control", "no-cache, private"));
            case "/healthz", "/livez" -> text(exchange, 200, "ok");
            case "/readyz" -> {
                if (ready.get()) {
                    text(exchange, 200, "ok");
                } else {
                    text(exchange, 500, "[-]watch-cache failed: not ready\nreadyz check failed");
                }
            }
            case "/metrics" -> exchange.respond(200, "text/plain; version=0.0.4; charset=utf-8",
                    metricsScrape.get().getBytes(StandardCharsets.UTF_8), Map.of());
            case "/api", "/api/" -> discoveryRoot(exchange, true);
            case "/apis", "/apis/" -> discoveryRoot(exchange, false);
            case "/openapi/v3", "/openapi/v3/" -> exchange.respond(200, MediaTypes.JSON, openApi.root(),
                    Map.of("Cache-Control", "no-cache, private"));
            default -> {
                if (path.startsWith("/openapi/v3/")) {
                    byte[] doc = openApi.document(path.substring("/openapi/v3/".length()));
                    if (doc == null) {
                        throw ApiException.pathNotFound();
                    }
                    exchange.respond(200, MediaTypes.JSON, doc, Map.of("Cache-Control", "public, immutable"));
                    return;
                }
                if (info.group() != null && info.resource() == null && info.name() == null) {
                    String gv = info.group().isEmpty() ? info.version() : info.group() + "/" + info.version();
                    byte[] list = discovery.resourceList(gv);
                    if (list != null) {
                        exchange.respond(200, MediaTypes.JSON, list, Map.of());
                        return;
                    }
                }
                throw ApiException.pathNotFound();
            }
        }
    }

    private void discoveryRoot(HttpExchange exchange, boolean core) {
        MediaTypes.Format format = MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.DISCOVERY);
        switch (format) {
            case DISCOVERY_V2, DISCOVERY_V2BETA1 -> {
                boolean v2 = format == MediaTypes.Format.DISCOVERY_V2;
                exchange.respond(200, v2 ? MediaTypes.DISCOVERY_V2 : MediaTypes.DISCOVERY_V2BETA1,
                        core ? discovery.aggregatedApi(v2) : discovery.aggregatedApis(v2),
                        Map.of("Vary", "Accept"));
            }
            default -> exchange.respond(200, MediaTypes.JSON, core ? discovery.legacyApi() : discovery.legacyApis(),
                    Map.of("Vary", "Accept"));
        }
    }

    private static void text(HttpExchange exchange, int code, String body) {
        exchange.respond(code, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8),
                Map.of("X-Content-Type-Options", "nosniff"));
    }
}
