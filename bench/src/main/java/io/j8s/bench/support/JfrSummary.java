package io.j8s.bench.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM's CPU went, from the execution samples of a JFR recording (Java code only: time in
 * the kernel or in native code is sampled only when a Java frame is on top): samples per thread
 * group (the thread name without its trailing numbers), the hottest methods by self samples, and
 * the hottest j8s methods by inclusive samples (the innermost {@code io.j8s} frame of each stack,
 * i.e. which j8s code the time was spent under).
 */
public final class JfrSummary {
    private final long samples;
    private final List<Row> threadGroups;
    private final List<Row> selfMethods;
    private final List<Row> j8sMethods;

    /** One line of a ranking. */
    public record Row(String name, long samples, double percent) {}

    private JfrSummary(
            long samples, List<Row> threadGroups, List<Row> selfMethods, List<Row> j8sMethods) {
        this.samples = samples;
        this.threadGroups = threadGroups;
        this.selfMethods = selfMethods;
        this.j8sMethods = j8sMethods;
    }

    /**
     * Reads the recording's {@code jdk.ExecutionSample} events of the threads {@code threads}
     * accepts (by name), and keeps the top {@code top} of each ranking.
     */
    public static JfrSummary read(Path recording, Predicate<String> threads, int top) {
        Map<String, Long> groups = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> j8s = new HashMap<>();
        long total = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedThread thread = e.getThread("sampledThread");
                String threadName =
                        thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
                if (!threads.test(threadName)) {
                    continue;
                }
                total++;
                groups.merge(threadGroup(threadName), 1L, Long::sum);
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> frames = stack.getFrames();
                self.merge(method(frames.get(0)), 1L, Long::sum);
                for (RecordedFrame f : frames) {
                    if (f.isJavaFrame()
                            && f.getMethod().getType().getName().startsWith("io.j8s.")) {
                        j8s.merge(method(f), 1L, Long::sum);
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JFR recording " + recording, e);
        }
        return new JfrSummary(
                total, rank(groups, total, top), rank(self, total, top), rank(j8s, total, top));
    }

    /**
     * Prints the summary of a recording: {@code JfrSummary <file.jfr> [thread-name-prefix] [top]}.
     */
    public static void main(String[] args) {
        String prefix = args.length > 1 ? args[1] : "";
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        System.out.println(read(Path.of(args[0]), t -> t.startsWith(prefix), top).markdown());
    }

    public long samples() {
        return samples;
    }

    public List<Row> threadGroups() {
        return threadGroups;
    }

    public List<Row> selfMethods() {
        return selfMethods;
    }

    public List<Row> j8sMethods() {
        return j8sMethods;
    }

    /** The three rankings as Markdown tables. */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%,d CPU samples.%n%n", samples));
        table(sb, "thread group", threadGroups);
        sb.append('\n');
        table(sb, "method (self)", selfMethods);
        sb.append('\n');
        table(sb, "innermost j8s method (inclusive)", j8sMethods);
        return sb.toString();
    }

    private static void table(StringBuilder sb, String title, List<Row> rows) {
        sb.append("| ").append(title).append(" | samples | % |\n|---|---:|---:|\n");
        for (Row r : rows) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| `%s` | %,d | %.1f |%n",
                            r.name(),
                            r.samples(),
                            r.percent()));
        }
    }

    /**
     * {@code j8s-api-worker-12} and {@code j8s-proxy-io-3-1} become {@code j8s-api-worker}, {@code
     * j8s-proxy-io}.
     */
    static String threadGroup(String threadName) {
        String g = threadName;
        while (g.matches(".*[-#]\\d+$")) {
            g = g.replaceAll("[-#]\\d+$", "");
        }
        return g;
    }

    private static String method(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static List<Row> rank(Map<String, Long> counts, long total, int top) {
        List<Row> rows = new ArrayList<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(top)
                .forEach(
                        e ->
                                rows.add(
                                        new Row(
                                                e.getKey(),
                                                e.getValue(),
                                                total == 0 ? 0 : 100.0 * e.getValue() / total)));
        return List.copyOf(rows);
    }
}
