package io.j8s.apiserver.rest;

import io.j8s.api.ResourceType;
import io.j8s.api.json.Json;
import io.j8s.api.table.Tables;
import io.j8s.apiserver.cache.CacheEvent;
import io.j8s.apiserver.cache.Delivery;
import io.j8s.apiserver.cache.EventType;
import io.j8s.apiserver.cache.WatchCache;
import io.j8s.apiserver.cache.WatchSink;
import io.j8s.apiserver.errors.ApiException;
import io.j8s.apiserver.errors.Statuses;
import io.j8s.apiserver.http.HttpExchange;
import io.j8s.apiserver.request.MediaTypes;
import io.micrometer.core.instrument.Counter;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One client watch as a chunked HTTP response: newline-delimited {@code {"type","object"}} events,
 * plain objects or Table rows. Events are queued by the cache without blocking it and written by a
 * drain task that runs on the shared watch executor, one at a time per stream, and only while the
 * connection is writable: a client that stops reading stalls only its own stream, and one that
 * falls too far behind is ended so it re-lists. "Too far" is counted in bytes ({@link
 * Limits#maxQueuedBytes}, the encoded objects waiting), so a watcher of large objects cannot hold
 * the heap; a count of deliveries bounds the queue of small ones (bookmarks).
 */
final class WatchStream implements WatchSink {
    private static final Logger log = LoggerFactory.getLogger(WatchStream.class);

    /** Deliveries a stream may have queued before it counts as too slow. */
    static final int MAX_QUEUED = 1_000_000;

    private static final int FLUSH_EVERY = 128;

    /**
     * What a queued delivery costs besides its object's encoding (the event line, the queue node).
     */
    private static final int DELIVERY_OVERHEAD = 64;

    /**
     * How much one stream may queue, and the counter of streams ended for it ({@code
     * j8s_apiserver_watch_queue_overflows_total}, by resource).
     */
    record Limits(long maxQueuedBytes, io.micrometer.core.instrument.MeterRegistry metrics) {
        Counter overflows(ResourceType type) {
            return Counter.builder("j8s_apiserver_watch_queue_overflows_total")
                    .description(
                            "Watches ended because their client did not read the queued events")
                    .tag("resource", type.groupResource())
                    .register(metrics);
        }
    }

    /** Who watches what, for the log line of a watch that is ended. */
    record Watcher(String user, String namespace, String labelSelector, String fieldSelector) {}

    private final ResourceType type;
    private final HttpExchange.ResponseStream out;
    private final Executor executor;
    private final MediaTypes.Format format;
    private final Tables.IncludeObject include;
    private final Clock clock;
    private final Queue<Delivery> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicInteger uncounted = new AtomicInteger();
    private final Limits limits;
    private final Watcher watcher;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean terminated;
    private volatile WatchCache.Registration registration;
    private volatile ScheduledFuture<?> timeout;
    private boolean columnsSent;
    private final String initialEventsEnd;

    WatchStream(
            ResourceType type,
            HttpExchange.ResponseStream out,
            Executor executor,
            MediaTypes.Format format,
            Tables.IncludeObject include,
            Clock clock,
            boolean markInitialEventsEnd,
            Limits limits,
            Watcher watcher) {
        this.type = type;
        this.limits = limits;
        this.watcher = watcher;
        this.out = out;
        this.executor = executor;
        this.format = format;
        this.include = include;
        this.clock = clock;
        this.initialEventsEnd = markInitialEventsEnd ? "k8s.io/initial-events-end" : null;
        out.onWritable(this::scheduleDrain);
        out.onClose(this::closed);
    }

    /** Connects the stream to its cache registration and ends it after {@code timeoutSeconds}. */
    void start(
            WatchCache.Registration registration,
            ScheduledExecutorService timer,
            long timeoutSeconds) {
        this.registration = registration;
        if (terminated) {
            registration.close();
            return;
        }
        timeout =
                timer.schedule(
                        () -> terminate(TerminationReason.CLOSED),
                        timeoutSeconds,
                        TimeUnit.SECONDS);
        scheduleDrain();
    }

    /** Queues the initial-events-end bookmark (watch-list) after the synthetic ADDEDs. */
    void initialEventsDone(long revision) {
        if (initialEventsEnd != null) {
            offer(new Delivery(EventType.BOOKMARK, null, revision, null));
        }
    }

    @Override
    public boolean offer(Delivery delivery) {
        if (terminated) {
            return true;
        }
        if (queued.incrementAndGet() > MAX_QUEUED) {
            return false;
        }
        if (registration == null) {
            // The initial events (or the replay from history) before the stream starts: objects
            // the cache holds anyway, so queueing them costs no heap. They are first in the queue.
            uncounted.incrementAndGet();
        } else {
            long bytes = queuedBytes.addAndGet(cost(delivery));
            if (bytes > limits.maxQueuedBytes()) {
                overflowed(bytes);
                return false;
            }
        }
        queue.add(delivery);
        if (registration != null) {
            scheduleDrain();
        }
        return true;
    }

    /** Sends an ERROR event with {@code status} and ends the stream. */
    void fail(ApiException status) {
        byte[] line = line("ERROR", Json.writeBytes(Statuses.failure(status)));
        out.write(Unpooled.wrappedBuffer(line));
        out.flush();
        terminate(TerminationReason.CLOSED);
    }

    @Override
    public void terminate(TerminationReason reason) {
        terminated = true;
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        release();
        executor.execute(
                () -> {
                    queue.clear();
                    if (reason == TerminationReason.TOO_SLOW) {
                        out.abort();
                    } else {
                        out.end();
                    }
                });
    }

    private void closed() {
        terminated = true;
        ended.set(true);
        release();
        queue.clear();
    }

    /** Cancels the timeout and closes the watch cache registration, where they were set. */
    private void release() {
        ScheduledFuture<?> t = timeout;
        if (t != null) {
            t.cancel(false);
        }
        WatchCache.Registration r = registration;
        if (r != null) {
            r.close();
        }
    }

    private void scheduleDrain() {
        if (!queue.isEmpty() && !terminated && draining.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        try {
            int written = 0;
            while (!terminated && out.isWritable()) {
                Delivery delivery = queue.poll();
                if (delivery == null) {
                    break;
                }
                queued.decrementAndGet();
                if (uncounted.get() > 0) {
                    uncounted.decrementAndGet();
                } else {
                    queuedBytes.addAndGet(-cost(delivery));
                }
                out.write(Unpooled.wrappedBuffer(encode(delivery)));
                if (++written % FLUSH_EVERY == 0) {
                    out.flush();
                }
            }
            if (written > 0) {
                out.flush();
            }
        } finally {
            draining.set(false);
        }
        if (!queue.isEmpty() && out.isWritable()) {
            scheduleDrain();
        }
    }

    private static long cost(Delivery delivery) {
        return DELIVERY_OVERHEAD
                + (delivery.object() == null ? 0 : delivery.object().json().length);
    }

    /** The watch is about to be ended for its queue: says who it was, once. */
    private void overflowed(long bytes) {
        if (ended.get()) {
            return;
        }
        limits.overflows(type).increment();
        log.atWarn()
                .addKeyValue("user", watcher.user())
                .addKeyValue("resource", type.groupResource())
                .addKeyValue("namespace", watcher.namespace())
                .addKeyValue("labelSelector", watcher.labelSelector())
                .addKeyValue("fieldSelector", watcher.fieldSelector())
                .addKeyValue("queuedBytes", bytes)
                .addKeyValue("limit", limits.maxQueuedBytes())
                .log("ending a watch whose client does not read its events: too many bytes queued");
    }

    private byte[] encode(Delivery delivery) {
        EventType eventType = delivery.type();
        if (eventType == EventType.BOOKMARK) {
            ObjectNode bookmark = Json.object();
            bookmark.put("kind", type.kind());
            bookmark.put("apiVersion", type.apiVersion());
            ObjectNode metadata = bookmark.putObject("metadata");
            metadata.put("resourceVersion", Long.toString(delivery.revision()));
            if (initialEventsEnd != null && delivery.object() == null && !columnsSent) {
                metadata.putObject("annotations").put(initialEventsEnd, "true");
            }
            return line("BOOKMARK", Json.writeBytes(bookmark));
        }
        switch (format) {
            case TABLE_V1, TABLE_V1BETA1 -> {
                String apiVersion =
                        format == MediaTypes.Format.TABLE_V1
                                ? "meta.k8s.io/v1"
                                : "meta.k8s.io/v1beta1";
                ObjectNode table =
                        TableEncoder.table(
                                type,
                                java.util.List.of(delivery.object()),
                                apiVersion,
                                Long.toString(delivery.revision()),
                                null,
                                include,
                                !columnsSent,
                                clock.instant());
                columnsSent = true;
                return line(eventType.name(), Json.writeBytes(table));
            }
            case METADATA -> {
                return line(
                        eventType.name(), Tables.partialObjectMetadata(delivery.object().json()));
            }
            default -> {
                CacheEvent source = delivery.source();
                if (source != null
                        && source.type() == eventType
                        && source.object() == delivery.object()) {
                    return source.encoded(e -> line(e.type().name(), e.object().json()));
                }
                return line(eventType.name(), delivery.object().json());
            }
        }
    }

    static byte[] line(String eventType, byte[] object) {
        byte[] head =
                ("{\"type\":\"" + eventType + "\",\"object\":").getBytes(StandardCharsets.US_ASCII);
        byte[] result = new byte[head.length + object.length + 2];
        System.arraycopy(head, 0, result, 0, head.length);
        System.arraycopy(object, 0, result, head.length, object.length);
        result[result.length - 2] = '}';
        result[result.length - 1] = '\n';
        return result;
    }
}
