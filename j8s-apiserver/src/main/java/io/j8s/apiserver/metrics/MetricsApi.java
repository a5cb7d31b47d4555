package io.j8s.apiserver.metrics;

import io.j8s.api.KindStrategy;
import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.selector.FieldSelector;
import io.j8s.api.selector.LabelSelector;
import io.j8s.api.selector.SelectorException;
import io.j8s.api.table.TableColumn;
import io.j8s.api.table.Tables;
import io.j8s.api.time.GoDurations;
import io.j8s.api.validation.FieldError;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.request.MediaTypes;
import io.j8s.apiserver.request.RequestInfo;
import io.j8s.apiserver.request.Responses;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Metrics API, {@code metrics.k8s.io/v1beta1}, as metrics-server serves it: {@code nodes}
 * (NodeMetrics, cluster-scoped) and {@code pods} (PodMetrics, namespaced), verbs get and list with
 * label selectors and field selectors on {@code metadata.name} (and {@code metadata.namespace} for
 * pods). The objects are computed from the nodes' resource metrics ({@link NodeScraper}, {@link
 * MetricsStorage}) on each request, never stored and never in the watch cache. An object exists
 * when its Node or Pod exists and has metrics; lists leave out those without, as metrics-server
 * does (kubectl top prints {@code <unknown>} for such a node). Thread-safe.
 */
public final class MetricsApi implements AutoCloseable {
    public static final String GROUP = "metrics.k8s.io";
    public static final String VERSION = "v1beta1";

    /** metrics-server's default resolution. */
    public static final Duration DEFAULT_RESOLUTION = Duration.ofSeconds(15);

    public static final ResourceType NODES = type("NodeMetrics", "nodes", false);
    public static final ResourceType PODS = type("PodMetrics", "pods", true);
    private static final MediaTypes.Allowed OBJECTS_OR_TABLES =
            new MediaTypes.Allowed(true, false, false);

    private final WatchCache cache;
    private final ResourceType nodeType;
    private final ResourceType podType;
    private final MetricsStorage storage;
    private final NodeScraper scraper;
    private final Clock clock;

    /**
     * @param nodeClient the client that reaches a node's endpoint (the one {@code pods/log} uses)
     * @param resolution how often the nodes are scraped
     */
    public MetricsApi(
            WatchCache cache,
            Function<String, ResourceType> types,
            Function<JsonNode, HttpClient> nodeClient,
            String scheme,
            Duration resolution,
            MeterRegistry metrics,
            Clock clock) {
        this.cache = cache;
        this.nodeType = types.apply("Node");
        this.podType = types.apply("Pod");
        this.storage = new MetricsStorage(resolution);
        this.scraper =
                new NodeScraper(
                        cache,
                        nodeType,
                        podType,
                        nodeClient,
                        scheme,
                        storage,
                        resolution,
                        4,
                        metrics,
                        clock);
        this.clock = clock;
    }

    /** The served resources, for discovery (verbs get and list). */
    public List<ResourceType> types() {
        return List.of(NODES, PODS);
    }

    /** Starts scraping the nodes (the first round at once). */
    public void start() {
        scraper.start();
    }

    @Override
    public void close() {
        scraper.close();
    }

    /** Answers one request for {@code nodes} or {@code pods} of this group (already authorized). */
    public void handle(HttpExchange exchange, RequestInfo info) {
        ResourceType type = info.resource().equals("nodes") ? NODES : PODS;
        // no subresources; nodes only cluster-wide, a pod by name only in its namespace
        if (info.subresource() != null
                || (type == NODES && info.namespace() != null)
                || (type == PODS && info.name() != null && info.namespace() == null)) {
            throw ApiException.pathNotFound();
        }
        boolean get = info.verb().equals("get") && info.name() != null;
        boolean list = info.verb().equals("list") && info.name() == null;
        if (!get && !list) {
            throw ApiException.methodNotAllowed(exchange.method(), type.groupResource());
        }
        MediaTypes.Format format =
                MediaTypes.negotiate(exchange.header("Accept"), OBJECTS_OR_TABLES);
        ObjectNode body =
                type == NODES
                        ? (get ? node(info.name()) : nodeList(exchange))
                        : (get
                                ? pod(info.namespace(), info.name())
                                : podList(exchange, info.namespace()));
        if (format == MediaTypes.Format.TABLE_V1 || format == MediaTypes.Format.TABLE_V1BETA1) {
            // kubectl get nodemetrics / podmetrics: metrics-server's columns
            List<JsonNode> objects = new java.util.ArrayList<>();
            if (get) {
                objects.add(body);
            } else {
                body.get("items").forEach(objects::add);
            }
            ObjectNode table =
                    Tables.table(
                            type,
                            objects,
                            clock.instant(),
                            Tables.IncludeObject.fromParameter(exchange.query("includeObject")),
                            false,
                            null);
            table.put(
                    "apiVersion",
                    format == MediaTypes.Format.TABLE_V1
                            ? "meta.k8s.io/v1"
                            : "meta.k8s.io/v1beta1");
            body = table;
            format = MediaTypes.Format.JSON;
        }
        Responses.object(exchange, 200, Json.writeBytes(body), format, Map.of());
    }

    // Not found as metrics-server words it: the Node or Pod from its lister ("node", "pods"), the
    // metrics as "nodemetrics"/"podmetrics" (the group-resources metrics-server registers).
    private ObjectNode node(String name) {
        CachedObject node =
                cache.get(nodeType, null, name)
                        .orElseThrow(() -> ApiException.notFound("", "node", name));
        return nodeMetrics(node)
                .orElseThrow(() -> ApiException.notFound(GROUP, "nodemetrics", name));
    }

    private ObjectNode pod(String namespace, String name) {
        CachedObject pod =
                cache.get(podType, namespace, name)
                        .orElseThrow(() -> ApiException.notFound("", "pods", name));
        return podMetrics(pod)
                .orElseThrow(
                        () -> ApiException.notFound(GROUP, "podmetrics", namespace + "/" + name));
    }

    private ObjectNode nodeList(HttpExchange exchange) {
        Selectors selectors = Selectors.of(exchange);
        ObjectNode list = list("NodeMetricsList");
        ArrayNode items = (ArrayNode) list.get("items");
        for (CachedObject node :
                cache.list(
                                nodeType,
                                null,
                                o ->
                                        selectors.labels().matches(o.labels())
                                                && selectors
                                                        .fields()
                                                        .matches(Map.of("metadata.name", o.name())))
                        .items()) {
            nodeMetrics(node).ifPresent(items::add);
        }
        return list;
    }

    private ObjectNode podList(HttpExchange exchange, String namespace) {
        Selectors selectors = Selectors.of(exchange);
        ObjectNode list = list("PodMetricsList");
        ArrayNode items = (ArrayNode) list.get("items");
        for (CachedObject pod :
                cache.list(
                                podType,
                                namespace,
                                o ->
                                        selectors.labels().matches(o.labels())
                                                && selectors
                                                        .fields()
                                                        .matches(
                                                                Map.of(
                                                                        "metadata.name",
                                                                        o.name(),
                                                                        "metadata.namespace",
                                                                        o.namespace())))
                        .items()) {
            podMetrics(pod).ifPresent(items::add);
        }
        return list;
    }

    private Optional<ObjectNode> nodeMetrics(CachedObject node) {
        return storage.node(node.name())
                .map(
                        usage -> {
                            ObjectNode object = object("NodeMetrics", node, null);
                            object.put("timestamp", time(usage.timestamp()));
                            object.put("window", GoDurations.format(usage.window().toNanos()));
                            usage(
                                    object.putObject("usage"),
                                    usage.cpuNanocores(),
                                    usage.memoryBytes());
                            return object;
                        });
    }

    private Optional<ObjectNode> podMetrics(CachedObject pod) {
        return storage.pod(pod.namespace(), pod.name())
                .map(
                        usage -> {
                            ObjectNode object = object("PodMetrics", pod, pod.namespace());
                            object.put("timestamp", time(usage.timestamp()));
                            object.put("window", GoDurations.format(usage.window().toNanos()));
                            ArrayNode containers = object.putArray("containers");
                            for (MetricsStorage.ContainerUsage c : usage.containers()) {
                                ObjectNode container = containers.addObject();
                                container.put("name", c.name());
                                usage(
                                        container.putObject("usage"),
                                        c.cpuNanocores(),
                                        c.memoryBytes());
                            }
                            return object;
                        });
    }

    private ObjectNode object(String kind, CachedObject source, String namespace) {
        ObjectNode object = Json.object();
        object.put("kind", kind);
        object.put("apiVersion", GROUP + "/" + VERSION);
        ObjectNode metadata = object.putObject("metadata");
        metadata.put("name", source.name());
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        // as metrics-server: the time the object was made, i.e. now
        metadata.put("creationTimestamp", time(clock.instant()));
        if (!source.labels().isEmpty()) {
            ObjectNode labels = metadata.putObject("labels");
            new java.util.TreeMap<>(source.labels()).forEach(labels::put);
        }
        return object;
    }

    private static ObjectNode list(String kind) {
        ObjectNode list = Json.object();
        list.put("kind", kind);
        list.put("apiVersion", GROUP + "/" + VERSION);
        list.putObject("metadata");
        list.putArray("items");
        return list;
    }

    private static void usage(ObjectNode usage, long cpuNanocores, long memoryBytes) {
        usage.put("cpu", Quantities.cpu(cpuNanocores));
        usage.put("memory", Quantities.memory(memoryBytes));
    }

    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /**
     * The list's selectors; a malformed one is a 400. Fields the objects lack match as empty, as
     * metrics-server's.
     */
    private record Selectors(LabelSelector labels, FieldSelector fields) {
        static Selectors of(HttpExchange exchange) {
            String labelParam = exchange.query("labelSelector");
            String fieldParam = exchange.query("fieldSelector");
            try {
                return new Selectors(
                        labelParam == null || labelParam.isBlank()
                                ? LabelSelector.everything()
                                : LabelSelector.parse(labelParam),
                        fieldParam == null || fieldParam.isBlank()
                                ? FieldSelector.everything()
                                : FieldSelector.parse(fieldParam));
            } catch (SelectorException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        }
    }

    private static ResourceType type(String kind, String plural, boolean namespaced) {
        // metrics-server names no singular (GetSingularName is "")
        return new ResourceType(
                GROUP,
                VERSION,
                kind,
                plural,
                "",
                namespaced,
                List.of(),
                List.of(),
                Set.of(),
                new Computed());
    }

    /**
     * The strategy of an object that is computed, never written: nothing to default or validate;
     * its Table has metrics-server's columns (Name, cpu, memory, Window; a Pod's usage summed over
     * its containers).
     */
    private static final class Computed implements KindStrategy {
        private static final List<TableColumn> COLUMNS =
                List.of(
                        new TableColumn("Name", "string", "name", "Name of the resource", 0),
                        new TableColumn("cpu", "string", "quantity", "", 0),
                        new TableColumn("memory", "string", "quantity", "", 0),
                        new TableColumn("Window", "string", "duration", "", 0));

        @Override
        public void applyDefaults(ObjectNode object) {}

        @Override
        public List<FieldError> validate(ObjectNode object, ObjectNode old) {
            return List.of();
        }

        @Override
        public Map<String, String> selectableFields(ObjectNode object) {
            return Map.of();
        }

        @Override
        public List<TableColumn> tableColumns() {
            return COLUMNS;
        }

        @Override
        public List<Object> tableCells(ObjectNode object, Instant now) {
            long cpu = 0;
            long memory = 0;
            List<JsonNode> usages = new java.util.ArrayList<>();
            if (object.has("usage")) {
                usages.add(object.get("usage"));
            }
            object.path("containers").forEach(c -> usages.add(c.path("usage")));
            for (JsonNode usage : usages) {
                cpu += Quantities.parseCpu(usage.path("cpu").asString("0"));
                memory += Quantities.parseMemory(usage.path("memory").asString("0"));
            }
            return List.of(
                    object.path("metadata").path("name").asString(""),
                    Quantities.cpu(cpu),
                    Quantities.memory(memory),
                    object.path("window").asString(""));
        }
    }
}
