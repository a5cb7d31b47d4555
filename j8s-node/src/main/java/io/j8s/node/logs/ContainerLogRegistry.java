package io.j8s.node.logs;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the log endpoint finds container logs: {@code namespace/pod} → container name → {@link
 * ContainerLogs}. Pod workers publish into it; the log server only reads. A Pod recreated under
 * the same name (new UID) replaces the old one's entry, and the old worker's late removal does not
 * touch the new entry. Thread-safe.
 */
public final class ContainerLogRegistry {

  private record PodLogs(String uid, Map<String, ContainerLogs> containers) {}

  private final ConcurrentHashMap<String, PodLogs> pods = new ConcurrentHashMap<>();

  public void publish(String namespace, String pod, String uid, String container, ContainerLogs logs) {
    pods.compute(
            namespace + "/" + pod,
            (k, old) -> old != null && old.uid().equals(uid) ? old : new PodLogs(uid, new ConcurrentHashMap<>()))
        .containers()
        .put(container, logs);
  }

  /** Forgets a Pod's logs (the Pod is gone from this node). */
  public void remove(String namespace, String pod, String uid) {
    pods.computeIfPresent(namespace + "/" + pod, (k, old) -> old.uid().equals(uid) ? null : old);
  }

  /** The Pod's containers' logs, if the Pod runs (or ran) on this node. */
  public Optional<Map<String, ContainerLogs>> pod(String namespace, String pod) {
    return Optional.ofNullable(pods.get(namespace + "/" + pod)).map(p -> Map.copyOf(p.containers()));
  }
}
