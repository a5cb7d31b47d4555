package io.j8s.bench.controlplane;

import io.j8s.bench.support.Jcmd;
import io.j8s.bench.support.JfrSummary;
import io.j8s.bench.support.Latencies;
import io.j8s.bench.support.PromHistogram;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a control-plane run measured, and its Markdown rendering. Filled in by the benchmark as it
 * goes.
 */
public final class ControlPlaneResults {
    /**
     * One creation stage: the clients' calls, then the wait until every Pod is Ready.
     *
     * @param readySeconds from the stage's first call to every Pod of the stage seen Ready
     * @param serverCpuSeconds CPU the server used during the stage (user + system)
     * @param benchCpuSeconds CPU this benchmark's JVM used (clients and watches)
     */
    public record Stage(
            int podsReady,
            int calls,
            double callSeconds,
            double callsPerSecond,
            double p50Millis,
            double p99Millis,
            long retries,
            int newPods,
            double readySeconds,
            Latencies.Summary podStartup,
            double serverCpuSeconds,
            double benchCpuSeconds,
            double loadAverage) {
        double podsPerSecond() {
            return newPods / readySeconds;
        }
    }

    /** Memory of the server with {@code pods} Pods, after a full GC. */
    public record Memory(int pods, long rssBytes, long heapAfterGcBytes) {}

    /** One full list of all Pods. */
    public record ListAll(String how, int pods, double seconds, long bytes) {}

    /** Start-up of a server with everything in its store. */
    public record Restart(
            String store,
            int pods,
            double stopSeconds,
            double readySeconds,
            double firstListSeconds,
            long rssBytes,
            long heapAfterGcBytes) {}

    String machine;
    String command;
    String date;
    String describe;
    double emptyStartupSeconds;
    final List<Stage> stages = new ArrayList<>();
    final Map<String, Latencies> callsByKind = new TreeMap<>();
    final List<Memory> memory = new ArrayList<>();
    final List<ListAll> lists = new ArrayList<>();
    Churn.Outcome churn;
    int churnRate;
    double churnLoad;
    WatchFanout.Outcome fanout;
    double fanoutLoad;
    Restart restart;
    long storeBytes;
    List<Jcmd.HistogramRow> histogram = List.of();
    JfrSummary createProfile;
    JfrSummary churnProfile;

    public List<Stage> stages() {
        return List.copyOf(stages);
    }

    public List<Memory> memory() {
        return List.copyOf(memory);
    }

    public List<ListAll> lists() {
        return List.copyOf(lists);
    }

    public Churn.Outcome churn() {
        return churn;
    }

    public WatchFanout.Outcome fanout() {
        return fanout;
    }

    public Restart restart() {
        return restart;
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("Run: ").append(date).append("; ").append(describe).append('\n');
        sb.append("Machine: ").append(machine).append('\n');
        sb.append("Command: `").append(command).append("`\n\n");
        sb.append(f("Server start-up, empty store: %.2f s to /readyz.%n%n", emptyStartupSeconds));

        sb.append(
                "| Pods Ready | calls | calls/s | p50 ms | p99 ms | retries | new Pods | all Ready after s | Pods/s"
                        + " | Pod start-up p50 / p99 ms | server CPU s | bench CPU s | load |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Stage s : stages) {
            sb.append(
                    f(
                            "| %,d | %,d | %,.0f | %.1f | %.1f | %d | %,d | %.1f | %,.0f | %.0f / %.0f | %.0f | %.0f | %.1f |%n",
                            s.podsReady(),
                            s.calls(),
                            s.callsPerSecond(),
                            s.p50Millis(),
                            s.p99Millis(),
                            s.retries(),
                            s.newPods(),
                            s.readySeconds(),
                            s.podsPerSecond(),
                            s.podStartup().p50Millis(),
                            s.podStartup().p99Millis(),
                            s.serverCpuSeconds(),
                            s.benchCpuSeconds(),
                            s.loadAverage()));
        }
        sb.append("\n| call | count | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
        for (var e : callsByKind.entrySet()) {
            Latencies.Summary s = e.getValue().summary();
            sb.append(
                    f(
                            "| %s | %,d | %.1f | %.1f | %.1f |%n",
                            e.getKey(), s.count(), s.p50Millis(), s.p99Millis(), s.maxMillis()));
        }
        sb.append("\n| Pods | RSS MiB | heap after GC MiB |\n|---:|---:|---:|\n");
        for (Memory m : memory) {
            sb.append(
                    f(
                            "| %,d | %,.0f | %,.0f |%n",
                            m.pods(), m.rssBytes() / 1048576.0, m.heapAfterGcBytes() / 1048576.0));
        }
        if (!histogram.isEmpty()) {
            sb.append(
                    "\nLargest classes of live objects with every Pod created (`GC.class_histogram`):\n\n");
            sb.append("| class | instances | MiB |\n|---|---:|---:|\n");
            for (var h : histogram) {
                sb.append(
                        f(
                                "| `%s` | %,d | %,.1f |%n",
                                h.className(), h.instances(), h.bytes() / 1048576.0));
            }
        }
        if (!lists.isEmpty()) {
            sb.append("\n| list of all Pods | Pods | s | MB |\n|---|---:|---:|---:|\n");
            for (ListAll l : lists) {
                sb.append(
                        f(
                                "| %s | %,d | %.2f | %,.1f |%n",
                                l.how(), l.pods(), l.seconds(), l.bytes() / 1e6));
            }
        }
        if (churn != null) {
            Churn.Outcome c = churn;
            sb.append(
                    f(
                            "%nChurn: %d Ready changes/s requested; %,d deletions in %.1f s (%d failed calls), load %.1f.%n%n",
                            churnRate, c.deletions(), c.seconds(), c.deleteErrors(), churnLoad));
            sb.append(
                    "| endpoint programming | samples | p50 ms | p99 ms | max ms | unresolved |\n");
            sb.append("|---|---:|---:|---:|---:|---:|\n");
            row(
                    sb,
                    "add: Pod seen Ready → EndpointSlice seen listing it ready",
                    c.adds(),
                    c.unresolvedAdds());
            row(
                    sb,
                    "remove: DELETE sent → EndpointSlice seen without it",
                    c.removes(),
                    c.unresolvedRemoves());
            row(
                    sb,
                    "proxy probe, add: Pod seen Ready → first connection forwarded to it",
                    c.probeAdds(),
                    c.probeTimeouts());
            row(
                    sb,
                    "proxy probe, remove: DELETE sent → last connection forwarded to it",
                    c.probeRemoves(),
                    c.probeTimeouts());
            PromHistogram p = c.proxy();
            sb.append(
                    f(
                            "| proxy: `%s` (trigger time → programmed) | %,.0f | %.0f | %.0f | %.0f | |%n",
                            Churn.PROGRAMMING_METRIC,
                            p.count(),
                            p.quantile(0.5) * 1000,
                            p.quantile(0.99) * 1000,
                            p.max() * 1000));
            Latencies.Summary t = c.truncation().summary();
            sb.append(
                    f(
                            "%nThe trigger time is the Ready condition's lastTransitionTime, in whole seconds: when the"
                                    + " benchmark saw a Pod turn Ready, that timestamp was already %.0f ms old on average (p50 %.0f,"
                                    + " max %.0f ms; %d adds seen in the slice before the Pod event).%n",
                            c.truncation().meanMillis(),
                            t.p50Millis(),
                            t.maxMillis(),
                            c.addsSeenInSliceFirst()));
        }
        if (fanout != null) {
            WatchFanout.Outcome w = fanout;
            Latencies.Summary d = w.delivery().summary();
            sb.append(
                    "\n| watchers | changes | deliveries | p50 ms | p99 ms | max ms | dropped | watches ended | open all s | load |\n");
            sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            sb.append(
                    f(
                            "| %,d | %d | %,d | %.1f | %.1f | %.1f | %d | %d | %.1f | %.1f |%n",
                            w.watchers(),
                            w.changes(),
                            d.count(),
                            d.p50Millis(),
                            d.p99Millis(),
                            d.maxMillis(),
                            w.dropped(),
                            w.endedEarly(),
                            w.openSeconds(),
                            fanoutLoad));
        }
        if (restart != null) {
            Restart r = restart;
            sb.append(
                    "\n| store | Pods in store | stop s | start → /readyz s | then list all (500/page) s | RSS MiB"
                            + " | heap after GC MiB |\n|---|---:|---:|---:|---:|---:|---:|\n");
            sb.append(
                    f(
                            "| %s | %,d | %.1f | %.1f | %.1f | %,.0f | %,.0f |%n",
                            r.store(),
                            r.pods(),
                            r.stopSeconds(),
                            r.readySeconds(),
                            r.firstListSeconds(),
                            r.rssBytes() / 1048576.0,
                            r.heapAfterGcBytes() / 1048576.0));
        }
        if (storeBytes > 0) {
            sb.append(f("%nData dir at the end: %,.1f MB.%n", storeBytes / 1e6));
        }
        if (createProfile != null) {
            sb.append("\nServer profile during creation (JFR):\n\n")
                    .append(createProfile.markdown());
        }
        if (churnProfile != null) {
            sb.append("\nServer profile during churn (JFR):\n\n").append(churnProfile.markdown());
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String what, Latencies l, int unresolved) {
        Latencies.Summary s = l.summary();
        sb.append(
                f(
                        "| %s | %,d | %.0f | %.0f | %.0f | %d |%n",
                        what, s.count(), s.p50Millis(), s.p99Millis(), s.maxMillis(), unresolved));
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
