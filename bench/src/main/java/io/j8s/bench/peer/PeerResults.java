package io.j8s.bench.peer;

import io.j8s.bench.support.JfrSummary;
import io.j8s.bench.support.Latencies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a peer benchmark run measured: per round, target and phase the calls, rate, latencies and
 * errors; the watch delivery; the ratios j8s/mock; the j8s server's create-phase profile when
 * recorded. {@link #markdown()} is the report.
 */
public final class PeerResults {
    /** The mock's and j8s's names in the rows. */
    public static final String MOCK = "mock";

    public static final String J8S = "j8s";

    /** One phase of one target in one round. */
    public record Row(
            int round,
            String target,
            String phase,
            int calls,
            double seconds,
            long objects,
            Latencies.Summary latency,
            int errors) {
        public double callsPerSecond() {
            return calls / seconds;
        }

        public double objectsPerSecond() {
            return objects / seconds;
        }
    }

    /** The watcher's figures of one target in one round. */
    public record Watch(int round, String target, Latencies.Summary latency, int missing) {}

    private final String command;
    private final String machine;
    private final PeerConfig config;
    private final Map<String, String> targets = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<Watch> watches = new ArrayList<>();
    private final List<String> firstErrors = new ArrayList<>();
    private double loadBefore;
    private double loadAfter;
    private JfrSummary profile;

    PeerResults(String command, String machine, PeerConfig config) {
        this.command = command;
        this.machine = machine;
        this.config = config;
    }

    void describeTarget(String target, String description) {
        targets.put(target, description);
    }

    void add(int round, String target, PeerWorkload.Outcome outcome, String firstError) {
        for (PeerWorkload.Phase p : outcome.phases()) {
            rows.add(
                    new Row(
                            round,
                            target,
                            p.name(),
                            p.calls(),
                            p.seconds(),
                            p.objects(),
                            p.latencies().summary(),
                            p.errors()));
        }
        if (outcome.watch() != null) {
            watches.add(
                    new Watch(
                            round,
                            target,
                            outcome.watch().latencies().summary(),
                            outcome.watch().missing()));
        }
        if (firstError != null) {
            firstErrors.add("round " + round + ", " + target + ": " + firstError);
        }
    }

    void load(double before, double after) {
        this.loadBefore = before;
        this.loadAfter = after;
    }

    void profile(JfrSummary summary) {
        this.profile = summary;
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public List<Watch> watches() {
        return List.copyOf(watches);
    }

    public JfrSummary profile() {
        return profile;
    }

    /** The row of {@code target}'s {@code phase} in {@code round}. */
    public Row row(int round, String target, String phase) {
        return rows.stream()
                .filter(
                        r ->
                                r.round() == round
                                        && r.target().equals(target)
                                        && r.phase().equals(phase))
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "no row for round "
                                                + round
                                                + ", "
                                                + target
                                                + ", "
                                                + phase));
    }

    /** The report: how it ran, the phases' table, the ratios, the watch, the profile. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("Command: `").append(command).append("`\n\n");
        sb.append(machine).append(". ").append(config.describe()).append(".\n");
        sb.append(
                String.format(
                        Locale.ROOT,
                        "Load average (1 min) before: %.2f; after: %.2f.%n%n",
                        loadBefore,
                        loadAfter));
        targets.forEach((t, d) -> sb.append("- ").append(t).append(": ").append(d).append('\n'));
        sb.append('\n');
        sb.append(
                "| round | target | phase | calls | s | calls/s | Pods/s | p50 ms | p99 ms | max ms"
                        + " | errors |\n");
        sb.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %d | %s | %s | %,d | %.2f | %,.0f | %,.0f | %.1f | %.1f | %.1f | %d |%n",
                            r.round(),
                            r.target(),
                            r.phase(),
                            r.calls(),
                            r.seconds(),
                            r.callsPerSecond(),
                            r.objectsPerSecond(),
                            r.latency().p50Millis(),
                            r.latency().p99Millis(),
                            r.latency().maxMillis(),
                            r.errors()));
        }
        sb.append("\nj8s against the mock (Pods/s ratio: above 1 is j8s faster; p99 ratio: below 1")
                .append(" is j8s faster):\n\n");
        sb.append("| round | phase | Pods/s j8s/mock | p99 j8s/mock |\n|---:|---|---:|---:|\n");
        for (Row m : rows) {
            if (!m.target().equals(MOCK)) {
                continue;
            }
            Row j =
                    rows.stream()
                            .filter(
                                    r ->
                                            r.round() == m.round()
                                                    && r.target().equals(J8S)
                                                    && r.phase().equals(m.phase()))
                            .findFirst()
                            .orElse(null);
            if (j == null) {
                continue;
            }
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %d | %s | %.2f× | %.2f× |%n",
                            m.round(),
                            m.phase(),
                            j.objectsPerSecond() / m.objectsPerSecond(),
                            j.latency().p99Millis() / m.latency().p99Millis()));
        }
        if (!watches.isEmpty()) {
            sb.append("\nOne watcher of the namespace: create answered to ADDED seen")
                    .append(" (0 when the event came first).\n\n");
            sb.append(
                    "| round | target | events | missing | p50 ms | p99 ms | max ms |\n"
                            + "|---:|---|---:|---:|---:|---:|---:|\n");
            for (Watch w : watches) {
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "| %d | %s | %,d | %d | %.1f | %.1f | %.1f |%n",
                                w.round(),
                                w.target(),
                                w.latency().count(),
                                w.missing(),
                                w.latency().p50Millis(),
                                w.latency().p99Millis(),
                                w.latency().maxMillis()));
            }
        }
        if (!firstErrors.isEmpty()) {
            sb.append("\nFirst failed call of each target:\n\n");
            firstErrors.forEach(e -> sb.append("- ").append(e).append('\n'));
        }
        if (profile != null) {
            sb.append("\nThe j8s server's CPU during the creates (JFR, last round):\n\n");
            sb.append(profile.markdown());
        }
        return sb.toString();
    }
}
