package io.j8s.node.agent;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.j8s.node.pod.PodEventSink;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the kubelet's Pod events as core/v1 Events ({@code source.component: kubelet}, {@code
 * source.host: <node>}, {@code reportingComponent: kubelet}). Like client-go's recorder it
 * aggregates repeats: the same reason and message for the same object within the cache bumps
 * {@code count} and {@code lastTimestamp} of the existing Event instead of creating another.
 *
 * <p>Timestamps carry milliseconds and strictly increase per recorder, so {@code kubectl describe}
 * (which sorts by time) keeps Pulled/Created/Started in order even when they fall in one second.
 *
 * <p>{@link #event} never blocks: events queue (at most 1000; more are dropped, as client-go's
 * broadcaster drops) and are written by a drainer on the shared executor. Thread-safe.
 */
final class KubeEventRecorder implements PodEventSink {

  private static final Logger log = LoggerFactory.getLogger(KubeEventRecorder.class);
  private static final int MAX_QUEUE = 1000;
  private static final DateTimeFormatter MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private record Pending(Pod pod, String fieldPath, String type, String reason, String message, Instant at) {}

  private record Seen(String name, String namespace, int count, String firstTimestamp) {}

  private final KubernetesClient client;
  private final String nodeName;
  private final Clock clock;
  private final Executor executor;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(); // guarded by this
  private boolean draining; // guarded by this
  private Instant lastStamp = Instant.EPOCH; // guarded by this
  private final Map<String, Seen> seen = // touched by the single drainer only
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
          return size() > 4096;
        }
      };

  KubeEventRecorder(KubernetesClient client, String nodeName, Clock clock, Executor executor) {
    this.client = client;
    this.nodeName = nodeName;
    this.clock = clock;
    this.executor = executor;
  }

  @Override
  public void event(Pod pod, String fieldPath, String type, String reason, String message) {
    synchronized (this) {
      if (queue.size() >= MAX_QUEUE) {
        log.warn("event queue full; dropping {} event for pod {}/{}", reason,
            pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        return;
      }
      Instant now = clock.instant();
      if (!now.isAfter(lastStamp)) {
        now = lastStamp.plusMillis(1);
      }
      lastStamp = now;
      queue.add(new Pending(pod, fieldPath, type, reason, message, now));
      if (draining) {
        return;
      }
      draining = true;
    }
    executor.execute(this::drain);
  }

  private void drain() {
    while (true) {
      Pending p;
      synchronized (this) {
        p = queue.poll();
        if (p == null) {
          draining = false;
          return;
        }
      }
      try {
        write(p);
      } catch (RuntimeException e) { // a failed event must not stop the ones after it
        log.warn("writing {} event for pod {}/{} failed: {}", p.reason(), p.pod().getMetadata().getNamespace(),
            p.pod().getMetadata().getName(), e.toString());
      }
    }
  }

  private void write(Pending p) {
    ObjectMeta pm = p.pod().getMetadata();
    String key = pm.getUid() + "|" + p.fieldPath() + "|" + p.type() + "|" + p.reason() + "|" + p.message();
    String stamp = MILLIS.format(p.at());
    Seen prior = seen.get(key);
    if (prior != null) {
      int count = prior.count() + 1;
      String patch = "{\"count\":" + count + ",\"lastTimestamp\":\"" + stamp + "\"}";
      try {
        client.v1().events().inNamespace(prior.namespace()).withName(prior.name())
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        seen.put(key, new Seen(prior.name(), prior.namespace(), count, prior.firstTimestamp()));
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        seen.remove(key); // the event expired or was deleted: create a new one
      }
    }
    Event e = new Event();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(pm.getName() + "." + Long.toHexString(p.at().getEpochSecond() * 1_000_000_000L + p.at().getNano()));
    meta.setNamespace(pm.getNamespace());
    e.setMetadata(meta);
    ObjectReference ref = new ObjectReference();
    ref.setKind("Pod");
    ref.setApiVersion("v1");
    ref.setNamespace(pm.getNamespace());
    ref.setName(pm.getName());
    ref.setUid(pm.getUid());
    ref.setResourceVersion(pm.getResourceVersion());
    ref.setFieldPath(p.fieldPath());
    e.setInvolvedObject(ref);
    e.setReason(p.reason());
    e.setMessage(p.message());
    e.setType(p.type());
    e.setSource(new EventSource("kubelet", nodeName));
    e.setFirstTimestamp(stamp);
    e.setLastTimestamp(stamp);
    e.setCount(1);
    e.setReportingComponent("kubelet");
    e.setReportingInstance(nodeName);
    client.v1().events().inNamespace(pm.getNamespace()).resource(e).create();
    seen.put(key, new Seen(meta.getName(), meta.getNamespace(), 1, stamp));
  }
}
