package io.j8s.bench.reliability;

import io.j8s.bench.support.Latencies;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a reliability run measured, per store, and its Markdown rendering. Filled in by the
 * benchmark as it goes.
 */
public final class ReliabilityResults {
    /** The four phases against one store. */
    public record StoreRun(
            String store,
            double startupSeconds,
            KillWrites.Outcome kill,
            CounterContention.Outcome counter,
            WatchConsistency.Outcome watch,
            StalledWatcher.Outcome stall,
            double loadBefore,
            double loadAfter) {}

    String machine;
    String command;
    String date;
    String commit;
    String describe;
    final List<StoreRun> runs = new ArrayList<>();

    public List<StoreRun> runs() {
        return List.copyOf(runs);
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Run `")
                .append(date)
                .append("`, commit `")
                .append(commit)
                .append("`, `")
                .append(command)
                .append("`\n\n");
        md.append("Machine: ").append(machine).append(".\n\n");
        md.append("Sizes: ").append(describe).append(".\n\n");

        if (runs.stream().anyMatch(r -> r.kill() != null)) {
            md.append("kill -9 under writes:\n\n");
            md.append(
                    "| store | writers | ConfigMaps | kills | acknowledged | found after | lost"
                            + " | failed attempts (retried) | creates landed unanswered | unexpected answers"
                            + " | resourceVersions gone back | s |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (StoreRun r : runs) {
                if (r.kill() == null) {
                    continue;
                }
                KillWrites.Outcome k = r.kill();
                md.append(
                        f(
                                "| %s | %d | %d | %d | %,d | %,d | %,d | %,d | %,d | %,d | %d | %.1f |\n",
                                r.store(),
                                k.writers(),
                                k.writers() * k.objects(),
                                k.kills().size(),
                                k.acknowledged(),
                                k.found(),
                                k.lost(),
                                k.failedAttempts(),
                                k.createsFoundAfterFailure(),
                                k.unexpected(),
                                k.rvWentBack(),
                                k.seconds()));
            }
            md.append(
                    "\n| store | kill | at s | SIGKILL → `/readyz` s | acknowledged before"
                            + " | newest rv acknowledged before | list rv after restart | oldest rv acknowledged after |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
            for (StoreRun r : runs) {
                if (r.kill() == null) {
                    continue;
                }
                int i = 1;
                for (KillWrites.Kill k : r.kill().kills()) {
                    md.append(
                            f(
                                    "| %s | %d | %.1f | %.2f | %,d | %d | %d | %d |\n",
                                    r.store(),
                                    i++,
                                    k.atSeconds(),
                                    k.downSeconds(),
                                    k.acknowledgedBefore(),
                                    k.maxAckedBefore(),
                                    k.listRvAfter(),
                                    k.minAckedAfter()));
                }
            }
            for (StoreRun r : runs) {
                if (r.kill() == null) {
                    continue;
                }
                for (String s : r.kill().unexpectedSamples()) {
                    md.append("\n")
                            .append(r.store())
                            .append(", unexpected answer: `")
                            .append(trim(s))
                            .append("`\n");
                }
            }
        }
        if (runs.stream().anyMatch(r -> r.counter() != null)) {
            md.append(
                    "\nOne counter, optimistic concurrency (GET, increment, PUT with the read resourceVersion,"
                            + " retry on 409):\n\n");
            md.append(
                    "| store | writers | increments each | expected | final count | successful PUTs | 409s"
                            + " | other errors | s | increments/s | increment p50 ms | p99 ms |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (StoreRun r : runs) {
                if (r.counter() == null) {
                    continue;
                }
                CounterContention.Outcome c = r.counter();
                md.append(
                        f(
                                "| %s | %d | %d | %,d | %,d | %,d | %,d | %d | %.1f | %.0f | %.1f | %.1f |\n",
                                r.store(),
                                c.writers(),
                                c.increments(),
                                c.expected(),
                                c.finalCount(),
                                c.successes(),
                                c.conflicts(),
                                c.errors(),
                                c.seconds(),
                                c.successes() / c.seconds(),
                                c.success().p50Millis(),
                                c.success().p99Millis()));
            }
            for (StoreRun r : runs) {
                if (r.counter() == null) {
                    continue;
                }
                for (String s : r.counter().errorSamples()) {
                    md.append("\n")
                            .append(r.store())
                            .append(", error: `")
                            .append(trim(s))
                            .append("`\n");
                }
            }
        }
        if (runs.stream().anyMatch(r -> r.watch() != null)) {
            md.append("\nWatchers from one resourceVersion under updates:\n\n");
            md.append(
                    "| store | watchers | updates acknowledged | failed | updates/s | deliveries | gaps | duplicates"
                            + " | out of order | unexpected | watches ended | lag p50 ms | p99 ms | max ms | open all s"
                            + " | last delivered after s |\n");
            md.append(
                    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (StoreRun r : runs) {
                if (r.watch() == null) {
                    continue;
                }
                WatchConsistency.Outcome w = r.watch();
                Latencies.Summary lag = w.lag();
                md.append(
                        f(
                                "| %s | %d | %,d | %d | %.0f | %,d | %,d | %,d | %,d | %,d | %d | %.1f | %.1f | %.1f | %.1f"
                                        + " | %.1f |\n",
                                r.store(),
                                w.watchers(),
                                w.acknowledged(),
                                w.failedWrites(),
                                w.writeRate(),
                                w.deliveries(),
                                w.gaps(),
                                w.duplicates(),
                                w.outOfOrder(),
                                w.unexpected(),
                                w.ended(),
                                lag.p50Millis(),
                                lag.p99Millis(),
                                lag.maxMillis(),
                                w.openSeconds(),
                                w.drainSeconds()));
            }
        }
        if (runs.stream().anyMatch(r -> r.stall() != null)) {
            md.append("\nA watcher that never reads, under large writes:\n\n");
            md.append(
                    "| store | object KiB | writes | MiB written | write s | cut off | seen after s"
                            + " | writes (MiB) by then | heap before MiB | peak heap in use MiB | heap at end (open) MiB"
                            + " | heap after close MiB | bytes buffered for the client | connection |\n");
            md.append("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for (StoreRun r : runs) {
                if (r.stall() == null) {
                    continue;
                }
                StalledWatcher.Outcome s = r.stall();
                md.append(
                        f(
                                "| %s | %d | %,d | %.0f | %.1f | %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %,d | %s |\n",
                                r.store(),
                                s.objectBytes() / 1024,
                                s.writes(),
                                s.mebibytesWritten(),
                                s.writeSeconds(),
                                s.cutOff() ? "yes" : "no",
                                s.cutOff() ? f("%.1f", s.cutOffSeconds()) : "–",
                                s.cutOff()
                                        ? f("%,d (%.0f)", s.writesAtCutOff(), s.mebibytesAtCutOff())
                                        : "–",
                                mib(s.heapBeforeBytes()),
                                mib(s.heapPeakBytes()),
                                mib(s.heapAtEndBytes()),
                                mib(s.heapAfterBytes()),
                                s.bufferedBytes(),
                                s.connectionEnd()));
            }
            for (StoreRun r : runs) {
                if (r.stall() == null) {
                    continue;
                }
                if (r.stall().logLine() != null) {
                    md.append("\n")
                            .append(r.store())
                            .append(", the server's log line:\n\n```\n")
                            .append(r.stall().logLine().strip())
                            .append("\n```\n");
                }
            }
        }
        md.append("\n| store | server start s | load average before → after |\n|---|---:|---|\n");
        for (StoreRun r : runs) {
            md.append(
                    f(
                            "| %s | %.2f | %.1f → %.1f |\n",
                            r.store(), r.startupSeconds(), r.loadBefore(), r.loadAfter()));
        }
        return md.toString();
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    private static String trim(String s) {
        String one = s.replace('\n', ' ').replace('`', '\'');
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
