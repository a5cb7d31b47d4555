package io.j8s.bench.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the whole machine's CPU went for a while, from Linux {@code perf} ({@code perf record -e
 * cpu-clock -a}): the share of samples per thread name (threads of a pool grouped, e.g. {@code
 * j8s-proxy-io}) split into kernel and user space. Unlike a JFR profile it sees the kernel, where
 * loopback TCP costs most, and every process on the machine, the other engineers' included.
 * Immutable.
 */
public final class PerfProfile {
    private static final Pattern LINE =
            Pattern.compile("^\\s+([0-9.]+)%\\s+(.+?)\\s{2,}(\\S.*?)\\s*$");

    /** One thread group's share of all samples. */
    public record Row(String threads, double kernelPercent, double userPercent) {
        public double totalPercent() {
            return kernelPercent + userPercent;
        }
    }

    private final List<Row> rows;

    private PerfProfile(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    /** Whether {@code perf record} works here (installed, and allowed to sample the CPU clock). */
    public static boolean available() {
        try {
            Process p =
                    new ProcessBuilder("perf", "stat", "-e", "cpu-clock", "true")
                            .redirectErrorStream(true)
                            .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts recording every CPU for {@code duration} into {@code file}; {@link Recording#finish()}
     * waits for the end and reads the result.
     */
    public static Recording record(Path file, Duration duration) {
        try {
            Process p =
                    new ProcessBuilder(
                                    "perf",
                                    "record",
                                    "-q",
                                    "-e",
                                    "cpu-clock",
                                    "-F",
                                    "1000",
                                    "-a",
                                    "-o",
                                    file.toString(),
                                    "--",
                                    "sleep",
                                    Long.toString(duration.toSeconds()))
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            return new Recording(p, file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run perf: " + e.getMessage(), e);
        }
    }

    /** A running {@code perf record}. */
    public static final class Recording {
        private final Process process;
        private final Path file;

        private Recording(Process process, Path file) {
            this.process = process;
            this.file = file;
        }

        public PerfProfile finish() {
            try {
                if (!process.waitFor(5, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("perf record did not finish");
                }
                Process report =
                        new ProcessBuilder(
                                        "perf",
                                        "report",
                                        "-i",
                                        file.toString(),
                                        "--stdio",
                                        "--sort",
                                        "comm,dso",
                                        "--percent-limit",
                                        "0.3")
                                .redirectErrorStream(true)
                                .start();
                String text =
                        new String(report.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                report.waitFor(5, TimeUnit.MINUTES);
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".old"));
                return parse(text);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot read the perf recording: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Reads {@code perf report --stdio --sort comm,dso}. */
    static PerfProfile parse(String report) {
        Map<String, double[]> byGroup = new LinkedHashMap<>();
        for (String line : report.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            double pct = Double.parseDouble(m.group(1));
            String group = group(m.group(2).trim());
            boolean kernel = m.group(3).contains("[kernel");
            byGroup.computeIfAbsent(group, g -> new double[2])[kernel ? 0 : 1] += pct;
        }
        List<Row> rows = new ArrayList<>();
        byGroup.forEach((g, v) -> rows.add(new Row(g, v[0], v[1])));
        rows.sort(Comparator.comparingDouble(Row::totalPercent).reversed());
        return new PerfProfile(rows);
    }

    /**
     * {@code j8s-proxy-io-3-} and {@code j8s-node-netty-} become {@code j8s-proxy-io}, {@code
     * j8s-node-netty}.
     */
    static String group(String comm) {
        String g = comm.replaceAll("-+$", "");
        while (g.matches(".*[-#]\\d+$")) {
            g = g.replaceAll("[-#]\\d+$", "");
        }
        return g.isEmpty() ? comm : g;
    }

    public List<Row> rows() {
        return rows;
    }

    /** The top {@code top} thread groups as a Markdown table. */
    public String markdown(int top) {
        StringBuilder sb =
                new StringBuilder(
                        "| threads (all processes) | % of CPU samples | kernel | user |\n"
                                + "|---|---:|---:|---:|\n");
        double kernel = 0;
        double user = 0;
        for (Row r : rows) {
            kernel += r.kernelPercent();
            user += r.userPercent();
        }
        for (Row r : rows.subList(0, Math.min(top, rows.size()))) {
            sb.append(
                    String.format(
                            Locale.ROOT,
                            "| `%s` | %.1f | %.1f | %.1f |%n",
                            r.threads(),
                            r.totalPercent(),
                            r.kernelPercent(),
                            r.userPercent()));
        }
        sb.append(
                String.format(
                        Locale.ROOT,
                        "| all listed | %.1f | %.1f | %.1f |%n",
                        kernel + user,
                        kernel,
                        user));
        return sb.toString();
    }
}
