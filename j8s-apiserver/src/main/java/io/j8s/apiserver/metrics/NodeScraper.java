package io.j8s.apiserver.metrics;

import io.j8s.api.ResourceType;
import io.j8s.apiserver.cache.CachedObject;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.metrics.ResourceMetricsText.PodRef;
import io.j8s.apiserver.metrics.ResourceMetricsText.Point;
import io.j8s.apiserver.nodeproxy.NodeEndpoints;
import io.j8s.apiserver.nodeproxy.NodeEndpoints.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Scrapes every node's {@code /metrics/resource} once per resolution, as metrics-server does, and
 * stores the round in {@link MetricsStorage}. Nodes are read from the watch cache; each node
 * endpoint (InternalIP and {@code daemonEndpoints.kubeletEndpoint.Port}) is asked once per round
 * even when several nodes share it (the in-process nodes of one {@code j8s server}), and a node
 * keeps the Pods bound to it. At most {@code concurrency} scrapes run at once, each within {@code
 * timeout}; a node that fails or times out is logged and has no metrics for that round. Simulated
 * nodes (label {@code node.j8s.io/simulated=true}) run nothing that could be measured and are not
 * asked: they have no metrics, as a node whose kubelet does not answer.
 */
final class NodeScraper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeScraper.class);
    static final String SIMULATED_LABEL = "node.j8s.io/simulated";

    /** The most bytes of one node's answer. */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final WatchCache cache;
    private final ResourceType nodeType;
    private final ResourceType podType;
    private final Function<JsonNode, HttpClient> nodeClient;
    private final String scheme;
    private final MetricsStorage storage;
    private final Duration resolution;
    private final Duration timeout;
    private final Clock clock;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final MeterRegistry metrics;

    NodeScraper(
            WatchCache cache,
            ResourceType nodeType,
            ResourceType podType,
            Function<JsonNode, HttpClient> nodeClient,
            String scheme,
            MetricsStorage storage,
            Duration resolution,
            int concurrency,
            MeterRegistry metrics,
            Clock clock) {
        this.cache = cache;
        this.nodeType = nodeType;
        this.podType = podType;
        this.nodeClient = nodeClient;
        this.scheme = scheme;
        this.storage = storage;
        this.resolution = resolution;
        // metrics-server's default: a scrape may take up to 90% of the resolution, at most 10 s
        long timeoutMillis = Math.min(10_000, resolution.toMillis() * 9 / 10);
        this.timeout = Duration.ofMillis(Math.max(500, timeoutMillis));
        this.metrics = metrics;
        this.clock = clock;
        this.pool = Executors.newFixedThreadPool(concurrency, daemon("j8s-metrics-scrape"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("j8s-metrics-timer"));
    }

    void start() {
        timer.scheduleWithFixedDelay(
                this::scrapeRound, 0, resolution.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round: every node endpoint, then one batch into the storage. */
    void scrapeRound() {
        long start = System.nanoTime();
        try {
            Map<Endpoint, List<String>> nodesByEndpoint = new LinkedHashMap<>();
            Map<Endpoint, JsonNode> nodeOfEndpoint = new HashMap<>();
            for (CachedObject node : cache.list(nodeType, null, o -> true).items()) {
                if ("true".equals(node.labels().get(SIMULATED_LABEL))) {
                    continue;
                }
                JsonNode tree = node.tree();
                Optional<Endpoint> endpoint = NodeEndpoints.of(tree);
                if (endpoint.isEmpty()) {
                    log.atDebug()
                            .addKeyValue("node", node.name())
                            .log("node advertises no endpoint: no metrics");
                    continue;
                }
                nodesByEndpoint
                        .computeIfAbsent(endpoint.get(), e -> new ArrayList<>())
                        .add(node.name());
                nodeOfEndpoint.putIfAbsent(endpoint.get(), tree);
            }
            Map<Endpoint, Future<ResourceMetricsText.Scrape>> futures = new LinkedHashMap<>();
            for (Endpoint endpoint : nodesByEndpoint.keySet()) {
                futures.put(
                        endpoint,
                        pool.submit(() -> scrape(endpoint, nodeOfEndpoint.get(endpoint))));
            }
            Map<String, Point> nodes = new HashMap<>();
            Map<PodRef, Map<String, Point>> pods = new HashMap<>();
            long deadline = System.nanoTime() + timeout.toNanos() + 1_000_000_000L;
            for (var e : futures.entrySet()) {
                List<String> names = nodesByEndpoint.get(e.getKey());
                ResourceMetricsText.Scrape scrape;
                try {
                    scrape =
                            e.getValue()
                                    .get(
                                            Math.max(0, deadline - System.nanoTime()),
                                            TimeUnit.NANOSECONDS);
                    count("success");
                } catch (ExecutionException | TimeoutException ex) {
                    e.getValue().cancel(true);
                    count("failure");
                    Throwable cause = ex instanceof ExecutionException ? ex.getCause() : ex;
                    log.atWarn()
                            .addKeyValue("nodes", names)
                            .addKeyValue("endpoint", e.getKey().address() + ":" + e.getKey().port())
                            .addKeyValue("error", String.valueOf(cause))
                            .log(
                                    "scraping the node's resource metrics failed; it has no metrics this round");
                    continue;
                }
                for (String name : names) {
                    if (scrape.node() != null) {
                        nodes.put(name, scrape.node());
                    }
                }
                // Pods belong to the node they are bound to (the endpoint may serve several nodes).
                for (var pod : scrape.pods().entrySet()) {
                    Optional<CachedObject> object =
                            cache.get(podType, pod.getKey().namespace(), pod.getKey().name());
                    if (object.isPresent()
                            && names.contains(object.get().fields().get("spec.nodeName"))) {
                        pods.put(pod.getKey(), pod.getValue());
                    }
                }
            }
            storage.store(nodes, pods);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.atError().setCause(e).log("a resource metrics round failed");
        } finally {
            Timer.builder("j8s_metrics_scrape_round_duration_seconds")
                    .description(
                            "How long one round of scraping every node's resource metrics took")
                    .register(metrics)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void count(String result) {
        Counter.builder("j8s_metrics_node_scrapes_total")
                .description("Scrapes of node endpoints' resource metrics, by result")
                .tag("result", result)
                .register(metrics)
                .increment();
    }

    private ResourceMetricsText.Scrape scrape(Endpoint endpoint, JsonNode node)
            throws IOException, InterruptedException {
        URI uri = URI.create(endpoint.base(scheme) + "/metrics/resource");
        Instant asked = clock.instant();
        HttpResponse<InputStream> response =
                nodeClient
                        .apply(node)
                        .send(
                                HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                                HttpResponse.BodyHandlers.ofInputStream());
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new IOException("the answer is larger than " + MAX_BODY_BYTES + " bytes");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (response.statusCode() != 200) {
            throw new IOException(
                    "the node answered "
                            + response.statusCode()
                            + ": "
                            + text.substring(0, Math.min(200, text.length())).strip());
        }
        return ResourceMetricsText.parse(text, asked);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pool.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
