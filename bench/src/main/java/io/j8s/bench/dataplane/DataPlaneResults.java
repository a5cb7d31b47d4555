package io.j8s.bench.dataplane;

import io.j8s.bench.support.JfrSummary;
import io.j8s.bench.support.PerfProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a data-plane run measured, and its Markdown rendering. Filled in by the benchmark as it
 * goes.
 */
public final class DataPlaneResults {
    /** How wrk uses its connections. */
    public enum Mode {
        KEEP_ALIVE("keep-alive"),
        NEW_CONNECTION("new connection per request");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** The three ways to the same backends. */
    public enum Target {
        DIRECT("direct to one Pod"),
        J8S("j8s proxy (ClusterIP)"),
        HAPROXY("HAProxy, TCP, 1 thread");

        final String label;

        Target(String label) {
            this.label = label;
        }
    }

    /**
     * One measured wrk run, with the CPU the server JVM (proxy and backends) and HAProxy used
     * meanwhile.
     */
    public record Run(
            Mode mode,
            Target target,
            int round,
            Wrk.Result wrk,
            double serverCpuSeconds,
            double haproxyCpuSeconds,
            double loadAverage) {}

    String date;
    String machine;
    String command;
    String versions;
    String describe;
    final List<Run> runs = new ArrayList<>();
    final Map<Mode, JfrSummary> profiles = new TreeMap<>();
    final Map<Mode, Map<Target, PerfProfile>> perf = new TreeMap<>();

    public List<Run> runs() {
        return List.copyOf(runs);
    }

    /** The median requests/s of a target over the rounds. */
    public double medianRate(Mode mode, Target target) {
        return median(
                runs.stream()
                        .filter(r -> r.mode() == mode && r.target() == target)
                        .mapToDouble(r -> r.wrk().requestsPerSecond())
                        .toArray());
    }

    /** The median over rounds of the ratio of two targets' requests/s within each round. */
    public double medianRatio(Mode mode, Target a, Target b) {
        return median(roundRatios(mode, a, b));
    }

    private double[] roundRatios(Mode mode, Target a, Target b) {
        return runs.stream()
                .filter(r -> r.mode() == mode && r.target() == a)
                .mapToDouble(
                        ra -> {
                            Run rb =
                                    runs.stream()
                                            .filter(
                                                    r ->
                                                            r.mode() == mode
                                                                    && r.target() == b
                                                                    && r.round() == ra.round())
                                            .findFirst()
                                            .orElseThrow();
                            return ra.wrk().requestsPerSecond() / rb.wrk().requestsPerSecond();
                        })
                .toArray();
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("Run: ").append(date).append("; ").append(describe).append('\n');
        sb.append("Machine: ").append(machine).append("; ").append(versions).append('\n');
        sb.append("Command: `").append(command).append("`\n\n");
        sb.append(
                "| mode | target | req/s (median) | req/s per round | p50 ms | p90 ms | p99 ms | server CPU ms / 1k req"
                        + " | HAProxy CPU ms / 1k req | errors | load |\n");
        sb.append("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Mode mode : Mode.values()) {
            for (Target target : Target.values()) {
                List<Run> rs =
                        runs.stream()
                                .filter(r -> r.mode() == mode && r.target() == target)
                                .toList();
                if (rs.isEmpty()) {
                    continue;
                }
                Run mid =
                        rs.stream()
                                .sorted(
                                        (x, y) ->
                                                Double.compare(
                                                        x.wrk().requestsPerSecond(),
                                                        y.wrk().requestsPerSecond()))
                                .toList()
                                .get(rs.size() / 2);
                long requests = rs.stream().mapToLong(r -> r.wrk().requests()).sum();
                double serverCpu = rs.stream().mapToDouble(Run::serverCpuSeconds).sum();
                double haproxyCpu = rs.stream().mapToDouble(Run::haproxyCpuSeconds).sum();
                String perRound =
                        String.join(
                                " / ",
                                rs.stream()
                                        .map(
                                                r ->
                                                        String.format(
                                                                Locale.ROOT,
                                                                "%,.0f",
                                                                r.wrk().requestsPerSecond()))
                                        .toList());
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %s | %,.0f | %s | %.2f | %.2f | %.2f | %.0f | %.0f | %d | %.1f |%n",
                                mode.label,
                                target.label,
                                medianRate(mode, target),
                                perRound,
                                mid.wrk().p50Millis(),
                                mid.wrk().p90Millis(),
                                mid.wrk().p99Millis(),
                                1e6 * serverCpu / requests,
                                1e6 * haproxyCpu / requests,
                                rs.stream().mapToLong(r -> r.wrk().errors()).sum(),
                                rs.stream().mapToDouble(Run::loadAverage).max().orElse(0)));
            }
        }
        sb.append(
                "\n| mode | j8s / HAProxy | j8s / direct | HAProxy / direct |\n|---|---:|---:|---:|\n");
        for (Mode mode : Mode.values()) {
            if (runs.stream().noneMatch(r -> r.mode() == mode)) {
                continue;
            }
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %.2f | %.2f | %.2f |%n",
                            mode.label,
                            medianRatio(mode, Target.J8S, Target.HAPROXY),
                            medianRatio(mode, Target.J8S, Target.DIRECT),
                            medianRatio(mode, Target.HAPROXY, Target.DIRECT)));
        }
        sb.append(
                "\n(Percentiles are those of the median round; ratios are the median of the per-round ratios.)\n");
        for (var e : perf.entrySet()) {
            sb.append("\nWhole machine (perf, cpu-clock, every process), ")
                    .append(e.getKey().label)
                    .append(": % of samples, kernel + user\n\n")
                    .append(perfTable(e.getValue(), 10));
        }
        for (var e : profiles.entrySet()) {
            sb.append("\nServer JVM profile, wrk through the j8s proxy, ")
                    .append(e.getKey().label)
                    .append(" (JFR):\n\n")
                    .append(e.getValue().markdown());
        }
        return sb.toString();
    }

    /** One row per thread group among the top {@code top} of any target; one column per target. */
    private static String perfTable(Map<Target, PerfProfile> byTarget, int top) {
        LinkedHashSet<String> groups = new java.util.LinkedHashSet<>();
        for (PerfProfile p : byTarget.values()) {
            p.rows().stream().limit(top).forEach(r -> groups.add(r.threads()));
        }
        StringBuilder sb = new StringBuilder("| threads |");
        byTarget.keySet().forEach(t -> sb.append(' ').append(t.label).append(" |"));
        sb.append("\n|---|").append("---:|".repeat(byTarget.size())).append('\n');
        for (String g : groups) {
            sb.append("| `").append(g).append("` |");
            for (PerfProfile p : byTarget.values()) {
                PerfProfile.Row r =
                        p.rows().stream()
                                .filter(x -> x.threads().equals(g))
                                .findFirst()
                                .orElse(null);
                sb.append(
                        r == null
                                ? " - |"
                                : String.format(
                                        Locale.ROOT,
                                        " %.1f (%.1f + %.1f) |",
                                        r.totalPercent(),
                                        r.kernelPercent(),
                                        r.userPercent()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
