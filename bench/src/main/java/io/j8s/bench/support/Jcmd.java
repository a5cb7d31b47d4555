package io.j8s.bench.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks another JVM (the server under test) things through {@code jcmd}: a full GC and the heap used
 * after it, and JFR recordings. Stateless.
 */
public final class Jcmd {
    private static final Pattern HEAP_USED =
            Pattern.compile("(?m)^\\s*garbage-first heap\\s+total (\\d+)K, used (\\d+)K");

    private Jcmd() {}

    /** Runs a full GC in {@code pid}, then returns its heap use (G1) in bytes. */
    public static long heapUsedAfterGc(long pid) {
        run(pid, "GC.run");
        String info = run(pid, "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("unexpected GC.heap_info output (not G1?):\n" + info);
        }
        return Long.parseLong(m.group(2)) * 1024;
    }

    /** One line of a class histogram: live instances and their shallow size. */
    public record HistogramRow(String className, long instances, long bytes) {}

    /**
     * The {@code top} classes by shallow size of live objects ({@code GC.class_histogram}, after a
     * full GC).
     */
    public static List<HistogramRow> classHistogram(long pid, int top) {
        List<HistogramRow> rows = new ArrayList<>();
        Pattern line = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
        for (String l : run(pid, "GC.class_histogram").split("\n")) {
            Matcher m = line.matcher(l);
            if (m.find() && rows.size() < top) {
                rows.add(
                        new HistogramRow(
                                m.group(3),
                                Long.parseLong(m.group(1)),
                                Long.parseLong(m.group(2))));
            }
        }
        return rows;
    }

    /** Starts a JFR recording with the {@code profile} settings (10 ms CPU samples). */
    public static void startRecording(long pid, String name) {
        run(pid, "JFR.start", "name=" + name, "settings=profile");
    }

    /** Stops a recording and writes it to {@code file}. */
    public static void stopRecording(long pid, String name, Path file) {
        run(pid, "JFR.stop", "name=" + name, "filename=" + file.toAbsolutePath());
    }

    /**
     * Runs {@code jcmd <pid> <command> <args...>} and returns its output; fails on a non-zero exit.
     */
    public static String run(long pid, String command, String... args) {
        List<String> cmd = new ArrayList<>(List.of("jcmd", Long.toString(pid), command));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in 120 s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running jcmd", e);
        }
    }
}
