package io.j8s.node.metrics;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process containers running on the nodes of this JVM, as the process runtime starts and ends
 * them: each container's session (the PID of its leader, see {@code ProcessSessions}) and start
 * time, which {@link ResourceMetrics} reads figures for. Thread-safe.
 */
public final class RunningContainers {

    /** One running container instance. */
    public record Entry(
            String id,
            String namespace,
            String pod,
            String container,
            long session,
            Instant startedAt) {}

    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();

    /** Records a started instance ({@code id} is the runtime's container id). */
    public void add(Entry entry) {
        byId.put(entry.id(), entry);
    }

    /** Forgets an instance that ended. */
    public void remove(String id) {
        byId.remove(id);
    }

    public List<Entry> running() {
        return List.copyOf(byId.values());
    }
}
