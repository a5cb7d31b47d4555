package io.j8s.node.metrics;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's resource metrics in the kubelet's shape ({@code GET /metrics/resource}, Prometheus
 * text): the node's CPU time and working set, and each process container's, summed per Pod.
 *
 * <ul>
 *   <li>node: busy time of {@code /proc/stat}, working set = MemTotal − MemAvailable of {@code
 *       /proc/meminfo} (see {@link ProcFiles});
 *   <li>process container: every process of its session (the container's whole process tree, also
 *       what it orphaned): CPU = utime + stime + cutime + cstime, working set = the sum of VmRSS
 *       (pages shared between the processes count once per process);
 *   <li>builtin containers (HTTP responders inside the j8s process) and simulated nodes: no per-Pod
 *       figures exist, so they are not listed, as a kubelet leaves out what it cannot measure.
 * </ul>
 *
 * A container's CPU counter is kept monotonic: when a member process exits and is reaped outside
 * the session its time leaves the sum, and the counter holds its highest value instead of going
 * back. Thread-safe ({@link #scrape()} is synchronized; it reads files, so call it off event
 * loops).
 */
public final class ResourceMetrics {

    private static final Logger log = LoggerFactory.getLogger(ResourceMetrics.class);

    private final Path proc;
    private final RunningContainers processes;
    private final Clock clock;
    private final Map<String, Long> highestTicks = new HashMap<>(); // guarded by this

    /**
     * @param proc the proc file system ({@code /proc}; a fixture directory in tests)
     */
    public ResourceMetrics(Path proc, RunningContainers processes, Clock clock) {
        this.proc = proc;
        this.processes = processes;
        this.clock = clock;
    }

    private record Usage(long ticks, long rss) {}

    /** One scrape, as the text of {@code /metrics/resource}. */
    public synchronized String scrape() {
        long now = clock.millis();
        StringBuilder out = new StringBuilder(1024);
        int errors = 0;
        Long nodeTicks = null;
        Long nodeWorkingSet = null;
        try {
            nodeTicks = ProcFiles.busyTicks(read(proc.resolve("stat")));
            nodeWorkingSet = ProcFiles.workingSetBytes(read(proc.resolve("meminfo")));
        } catch (IOException | RuntimeException e) {
            errors = 1;
            log.atWarn()
                    .addKeyValue("error", e.toString())
                    .log("reading the node's CPU and memory failed");
        }
        List<RunningContainers.Entry> running = processes.running();
        Map<Long, Usage> sessions = running.isEmpty() ? Map.of() : sessions(running);

        help(
                out,
                "container_cpu_usage_seconds_total",
                "Cumulative cpu time consumed by the container in core-seconds",
                "counter");
        Map<String, long[]> pods = new TreeMap<>(); // namespace/pod -> ticks, bytes
        Map<String, String[]> podLabels = new HashMap<>();
        Set<String> live = new HashSet<>();
        List<RunningContainers.Entry> measured = new ArrayList<>();
        for (RunningContainers.Entry e : running) {
            Usage u = sessions.get(e.session());
            if (u == null) {
                continue; // ended between the listing and the read
            }
            live.add(e.id());
            long ticks = Math.max(u.ticks(), highestTicks.getOrDefault(e.id(), 0L));
            highestTicks.put(e.id(), ticks);
            measured.add(e);
            line(out, "container_cpu_usage_seconds_total", containerLabels(e), seconds(ticks), now);
            String podKey = e.namespace() + "/" + e.pod();
            long[] sum = pods.computeIfAbsent(podKey, k -> new long[2]);
            sum[0] += ticks;
            sum[1] += u.rss();
            podLabels.put(podKey, new String[] {e.pod(), e.namespace()});
        }
        highestTicks.keySet().retainAll(live);
        help(
                out,
                "container_memory_working_set_bytes",
                "Current working set of the container in bytes",
                "gauge");
        for (RunningContainers.Entry e : measured) {
            line(
                    out,
                    "container_memory_working_set_bytes",
                    containerLabels(e),
                    Long.toString(sessions.get(e.session()).rss()),
                    now);
        }
        help(
                out,
                "container_start_time_seconds",
                "Start time of the container since unix epoch in seconds",
                "gauge");
        for (RunningContainers.Entry e : measured) {
            line(
                    out,
                    "container_start_time_seconds",
                    containerLabels(e),
                    BigDecimal.valueOf(e.startedAt().toEpochMilli(), 3).toPlainString(),
                    -1);
        }
        help(
                out,
                "node_cpu_usage_seconds_total",
                "Cumulative cpu time consumed by the node in core-seconds",
                "counter");
        if (nodeTicks != null) {
            line(out, "node_cpu_usage_seconds_total", "", seconds(nodeTicks), now);
        }
        help(
                out,
                "node_memory_working_set_bytes",
                "Current working set of the node in bytes",
                "gauge");
        if (nodeWorkingSet != null) {
            line(out, "node_memory_working_set_bytes", "", Long.toString(nodeWorkingSet), now);
        }
        help(
                out,
                "pod_cpu_usage_seconds_total",
                "Cumulative cpu time consumed by the pod in core-seconds",
                "counter");
        pods.forEach(
                (k, v) ->
                        line(
                                out,
                                "pod_cpu_usage_seconds_total",
                                podLabels(podLabels.get(k)),
                                seconds(v[0]),
                                now));
        help(
                out,
                "pod_memory_working_set_bytes",
                "Current working set of the pod in bytes",
                "gauge");
        pods.forEach(
                (k, v) ->
                        line(
                                out,
                                "pod_memory_working_set_bytes",
                                podLabels(podLabels.get(k)),
                                Long.toString(v[1]),
                                now));
        out.append(
                "# HELP scrape_error [ALPHA] 1 if there was an error while getting container metrics, 0 otherwise\n");
        out.append("# TYPE scrape_error gauge\n");
        out.append("scrape_error ").append(errors).append('\n');
        return out.toString();
    }

    /**
     * CPU ticks and resident bytes of every session in {@code entries}, from one walk of the
     * process list.
     */
    private Map<Long, Usage> sessions(List<RunningContainers.Entry> entries) {
        Set<Long> wanted = new HashSet<>();
        for (RunningContainers.Entry e : entries) {
            wanted.add(e.session());
        }
        Map<Long, long[]> sums = new HashMap<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path pid : pids) {
                ProcFiles.PidStat stat;
                try {
                    stat = ProcFiles.pidStat(read(pid.resolve("stat")));
                } catch (IOException | RuntimeException e) {
                    continue; // exited while we looked
                }
                if (!wanted.contains(stat.session())) {
                    continue;
                }
                long rss;
                try {
                    rss = ProcFiles.rssBytes(read(pid.resolve("status")));
                } catch (IOException | RuntimeException e) {
                    continue;
                }
                long[] sum = sums.computeIfAbsent(stat.session(), s -> new long[2]);
                sum[0] += stat.cpuTicks();
                sum[1] += rss;
            }
        } catch (IOException e) {
            log.atWarn().addKeyValue("error", e.toString()).log("listing the processes failed");
        }
        Map<Long, Usage> out = new HashMap<>();
        sums.forEach((session, s) -> out.put(session, new Usage(s[0], s[1])));
        return out;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }

    private static String seconds(long ticks) {
        // USER_HZ is 100: ticks are hundredths of a second, exactly
        return BigDecimal.valueOf(ticks * (100 / ProcFiles.USER_HZ), 2).toPlainString();
    }

    private static void help(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(" [STABLE] ").append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(
            StringBuilder out, String name, String labels, String value, long timestampMillis) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(value);
        if (timestampMillis >= 0) {
            out.append(' ').append(timestampMillis);
        }
        out.append('\n');
    }

    private static String containerLabels(RunningContainers.Entry e) {
        return "container=\""
                + escape(e.container())
                + "\",namespace=\""
                + escape(e.namespace())
                + "\",pod=\""
                + escape(e.pod())
                + "\"";
    }

    private static String podLabels(String[] podAndNamespace) {
        return "namespace=\""
                + escape(podAndNamespace[1])
                + "\",pod=\""
                + escape(podAndNamespace[0])
                + "\"";
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
