package io.j8s.apiserver;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.selector.FieldSelector;
import io.j8s.api.selector.SelectorException;
import io.j8s.apiserver.auth.Authenticator;
import io.j8s.apiserver.auth.Authorizer;
import io.j8s.apiserver.auth.UserInfo;
import io.j8s.apiserver.auth.node.NodeRestriction;
import io.j8s.apiserver.auth.rbac.BootstrapPolicy;
import io.j8s.apiserver.auth.review.CreateOnlyResource;
import io.j8s.apiserver.discovery.Discovery;
import io.j8s.apiserver.discovery.OpenApi;
import io.j8s.apiserver.discovery.OpenApiV2;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.http.HttpHandler;
import io.j8s.apiserver.request.MediaTypes;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.Responses;
import io.j8s.apiserver.rest.ResourceHandler;
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

    /** The Kubernetes version j8s answers as ({@code /version}). */
    public static final String KUBERNETES_VERSION = "v1.32.4";

    /** Replaced whole when the served resources change (custom resources, see {@link #serve}). */
    private volatile Map<String, ResourceType> types = Map.of();

    private volatile Discovery discovery;
    private volatile OpenApi openApi;
    private final ResourceHandler resources;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final NodeRestriction restriction;
    private final Map<String, CreateOnlyResource> createOnly = new HashMap<>();
    private final Supplier<String> metricsScrape;
    private final HealthChecks health;
    private final MeterRegistry metrics;
    private final io.micrometer.core.instrument.Counter inProcessRequests;
    private final io.micrometer.core.instrument.Counter networkRequests;
    private final byte[] version;
    private final Map<String, NonResourceHandler> extraPaths = new HashMap<>();
    private final Map<String, ComputedHandler> computed = new HashMap<>();

    /**
     * A handler of a resource that is computed, never stored (after authentication and
     * authorization).
     */
    @FunctionalInterface
    interface ComputedHandler {
        void handle(HttpExchange exchange, RequestInfo info);
    }

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
    ApiRouter(
            List<ResourceType> served,
            Discovery discovery,
            OpenApi openApi,
            ResourceHandler resources,
            Authenticator authenticator,
            Authorizer authorizer,
            NodeRestriction restriction,
            List<CreateOnlyResource> createOnly,
            Supplier<String> metricsScrape,
            HealthChecks health,
            MeterRegistry metrics) {
        serve(served, discovery, openApi);
        for (CreateOnlyResource resource : createOnly) {
            ResourceType type = resource.type();
            this.createOnly.put(
                    type.group() + "/" + type.version() + "/" + type.plural(), resource);
        }
        this.restriction = restriction;
        this.resources = resources;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.metricsScrape = metricsScrape;
        this.health = health;
        this.metrics = metrics;
        this.inProcessRequests = transportCounter(metrics, "in-process");
        this.networkRequests = transportCounter(metrics, "network");
        ObjectNode v = Json.object();
        v.put("major", "1");
        v.put("minor", "32");
        v.put("gitVersion", KUBERNETES_VERSION);
        v.put("gitCommit", "j8s");
        v.put("gitTreeState", "clean");
        v.put("buildDate", "2026-01-01T00:00:00Z");
        v.put("goVersion", "java" + Runtime.version().feature());
        v.put("compiler", "j8s");
        v.put(
                "platform",
                System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT)
                        + "/"
                        + ("amd64".equals(System.getProperty("os.arch"))
                                        || "x86_64".equals(System.getProperty("os.arch"))
                                ? "amd64"
                                : System.getProperty("os.arch")));
        this.version = Json.writeBytes(v);
    }

    /**
     * Serves {@code served} from now on, with their discovery and OpenAPI documents: the live
     * catalog's change (a CustomResourceDefinition established, changed or deleted).
     */
    void serve(List<ResourceType> served, Discovery discovery, OpenApi openApi) {
        Map<String, ResourceType> next = new HashMap<>();
        for (ResourceType type : served) {
            next.put(type.group() + "/" + type.version() + "/" + type.plural(), type);
        }
        this.discovery = discovery;
        this.openApi = openApi;
        this.types = Map.copyOf(next);
    }

    /** Serves an extra non-resource path (e.g. a subresource proxy) under the same security. */
    void addPath(String path, NonResourceHandler handler) {
        extraPaths.put(path, handler);
    }

    /**
     * Serves a resource that is computed on each request (the Metrics API), under the same
     * security.
     */
    void addComputed(ResourceType type, ComputedHandler handler) {
        computed.put(type.group() + "/" + type.version() + "/" + type.plural(), handler);
    }

    @Override
    public void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        (exchange.inProcess() ? inProcessRequests : networkRequests).increment();
        RequestInfo info =
                RequestInfo.parse(exchange.method(), exchange.path(), exchange.query("watch"));
        String verb =
                info.resourceRequest()
                        ? info.verb()
                        : exchange.method().toLowerCase(java.util.Locale.ROOT);
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
                Responses.error(
                        exchange,
                        ApiException.entityTooLarge(
                                "the object is too large to store: "
                                        + (e.size() > 0 ? e.size() + " bytes, " : "")
                                        + "the limit is "
                                        + e.limit()
                                        + " bytes"));
            }
        } catch (StoreClosedException e) {
            if (!exchange.hasResponded()) {
                Responses.error(
                        exchange, ApiException.serviceUnavailable("the server is shutting down"));
            }
        } catch (StoreException e) {
            log.atError()
                    .setCause(e)
                    .addKeyValue("verb", verb)
                    .addKeyValue("path", exchange.path())
                    .log("store failure");
            if (!exchange.hasResponded()) {
                Responses.error(exchange, ApiException.internal(e.getMessage()));
            }
        } finally {
            if (!"watch".equals(verb)) {
                String resource = info.resource() == null ? "" : info.resource();
                Timer.builder("j8s_apiserver_request_duration_seconds")
                        .description("API request latency (watches excluded)")
                        .tags(
                                "verb",
                                verb,
                                "resource",
                                resource,
                                "code",
                                Integer.toString(exchange.status()))
                        .publishPercentileHistogram()
                        .register(metrics)
                        .record(
                                System.nanoTime() - start,
                                java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            log.atDebug()
                    .addKeyValue("verb", verb)
                    .addKeyValue("uri", exchange.uri())
                    .addKeyValue("code", exchange.status())
                    .addKeyValue("ms", (System.nanoTime() - start) / 1_000_000)
                    .log("request");
        }
    }

    /**
     * Paths anyone may read without credentials (as {@code system:anonymous}, still authorized by
     * RBAC).
     */
    private static final java.util.Set<String> PUBLIC_PATHS =
            java.util.Set.of(
                    "/healthz",
                    "/livez",
                    "/readyz",
                    "/version",
                    "/version/",
                    BootstrapPolicy.CACERTS_PATH);

    /**
     * Whether anonymous requests reach authorization: the public paths and the single health checks
     * under them ({@code /readyz/etcd}), which RBAC then refuses anonymous users as Kubernetes
     * does.
     */
    private static boolean isPublic(String path) {
        return PUBLIC_PATHS.contains(path)
                || path.startsWith("/livez/")
                || path.startsWith("/readyz/")
                || path.startsWith("/healthz/");
    }

    private UserInfo authenticate(HttpExchange exchange) {
        if (authenticator == null) {
            return new UserInfo("system:admin", List.of(UserInfo.MASTERS, UserInfo.AUTHENTICATED));
        }
        Optional<UserInfo> user = authenticator.authenticate(exchange);
        if (user.isEmpty()) {
            if (isPublic(exchange.path()) && exchange.header("Impersonate-User") == null) {
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
            throw ApiException.forbidden(
                    attributes.group(),
                    attributes.resource(),
                    attributes.name(),
                    forbiddenCause(attributes, decision.reason()));
        }
        if (isStreamUpgrade(info)) {
            // As Kubernetes 1.35 (AuthorizePodWebsocketUpgradeCreatePermission): a WebSocket GET on
            // pods/exec, attach or portforward starts a process or a connection, so it needs
            // create.
            Authorizer.Attributes create =
                    Authorizer.Attributes.resource(
                            user,
                            "create",
                            info.group(),
                            info.resource(),
                            info.subresource(),
                            info.namespace(),
                            info.name());
            Authorizer.Decision d = authorizer.authorize(create);
            if (!d.allowed()) {
                throw ApiException.forbidden(
                        create.group(),
                        create.resource(),
                        create.name(),
                        forbiddenCause(create, d.reason()));
            }
        }
        if (restriction != null && attributes.resourceRequest()) {
            restriction.admit(attributes, () -> decodeQuietly(exchange));
        }
    }

    private static boolean isStreamUpgrade(RequestInfo info) {
        return info.resourceRequest()
                && "get".equals(info.verb())
                && "pods".equals(info.resource())
                && info.group().isEmpty()
                && info.subresource() != null
                && java.util.Set.of("exec", "attach", "portforward").contains(info.subresource());
    }

    /**
     * The request as the authorizers see it. As in Kubernetes, a list or watch whose field selector
     * pins {@code metadata.name} is a request for that name (so {@code resourceNames} rules and the
     * Node authorizer apply to it).
     */
    static Authorizer.Attributes attributes(
            UserInfo user, RequestInfo info, HttpExchange exchange) {
        if (!info.resourceRequest()) {
            return Authorizer.Attributes.nonResource(
                    user, exchange.method().toLowerCase(java.util.Locale.ROOT), exchange.path());
        }
        String fieldSelector = exchange.query("fieldSelector");
        String name = info.name();
        if (name == null
                && (info.verb().equals("list") || info.verb().equals("watch"))
                && fieldSelector != null) {
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
        return Authorizer.Attributes.resource(
                        user,
                        info.verb(),
                        info.group(),
                        info.resource(),
                        info.subresource(),
                        info.namespace(),
                        name)
                .withFieldSelector(fieldSelector);
    }

    private static tools.jackson.databind.JsonNode decodeQuietly(HttpExchange exchange) {
        try {
            return io.j8s.apiserver.request.Bodies.decodeObject(exchange);
        } catch (ApiException e) {
            return null;
        }
    }

    /**
     * The cause of a 403, worded as the Kubernetes apiserver's {@code forbiddenMessage} (and its
     * reason appended after ": "); {@code ApiException.forbidden} adds the {@code <resource>
     * "<name>" is forbidden: } prefix as {@code NewForbidden} does.
     */
    static String forbiddenCause(Authorizer.Attributes a, String reason) {
        String suffix = reason == null || reason.isEmpty() ? "" : ": " + reason;
        if (!a.resourceRequest()) {
            return "User \""
                    + a.user().name()
                    + "\" cannot "
                    + a.verb()
                    + " path \""
                    + a.path()
                    + "\""
                    + suffix;
        }
        String resource = a.resource() + (a.subresource() == null ? "" : "/" + a.subresource());
        StringBuilder message = new StringBuilder();
        message.append("User \"")
                .append(a.user().name())
                .append("\" cannot ")
                .append(a.verb())
                .append(" resource \"")
                .append(resource)
                .append("\" in API group \"")
                .append(a.group() == null ? "" : a.group())
                .append('"');
        if (a.namespace() != null) {
            message.append(" in the namespace \"").append(a.namespace()).append('"');
        } else {
            message.append(" at the cluster scope");
        }
        return message.append(suffix).toString();
    }

    /**
     * The whole 403 message, as kubectl prints it after {@code Error from server (Forbidden): }.
     */
    static String forbiddenMessage(Authorizer.Attributes a, String reason) {
        return ApiException.forbidden(a.group(), a.resource(), a.name(), forbiddenCause(a, reason))
                .getMessage();
    }

    private void route(HttpExchange exchange, RequestInfo info, UserInfo user) {
        String path = exchange.path();
        NonResourceHandler extra = extraPaths.get(path);
        if (extra != null) {
            extra.handle(exchange, user);
            return;
        }
        if (info.resourceRequest()) {
            CreateOnlyResource created =
                    createOnly.get(info.group() + "/" + info.version() + "/" + info.resource());
            if (created != null) {
                if (!info.verb().equals("create")
                        || info.name() != null
                        || info.subresource() != null) {
                    throw ApiException.methodNotAllowed(
                            exchange.method(), created.type().groupResource());
                }
                created.handler().create(exchange, info.namespace(), user);
                return;
            }
            ComputedHandler computedHandler =
                    computed.get(info.group() + "/" + info.version() + "/" + info.resource());
            if (computedHandler != null) {
                computedHandler.handle(exchange, info);
                return;
            }
            ResourceType type =
                    types.get(info.group() + "/" + info.version() + "/" + info.resource());
            if (type == null) {
                throw ApiException.pathNotFound();
            }
            resources.handle(exchange, info, type);
            return;
        }
        switch (path) {
            case "/version", "/version/" ->
                    exchange.respond(
                            200,
                            MediaTypes.JSON,
                            version,
                            Map.of("Cache-Control", "no-cache, private"));
            case "/metrics" ->
                    exchange.respond(
                            200,
                            "text/plain; version=0.0.4; charset=utf-8",
                            metricsScrape.get().getBytes(StandardCharsets.UTF_8),
                            Map.of());
            case "/api", "/api/" -> discoveryRoot(exchange, true);
            case "/apis", "/apis/" -> discoveryRoot(exchange, false);
            case "/openapi/v3", "/openapi/v3/" ->
                    exchange.respond(
                            200,
                            MediaTypes.JSON,
                            openApi.root(),
                            Map.of("Cache-Control", "no-cache, private"));
            case "/openapi/v2" -> openApiV2(exchange);
            default -> {
                if (health.serve(exchange, path)) {
                    return;
                }
                if (path.startsWith("/openapi/v3/")) {
                    openApiV3(exchange, path.substring("/openapi/v3/".length()));
                    return;
                }
                if (info.group() != null && info.resource() == null && info.name() == null) {
                    String gv =
                            info.group().isEmpty()
                                    ? info.version()
                                    : info.group() + "/" + info.version();
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

    /**
     * {@code /openapi/v2} as Kubernetes serves it: JSON or the gnostic protobuf by {@code Accept}
     * (406 for anything else), one ETag for both, 304 when {@code If-None-Match} has it.
     */
    private void openApiV2(HttpExchange exchange) {
        String accept = exchange.header("Accept");
        String contentType = null;
        for (String clause : (accept == null || accept.isBlank() ? "*/*" : accept).split(",")) {
            String range = clause.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
            if (range.equals("application/json")
                    || range.equals("application/*")
                    || range.equals("*/*")) {
                contentType = MediaTypes.JSON;
            } else if (range.equals("application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
                    || range.equals(OpenApiV2.PROTOBUF)) {
                contentType = OpenApiV2.PROTOBUF;
            }
            if (contentType != null) {
                break;
            }
        }
        if (contentType == null) {
            exchange.respond(406, null, new byte[0], Map.of("Vary", "Accept"));
            return;
        }
        OpenApiV2 v2 = openApi.v2();
        Map<String, String> headers = Map.of("Vary", "Accept", "ETag", v2.etag());
        if (matches(exchange.header("If-None-Match"), v2.etag())) {
            exchange.respond(304, null, new byte[0], headers);
            return;
        }
        exchange.respond(
                200,
                contentType,
                contentType.equals(MediaTypes.JSON) ? v2.json() : v2.protobuf(),
                headers);
    }

    /**
     * One group-version's OpenAPI v3 document; with {@code ?hash=} of another version of it, a
     * redirect to the current one, as Kubernetes does.
     */
    private void openApiV3(HttpExchange exchange, String key) {
        OpenApi api = openApi;
        byte[] doc = api.document(key);
        if (doc == null) {
            throw ApiException.pathNotFound();
        }
        String hash = api.hash(key);
        String asked = exchange.query("hash");
        if (asked != null && !asked.isEmpty() && !asked.equals(hash)) {
            exchange.respond(
                    301,
                    null,
                    new byte[0],
                    Map.of("Location", "/openapi/v3/" + key + "?hash=" + hash));
            return;
        }
        String etag = "\"" + hash + "\"";
        Map<String, String> headers =
                asked != null && !asked.isEmpty()
                        ? Map.of(
                                "ETag",
                                etag,
                                "Vary",
                                "Accept",
                                "Cache-Control",
                                "public, immutable")
                        : Map.of("ETag", etag, "Vary", "Accept");
        if (matches(exchange.header("If-None-Match"), etag)) {
            exchange.respond(304, null, new byte[0], headers);
            return;
        }
        exchange.respond(200, MediaTypes.JSON, doc, headers);
    }

    /** Whether an {@code If-None-Match} header names {@code etag} (or is {@code *}). */
    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("*") || t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private void discoveryRoot(HttpExchange exchange, boolean core) {
        MediaTypes.Format format =
                MediaTypes.negotiate(exchange.header("Accept"), MediaTypes.Allowed.DISCOVERY);
        switch (format) {
            case DISCOVERY_V2, DISCOVERY_V2BETA1 -> {
                boolean v2 = format == MediaTypes.Format.DISCOVERY_V2;
                exchange.respond(
                        200,
                        v2 ? MediaTypes.DISCOVERY_V2 : MediaTypes.DISCOVERY_V2BETA1,
                        core ? discovery.aggregatedApi(v2) : discovery.aggregatedApis(v2),
                        Map.of("Vary", "Accept"));
            }
            default ->
                    exchange.respond(
                            200,
                            MediaTypes.JSON,
                            core ? discovery.legacyApi() : discovery.legacyApis(),
                            Map.of("Vary", "Accept"));
        }
    }

    /**
     * Requests received by transport: "in-process" (this process's own components over the
     * in-process listener, docs/architecture.md "Components") or "network" (TCP).
     */
    private static io.micrometer.core.instrument.Counter transportCounter(
            MeterRegistry metrics, String transport) {
        return io.micrometer.core.instrument.Counter.builder("j8s_apiserver_requests_by_transport")
                .description("API requests received, by the listener they came over")
                .tag("transport", transport)
                .register(metrics);
    }
}
