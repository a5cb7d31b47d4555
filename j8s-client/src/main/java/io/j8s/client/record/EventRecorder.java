package io.j8s.client.record;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.j8s.client.rest.ApiRequests;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@code v1} Events about objects, as client-go's {@code tools/record} recorder does, for
 * controllers (one recorder per component) and node agents ({@code kubelet} with the node as {@code
 * source.host}) alike.
 *
 * <p>Aggregation: one Event per (source, object, fieldPath, type, reason, message); a repeat bumps
 * {@code count} and {@code lastTimestamp} of the same Event (a merge patch) instead of creating
 * another; when that Event has expired or was deleted, a new one starts. The last 4096 keys are
 * remembered.
 *
 * <p>Timestamps carry milliseconds and strictly increase per recorder, so {@code kubectl describe}
 * (which sorts by time) keeps events of one second in the order they happened (Pulled, Created,
 * Started). Event names are {@code <object>.<unix nanos in hex>}, strictly increasing as well.
 *
 * <p>{@link #event} never blocks and never throws: Events queue (at most 1000; more are dropped
 * with a warning, as client-go's broadcaster drops) and one drainer at a time writes them on the
 * recorder's executor (its own thread {@code j8s-events-<component>}, or an executor shared with
 * the caller). An Event the API refuses is logged and dropped: an Event is a courtesy, never a
 * reason to fail a sync. Thread-safe.
 */
public final class EventRecorder implements AutoCloseable {

    public static final String NORMAL = "Normal";
    public static final String WARNING = "Warning";

    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    private static final int QUEUE_CAPACITY = 1000;
    private static final int REMEMBERED = 4096;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final long DROP_WARNING_INTERVAL = TimeUnit.SECONDS.toNanos(10);
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** What the last write of one aggregation key left in the API. */
    private record Written(String name, String namespace, int count) {}

    private final KubernetesClient client;
    private final String component;
    private final String host;
    private final Clock clock;
    private final Executor executor;

    /** The executor when the recorder created it (its own thread), else null. */
    private final ExecutorService ownExecutor;

    private final ArrayDeque<Event> pending = new ArrayDeque<>(); // guarded by this
    private boolean draining; // guarded by this
    private long droppedSinceWarning; // guarded by this
    private long lastDropWarning = System.nanoTime() - DROP_WARNING_INTERVAL; // guarded by this
    private boolean closed; // guarded by this
    private Instant lastStamp = Instant.EPOCH; // guarded by this
    private long lastNameNanos; // guarded by this

    /** Last write per aggregation key; touched by the single drainer only. */
    private final Map<String, Written> written =
            new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Written> eldest) {
                    return size() > REMEMBERED;
                }
            };

    /**
     * A recorder with its own writer thread ({@code j8s-events-<component>}), stopped by {@link
     * #close()}.
     *
     * @param component {@code source.component} and {@code reportingComponent}, e.g. {@code
     *     deployment-controller}
     */
    public EventRecorder(KubernetesClient client, String component, Clock clock) {
        this(client, component, null, clock, null);
    }

    /**
     * A recorder that writes on {@code executor} (shared with the caller, who owns its life cycle).
     *
     * @param component {@code source.component} and {@code reportingComponent} ({@code kubelet})
     * @param host {@code source.host} and {@code reportingInstance} (the node's name), or null
     */
    public EventRecorder(
            KubernetesClient client,
            String component,
            String host,
            Clock clock,
            Executor executor) {
        this.client = Objects.requireNonNull(client, "client");
        this.component = Objects.requireNonNull(component, "component");
        this.host = host;
        this.clock = Objects.requireNonNull(clock, "clock");
        if (executor == null) {
            this.ownExecutor =
                    Executors.newSingleThreadExecutor(
                            r -> {
                                Thread t = new Thread(r, "j8s-events-" + component);
                                t.setDaemon(true);
                                return t;
                            });
            this.executor = ownExecutor;
        } else {
            this.ownExecutor = null;
            this.executor = executor;
        }
    }

    public String component() {
        return component;
    }

    /**
     * Records an Event about {@code object}; {@code messageFormat} is a {@link String#format}
     * pattern.
     */
    public void event(
            HasMetadata object, String type, String reason, String messageFormat, Object... args) {
        eventOnField(
                object,
                null,
                type,
                reason,
                args.length == 0 ? messageFormat : String.format(messageFormat, args));
    }

    /**
     * Records an Event about a part of {@code object} ({@code involvedObject.fieldPath}, e.g.
     * {@code spec.containers{web}}, or null for the whole object).
     */
    public void eventOnField(
            HasMetadata object, String fieldPath, String type, String reason, String message) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (pending.size() >= QUEUE_CAPACITY) {
                droppedSinceWarning++;
                long now = System.nanoTime();
                if (now - lastDropWarning >= DROP_WARNING_INTERVAL) {
                    // one line per interval, not one per event: a burst drops thousands
                    log.atWarn()
                            .addKeyValue("component", component)
                            .addKeyValue(
                                    "object",
                                    object.getMetadata().getNamespace()
                                            + "/"
                                            + object.getMetadata().getName())
                            .addKeyValue("dropped", droppedSinceWarning)
                            .log(
                                    "Event queue full ({} waiting), dropped {} event(s), the last"
                                            + " {} {}",
                                    QUEUE_CAPACITY,
                                    droppedSinceWarning,
                                    type,
                                    reason);
                    lastDropWarning = now;
                    droppedSinceWarning = 0;
                }
                return;
            }
            pending.add(newEvent(object, fieldPath, type, reason, message));
            if (draining) {
                return;
            }
            draining = true;
        }
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                draining = false;
                pending.clear();
            }
        }
    }

    /**
     * Builds the Event that {@link #eventOnField} writes (unless it aggregates). Guarded by this.
     */
    Event newEvent(
            HasMetadata object, String fieldPath, String type, String reason, String message) {
        Instant now = clock.instant();
        Instant stamp = now.truncatedTo(ChronoUnit.MILLIS);
        if (!stamp.isAfter(lastStamp)) {
            stamp = lastStamp.plusMillis(1);
        }
        lastStamp = stamp;
        long nameNanos =
                Math.max(now.getEpochSecond() * 1_000_000_000L + now.getNano(), lastNameNanos + 1);
        lastNameNanos = nameNanos;

        ObjectReference involved = referenceTo(object, fieldPath);
        String namespace =
                involved.getNamespace() == null || involved.getNamespace().isEmpty()
                        ? "default"
                        : involved.getNamespace();
        String timestamp = MILLIS.format(stamp);
        return new EventBuilder()
                .withNewMetadata()
                .withName(involved.getName() + "." + Long.toHexString(nameNanos))
                .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(involved)
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withNewSource()
                .withComponent(component)
                .withHost(host)
                .endSource()
                .withReportingComponent(component)
                .withReportingInstance(host == null ? "" : host)
                .withFirstTimestamp(timestamp)
                .withLastTimestamp(timestamp)
                .withCount(1)
                .build();
    }

    static ObjectReference referenceTo(HasMetadata object, String fieldPath) {
        String apiVersion =
                object.getApiVersion() != null
                        ? object.getApiVersion()
                        : HasMetadata.getApiVersion(object.getClass());
        String kind =
                object.getKind() != null
                        ? object.getKind()
                        : HasMetadata.getKind(object.getClass());
        return new ObjectReferenceBuilder()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withNamespace(object.getMetadata().getNamespace())
                .withName(object.getMetadata().getName())
                .withUid(object.getMetadata().getUid())
                .withResourceVersion(object.getMetadata().getResourceVersion())
                .withFieldPath(fieldPath)
                .build();
    }

    static String aggregationKey(Event e) {
        ObjectReference o = e.getInvolvedObject();
        return String.join(
                "\u0000",
                e.getSource().getComponent(),
                nullToEmpty(e.getSource().getHost()),
                o.getKind(),
                nullToEmpty(o.getNamespace()),
                o.getName(),
                nullToEmpty(o.getUid()),
                nullToEmpty(o.getFieldPath()),
                e.getType(),
                e.getReason(),
                e.getMessage());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private void drain() {
        while (true) {
            Event event;
            synchronized (this) {
                event = pending.poll();
                if (event == null) {
                    draining = false;
                    notifyAll();
                    return;
                }
            }
            write(event);
        }
    }

    private void write(Event event) {
        String key = aggregationKey(event);
        Written previous = written.get(key);
        try {
            if (previous != null) {
                int count = previous.count() + 1;
                String patch =
                        "{\"count\":"
                                + count
                                + ",\"lastTimestamp\":\""
                                + event.getLastTimestamp()
                                + "\"}";
                try {
                    ApiRequests.mergePatch(
                            client,
                            ApiRequests.path(
                                    "/api/v1",
                                    previous.namespace(),
                                    "events",
                                    previous.name(),
                                    null),
                            patch);
                    written.put(key, new Written(previous.name(), previous.namespace(), count));
                    return;
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                    written.remove(key); // the Event expired or was deleted: start a new one
                }
            }
            Event created =
                    client.v1()
                            .events()
                            .inNamespace(event.getMetadata().getNamespace())
                            .resource(event)
                            .create();
            written.put(
                    key,
                    new Written(
                            created.getMetadata().getName(),
                            created.getMetadata().getNamespace(),
                            1));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403 && String.valueOf(e.getMessage()).contains("being terminated")) {
                // the namespace is going away, and its Events with it
                log.debug(
                        "Dropped event {} {} about {}/{}: its namespace is terminating",
                        event.getType(),
                        event.getReason(),
                        event.getInvolvedObject().getNamespace(),
                        event.getInvolvedObject().getName());
                return;
            }
            warnNotWritten(event, e);
        } catch (RuntimeException e) { // a failed event must not stop the ones after it
            warnNotWritten(event, e);
        }
    }

    private void warnNotWritten(Event event, RuntimeException e) {
        log.atWarn()
                .addKeyValue("component", component)
                .addKeyValue(
                        "object",
                        event.getInvolvedObject().getNamespace()
                                + "/"
                                + event.getInvolvedObject().getName())
                .log(
                        "Could not write event {} {}: {}",
                        event.getType(),
                        event.getReason(),
                        e.toString());
    }

    /**
     * Stops accepting events and waits up to 5 s until what is queued is written; a recorder with
     * its own thread stops it.
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        synchronized (this) {
            closed = true;
            try {
                while (draining && System.nanoTime() - deadline < 0) {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
        }
    }
}
