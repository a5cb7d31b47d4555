package io.j8s.controllers.runtime;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@code v1} Events about objects, as client-go's event recorder does: one Event per
 * (object, type, reason, message, source); a repeat bumps {@code count} and {@code lastTimestamp}
 * of the same Event instead of creating another.
 *
 * <p>{@link #event} never blocks and never throws: Events are written by one background thread
 * ({@code j8s-events-<component>}) from a bounded queue, and dropped with a warning when the queue
 * is full or the API refuses them — an Event is a courtesy, never a reason to fail a sync.
 */
public final class EventRecorder implements AutoCloseable {

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final int QUEUE_CAPACITY = 1000;
  private static final int REMEMBERED = 4096;

  private final KubernetesClient client;
  private final String component;
  private final Clock clock;
  private final BlockingQueue<Event> pending = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  /** Last written Event per aggregation key; touched only by the writer thread. */
  private final Map<String, Event> written = new LinkedHashMap<>(64, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
      return size() > REMEMBERED;
    }
  };
  private final Thread writer;
  private volatile boolean closed;
  private long lastNanoSuffix;

  /**
   * @param component {@code source.component} and {@code reportingComponent}, e.g.
   *     {@code deployment-controller}
   */
  public EventRecorder(KubernetesClient client, String component, Clock clock) {
    this.client = Objects.requireNonNull(client, "client");
    this.component = Objects.requireNonNull(component, "component");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.writer = new Thread(this::writeLoop, "j8s-events-" + component);
    this.writer.setDaemon(true);
    this.writer.start();
  }

  public String component() {
    return component;
  }

  /** Records an Event about {@code object}; {@code messageFormat} is a {@link String#format} pattern. */
  public void event(HasMetadata object, String type, String reason, String messageFormat, Object... args) {
    if (closed) {
      return;
    }
    Event event = newEvent(object, type, reason, args.length == 0 ? messageFormat : String.format(messageFormat, args));
    if (!pending.offer(event)) {
      log.warn("Event queue of {} full, dropping event {} {} about {}", component, type, reason,
          event.getInvolvedObject().getName());
    }
  }

  /** Builds the Event that {@link #event} would write (exposed for tests). */
  Event newEvent(HasMetadata object, String type, String reason, String message) {
    Instant now = clock.instant();
    ObjectReference involved = referenceTo(object);
    String namespace = involved.getNamespace() == null || involved.getNamespace().isEmpty()
        ? "default" : involved.getNamespace();
    String timestamp = Timestamps.format(now);
    return new EventBuilder()
        .withNewMetadata()
        .withName(involved.getName() + "." + uniqueSuffix(now))
        .withNamespace(namespace)
        .endMetadata()
        .withInvolvedObject(involved)
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withNewSource().withComponent(component).endSource()
        .withReportingComponent(component)
        .withReportingInstance("")
        .withFirstTimestamp(timestamp)
        .withLastTimestamp(timestamp)
        .withCount(1)
        .build();
  }

  /** Client-go names Events {@code <object>.<unix nanos in hex>}; keep suffixes strictly increasing. */
  private synchronized String uniqueSuffix(Instant now) {
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    if (nanos <= lastNanoSuffix) {
      nanos = lastNanoSuffix + 1;
    }
    lastNanoSuffix = nanos;
    return Long.toHexString(nanos);
  }

  static ObjectReference referenceTo(HasMetadata object) {
    String apiVersion = object.getApiVersion() != null ? object.getApiVersion() : HasMetadata.getApiVersion(object.getClass());
    String kind = object.getKind() != null ? object.getKind() : HasMetadata.getKind(object.getClass());
    return new ObjectReferenceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withNamespace(object.getMetadata().getNamespace())
        .withName(object.getMetadata().getName())
        .withUid(object.getMetadata().getUid())
        .withResourceVersion(object.getMetadata().getResourceVersion())
        .build();
  }

  static String aggregationKey(Event e) {
    ObjectReference o = e.getInvolvedObject();
    return String.join("\u0000", e.getSource().getComponent(), o.getKind(), o.getNamespace() == null ? "" : o.getNamespace(),
        o.getName(), o.getUid() == null ? "" : o.getUid(), e.getType(), e.getReason(), e.getMessage());
  }

  private void writeLoop() {
    while (!closed || !pending.isEmpty()) {
      Event event;
      try {
        event = pending.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (event != null) {
        write(event);
      }
    }
  }

  private void write(Event event) {
    String key = aggregationKey(event);
    Event previous = written.get(key);
    try {
      if (previous != null) {
        Event bumped = new EventBuilder(previous)
            .withCount((previous.getCount() == null ? 1 : previous.getCount()) + 1)
            .withLastTimestamp(event.getLastTimestamp())
            .build();
        try {
          written.put(key, client.v1().events().inNamespace(bumped.getMetadata().getNamespace())
              .resource(bumped).update());
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404 && e.getCode() != 409) {
            throw e;
          }
          // the Event expired or changed under us: start a new one
        }
      }
      written.put(key, client.v1().events().inNamespace(event.getMetadata().getNamespace())
          .resource(event).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() == 403 && String.valueOf(e.getMessage()).contains("being terminated")) {
        // the namespace is going away, and its Events with it
        log.debug("Dropped event {} {} about {}/{}: its namespace is terminating", event.getType(),
            event.getReason(), event.getInvolvedObject().getNamespace(), event.getInvolvedObject().getName());
        return;
      }
      warnNotWritten(event, e);
    } catch (RuntimeException e) {
      warnNotWritten(event, e);
    }
  }

  private static void warnNotWritten(Event event, RuntimeException e) {
    log.warn("Could not write event {} {} about {}/{}: {}", event.getType(), event.getReason(),
        event.getInvolvedObject().getNamespace(), event.getInvolvedObject().getName(), e.toString());
  }

  /** Writes what is queued (bounded wait) and stops the writer thread. */
  @Override
  public void close() {
    closed = true;
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
