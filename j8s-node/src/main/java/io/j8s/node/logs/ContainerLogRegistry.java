package io.j8s.node.logs;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Where the node endpoint finds the Pods of this node: {@code namespace/pod} → its UID, IP and
 * container logs ({@link ContainerLogs} per container name). Pod workers publish into it; the
 * endpoint (logs, port-forward) only reads. A Pod recreated under the same name (new UID) replaces
 * the old one's entry, and the old worker's late removal does not touch the new entry. Thread-safe.
 */
public final class ContainerLogRegistry {

    private record PodLogs(
            String uid,
            Map<String, ContainerLogs> containers,
            java.util.concurrent.atomic.AtomicReference<String> ip) {}

    /** A Pod's identity and address on this node. */
    public record PodAddress(String uid, String ip) {}

    private final ConcurrentHashMap<String, PodLogs> pods = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<BiConsumer<String, String>> removalListeners =
            new CopyOnWriteArrayList<>();

    public void publish(
            String namespace, String pod, String uid, String container, ContainerLogs logs) {
        entry(namespace, pod, uid).containers().put(container, logs);
    }

    /** Records the Pod's IP (null while it has none). */
    public void publishAddress(String namespace, String pod, String uid, String ip) {
        entry(namespace, pod, uid).ip().set(ip);
    }

    private PodLogs entry(String namespace, String pod, String uid) {
        return pods.compute(
                namespace + "/" + pod,
                (k, old) ->
                        old != null && old.uid().equals(uid)
                                ? old
                                : new PodLogs(
                                        uid,
                                        new ConcurrentHashMap<>(),
                                        new java.util.concurrent.atomic.AtomicReference<>()));
    }

    /** Forgets a Pod's logs (the Pod is gone from this node); removal listeners are told. */
    public void remove(String namespace, String pod, String uid) {
        PodLogs[] removed = new PodLogs[1];
        pods.computeIfPresent(
                namespace + "/" + pod,
                (k, old) -> {
                    if (old.uid().equals(uid)) {
                        removed[0] = old;
                        return null;
                    }
                    return old;
                });
        if (removed[0] != null) {
            for (BiConsumer<String, String> l : removalListeners) {
                l.accept(namespace + "/" + pod, uid);
            }
        }
    }

    /** Calls {@code listener} with {@code namespace/pod} and the UID of each Pod removed. */
    public void onRemoved(BiConsumer<String, String> listener) {
        removalListeners.add(listener);
    }

    /** The Pod's containers' logs, if the Pod runs (or ran) on this node. */
    public Optional<Map<String, ContainerLogs>> pod(String namespace, String pod) {
        return Optional.ofNullable(pods.get(namespace + "/" + pod))
                .map(p -> Map.copyOf(p.containers()));
    }

    /** The Pod's UID and IP (null when it has none yet), if the Pod is on this node. */
    public Optional<PodAddress> address(String namespace, String pod) {
        return Optional.ofNullable(pods.get(namespace + "/" + pod))
                .map(p -> new PodAddress(p.uid(), p.ip().get()));
    }
}
