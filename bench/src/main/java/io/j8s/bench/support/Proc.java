package io.j8s.bench.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux says about processes and the machine ({@code /proc}), and other small facts the
 * benchmarks record beside their figures. Stateless.
 */
public final class Proc {
    /** {@code /proc/<pid>/stat} counts CPU time in clock ticks; 100 per second on Linux/x86. */
    private static final double TICKS_PER_SECOND = 100.0;

    private Proc() {}

    /** User plus system CPU seconds the process has used so far. */
    public static double cpuSeconds(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) is in parentheses and may contain spaces; count after it.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    /** CPU seconds of this JVM (the benchmark's own load on the shared machine). */
    public static double ownCpuSeconds() {
        return cpuSeconds(ProcessHandle.current().pid());
    }

    /** Resident set size in bytes ({@code VmRSS}). */
    public static long rssBytes(long pid) {
        for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for pid " + pid);
    }

    /** The 1-minute load average. */
    public static double loadAverage() {
        return Double.parseDouble(read(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    /** e.g. {@code 2 vCPUs (AMD EPYC), 23.4 GiB RAM, JDK 17.0.15}. */
    public static String machine() {
        String model = "unknown CPU";
        for (String line : read(Path.of("/proc/cpuinfo")).split("\n")) {
            if (line.startsWith("model name")) {
                model = line.substring(line.indexOf(':') + 1).trim();
                break;
            }
        }
        long memKb = 0;
        for (String line : read(Path.of("/proc/meminfo")).split("\n")) {
            if (line.startsWith("MemTotal:")) {
                memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return String.format(
                java.util.Locale.ROOT,
                "%d vCPUs (%s), %.1f GiB RAM, JDK %s",
                Runtime.getRuntime().availableProcessors(),
                model,
                memKb / 1024.0 / 1024.0,
                System.getProperty("java.version"));
    }

    /** The JVM options this process was started with (to record how the benchmark ran). */
    public static List<String> ownJvmOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments();
    }

    /** A TCP port free on 127.0.0.1 right now. */
    public static int freePort() {
        try (ServerSocket socket =
                new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }
}
