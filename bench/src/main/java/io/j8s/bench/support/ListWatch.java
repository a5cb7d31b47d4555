package io.j8s.bench.support;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A list-then-watch of one resource, as an informer does it, minus the cache: every listed object
 * is handed over as an {@code ADDED} event, then every watch event; a watch the server ends is
 * resumed from the last resourceVersion seen. Events reach {@code handler} one at a time, in order,
 * on the client's threads, with the {@link System#nanoTime()} at which their line arrived.
 *
 * <p>Thread-safe. Close it to stop watching.
 */
public final class ListWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ListWatch.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ApiClient client;
    private final String path;
    private final Handler handler;
    private volatile String resourceVersion;
    private volatile ApiClient.Stream stream;
    private volatile boolean closed;
    private volatile Throwable failure;

    /** Receives events: {@code type} is ADDED, MODIFIED or DELETED. */
    public interface Handler {
        void onEvent(String type, JsonNode object, long receivedNanos);
    }

    private ListWatch(ApiClient client, String path, Handler handler) {
        this.client = client;
        this.path = path;
        this.handler = handler;
    }

    /**
     * Lists {@code path} (e.g. {@code /api/v1/pods}) page by page, hands every item over, and
     * starts watching from the list's resourceVersion. Returns once the watch is open.
     */
    public static ListWatch start(ApiClient client, String path, Handler handler) {
        ListWatch w = new ListWatch(client, path, handler);
        w.listAll();
        w.watch();
        return w;
    }

    private void listAll() {
        String cont = null;
        do {
            String url = path + "?limit=500" + (cont == null ? "" : "&continue=" + cont);
            JsonNode list = JSON.readTree(client.sendOk("GET", url, null, null).body());
            long now = System.nanoTime();
            for (JsonNode item : list.path("items")) {
                handler.onEvent("ADDED", item, now);
            }
            resourceVersion = list.path("metadata").path("resourceVersion").asString();
            cont = list.path("metadata").path("continue").asString("");
            cont =
                    cont.isEmpty()
                            ? null
                            : java.net.URLEncoder.encode(
                                    cont, java.nio.charset.StandardCharsets.UTF_8);
        } while (cont != null);
    }

    private void watch() {
        String url =
                path
                        + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=36000&resourceVersion="
                        + resourceVersion;
        stream = client.stream(url, this::onLine, this::onEnd, Duration.ofSeconds(60));
    }

    private void onLine(String line) {
        long now = System.nanoTime();
        JsonNode event = JSON.readTree(line);
        String type = event.path("type").asString();
        JsonNode object = event.path("object");
        String rv = object.path("metadata").path("resourceVersion").asString("");
        if (!rv.isEmpty()) {
            resourceVersion = rv;
        }
        switch (type) {
            case "ADDED", "MODIFIED", "DELETED" -> handler.onEvent(type, object, now);
            case "BOOKMARK" -> {}
            default -> {
                failure = new IllegalStateException("watch of " + path + " got " + line);
                log.atError()
                        .addKeyValue("path", path)
                        .addKeyValue("event", line)
                        .log("watch error event");
            }
        }
    }

    private void onEnd(Throwable error) {
        if (closed) {
            return;
        }
        if (failure != null) {
            return; // an ERROR event (e.g. 410 Gone): the caller sees failure()
        }
        log.atInfo()
                .addKeyValue("path", path)
                .addKeyValue("error", String.valueOf(error))
                .log("watch ended; resuming");
        try {
            watch();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Why the watch stopped for good, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() {
        closed = true;
        ApiClient.Stream s = stream;
        if (s != null) {
            s.close();
        }
    }

    /** A string field, or null when missing or null. */
    public static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? null : node.asString();
    }
}
