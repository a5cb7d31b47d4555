package io.j8s.apiserver.metrics;

import io.j8s.apiserver.metrics.ResourceMetricsText.PodRef;
import io.j8s.apiserver.metrics.ResourceMetricsText.Point;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last two points of every node and container, and the usage computed from them, as
 * metrics-server keeps them: CPU usage is the rate of the cumulative CPU time between the two
 * points ({@code window} = the time between them, {@code timestamp} = the later one), memory is the
 * later point's working set. Each scrape round replaces the whole batch, so a node that failed its
 * scrape has no metrics until it answers again.
 *
 * <p>A container that started less than one resolution ago (and at least {@link #FRESH_MINIMUM}
 * before its point) is measured from its start with zero CPU, so it shows after one scrape; a
 * container whose start time changed (restarted) starts over. A pod is listed only when every
 * container it reported has two points. Thread-safe: the batch is swapped atomically.
 */
public final class MetricsStorage {
    private static final Logger log = LoggerFactory.getLogger(MetricsStorage.class);

    /** metrics-server's shortest window from a fresh container's start. */
    public static final Duration FRESH_MINIMUM = Duration.ofSeconds(10);

    /** Usage over a window. */
    public record Usage(Instant timestamp, Duration window, long cpuNanocores, long memoryBytes) {}

    /** A container's usage. */
    public record ContainerUsage(String name, long cpuNanocores, long memoryBytes) {}

    /** A pod's usage: the containers', with the earliest timestamp among them and its window. */
    public record PodUsage(Instant timestamp, Duration window, List<ContainerUsage> containers) {}

    private record State(
            Map<String, Point> lastNodes,
            Map<String, Point> prevNodes,
            Map<PodRef, Map<String, Point>> lastPods,
            Map<PodRef, Map<String, Point>> prevPods) {}

    private final Duration resolution;
    private volatile State state = new State(Map.of(), Map.of(), Map.of(), Map.of());

    public MetricsStorage(Duration resolution) {
        this.resolution = resolution;
    }

    /** Stores one round: the nodes that answered, and the pods they reported. */
    public synchronized void store(Map<String, Point> nodes, Map<PodRef, Map<String, Point>> pods) {
        State old = state;
        Map<String, Point> prevNodes = new HashMap<>();
        for (var e : nodes.entrySet()) {
            Point last = old.lastNodes().get(e.getKey());
            Point now = e.getValue();
            if (last != null && now.timestamp().isAfter(last.timestamp())) {
                prevNodes.put(e.getKey(), last);
            } else if (last != null) {
                Point prev = old.prevNodes().get(e.getKey());
                if (prev != null && prev.timestamp().isBefore(now.timestamp())) {
                    prevNodes.put(e.getKey(), prev);
                }
            }
        }
        Map<PodRef, Map<String, Point>> prevPods = new HashMap<>();
        for (var pod : pods.entrySet()) {
            Map<String, Point> lastPod = old.lastPods().getOrDefault(pod.getKey(), Map.of());
            Map<String, Point> prevPod = old.prevPods().getOrDefault(pod.getKey(), Map.of());
            Map<String, Point> prev = new HashMap<>();
            for (var c : pod.getValue().entrySet()) {
                Point now = c.getValue();
                Duration age =
                        now.startTime() == null
                                ? null
                                : Duration.between(now.startTime(), now.timestamp());
                Point last = lastPod.get(c.getKey());
                if (age != null
                        && age.compareTo(resolution) < 0
                        && age.compareTo(FRESH_MINIMUM) >= 0) {
                    prev.put(
                            c.getKey(),
                            new Point(now.startTime(), 0, now.memoryBytes(), now.startTime()));
                } else if (last != null
                        && now.startTime() != null
                        && now.startTime().isBefore(last.timestamp())) {
                    if (now.timestamp().isAfter(last.timestamp())) {
                        prev.put(c.getKey(), last);
                    } else {
                        Point p = prevPod.get(c.getKey());
                        if (p != null && p.timestamp().isBefore(now.timestamp())) {
                            prev.put(c.getKey(), p);
                        }
                    }
                }
            }
            if (!prev.isEmpty()) {
                prevPods.put(pod.getKey(), Map.copyOf(prev));
            }
        }
        Map<PodRef, Map<String, Point>> lastPods = new HashMap<>();
        pods.forEach((k, v) -> lastPods.put(k, Map.copyOf(v)));
        state =
                new State(
                        Map.copyOf(nodes),
                        Map.copyOf(prevNodes),
                        Map.copyOf(lastPods),
                        Map.copyOf(prevPods));
    }

    /** The node's usage, when it has two points. */
    public Optional<Usage> node(String name) {
        State s = state;
        Point last = s.lastNodes().get(name);
        Point prev = s.prevNodes().get(name);
        if (last == null || prev == null) {
            return Optional.empty();
        }
        return usage(last, prev, "node " + name);
    }

    /** The pod's usage, when every container it reported has two points. */
    public Optional<PodUsage> pod(String namespace, String name) {
        State s = state;
        PodRef ref = new PodRef(namespace, name);
        Map<String, Point> last = s.lastPods().get(ref);
        Map<String, Point> prev = s.prevPods().get(ref);
        if (last == null || prev == null) {
            return Optional.empty();
        }
        List<ContainerUsage> containers = new ArrayList<>();
        Usage earliest = null;
        for (String container : new java.util.TreeSet<>(last.keySet())) {
            Point p = prev.get(container);
            if (p == null) {
                return Optional.empty();
            }
            Optional<Usage> u =
                    usage(
                            last.get(container),
                            p,
                            "container " + namespace + "/" + name + "/" + container);
            if (u.isEmpty()) {
                continue;
            }
            containers.add(
                    new ContainerUsage(container, u.get().cpuNanocores(), u.get().memoryBytes()));
            if (earliest == null || earliest.timestamp().isAfter(u.get().timestamp())) {
                earliest = u.get();
            }
        }
        if (earliest == null) {
            return Optional.empty();
        }
        return Optional.of(
                new PodUsage(earliest.timestamp(), earliest.window(), List.copyOf(containers)));
    }

    /** The usage between two points, or none when the counter or start time went back. */
    static Optional<Usage> usage(Point last, Point prev, String what) {
        if (last.startTime() != null
                && prev.startTime() != null
                && last.startTime().isBefore(prev.startTime())) {
            log.atWarn()
                    .addKeyValue("object", what)
                    .log("skipping usage: its start time decreased");
            return Optional.empty();
        }
        if (last.cpuNanos() < prev.cpuNanos()) {
            log.atWarn()
                    .addKeyValue("object", what)
                    .log("skipping usage: its cumulative CPU usage decreased");
            return Optional.empty();
        }
        Duration window = Duration.between(prev.timestamp(), last.timestamp());
        if (window.isZero() || window.isNegative()) {
            return Optional.empty();
        }
        double rate = (double) (last.cpuNanos() - prev.cpuNanos()) / (window.toNanos() / 1e9);
        return Optional.of(new Usage(last.timestamp(), window, (long) rate, last.memoryBytes()));
    }
}
