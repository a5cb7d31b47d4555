package io.j8s.bench.store;

import java.util.List;
import java.util.Locale;

/** What a run measured, and its Markdown rendering. */
public final class Results {
    /**
     * One write phase.
     *
     * @param writesPerSecond acknowledged writes per second over the measured phase
     * @param p50Millis write latency (call to acknowledgment), median
     * @param watchP50Millis write issued to event received by a watch listener, median
     */
    public record Write(
            String backend,
            int writers,
            long writes,
            double seconds,
            double writesPerSecond,
            double p50Millis,
            double p99Millis,
            double watchP50Millis,
            double watchP99Millis,
            long watchEvents) {}

    /** One list phase: the keys loaded, then listed page by page (500 per page, one revision). */
    public record ListPhase(
            String backend,
            int keys,
            int valueBytes,
            double loadSeconds,
            double listSeconds,
            double countMillis) {}

    private Results() {}

    static String markdown(List<Write> writes, List<ListPhase> lists) {
        StringBuilder sb = new StringBuilder();
        sb.append(
                "| backend | writers | writes/s | p50 ms | p99 ms | watch p50 ms | watch p99 ms | writes measured |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Write w : writes) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %d | %,.0f | %.2f | %.2f | %.2f | %.2f | %,d |%n",
                            w.backend(),
                            w.writers(),
                            w.writesPerSecond(),
                            w.p50Millis(),
                            w.p99Millis(),
                            w.watchP50Millis(),
                            w.watchP99Millis(),
                            w.writes()));
        }
        if (!lists.isEmpty()) {
            sb.append(
                    "\n| backend | keys | value bytes | load s | list all (500/page) s | count ms |\n");
            sb.append("|---|---:|---:|---:|---:|---:|\n");
            for (ListPhase l : lists) {
                sb.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %,d | %,d | %.1f | %.2f | %.1f |%n",
                                l.backend(),
                                l.keys(),
                                l.valueBytes(),
                                l.loadSeconds(),
                                l.listSeconds(),
                                l.countMillis()));
            }
        }
        return sb.toString();
    }
}
