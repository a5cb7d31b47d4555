package io.j8s.node.metrics;

/**
 * Parsers of the {@code /proc} files the resource metrics are read from (see docs/architecture.md,
 * "Resource metrics"). Pure functions over the files' text, so they are tested against fixtures.
 */
public final class ProcFiles {

    /**
     * Clock ticks per second of the times in {@code /proc/stat} and {@code /proc/<pid>/stat}
     * ({@code USER_HZ}): fixed at 100 by the Linux ABI on x86 and arm, whatever the kernel's HZ.
     */
    public static final long USER_HZ = 100;

    private ProcFiles() {}

    /** What one {@code /proc/<pid>/stat} says that the metrics use. */
    public record PidStat(long session, long cpuTicks) {}

    /**
     * The busy time of all CPUs in {@code /proc/stat}, in clock ticks: user + nice + system + irq +
     * softirq + steal of the {@code cpu} line (guest time is part of user already; idle and iowait
     * are not busy).
     *
     * @throws IllegalArgumentException when the text has no well-formed {@code cpu} line
     */
    public static long busyTicks(String procStat) {
        for (String line : procStat.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 8) {
                    throw new IllegalArgumentException(
                            "the cpu line of /proc/stat has " + (f.length - 1) + " fields");
                }
                long busy = 0;
                // user nice system idle iowait irq softirq [steal ...]
                int[] busyFields = {1, 2, 3, 6, 7, 8};
                for (int i : busyFields) {
                    if (i < f.length) {
                        busy += Long.parseLong(f[i]);
                    }
                }
                return busy;
            }
        }
        throw new IllegalArgumentException("/proc/stat has no cpu line");
    }

    /**
     * The node's working set from {@code /proc/meminfo}, in bytes: MemTotal − MemAvailable (the
     * memory the kernel could not hand out without swapping; cadvisor's figure, usage − inactive
     * file pages of the root cgroup, is close to it).
     *
     * @throws IllegalArgumentException when MemTotal or MemAvailable is missing
     */
    public static long workingSetBytes(String meminfo) {
        long total = -1;
        long available = -1;
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                total = kibibytes(line);
            } else if (line.startsWith("MemAvailable:")) {
                available = kibibytes(line);
            }
        }
        if (total < 0 || available < 0) {
            throw new IllegalArgumentException("/proc/meminfo has no MemTotal or MemAvailable");
        }
        return Math.max(0, total - available) * 1024;
    }

    /**
     * The session and the CPU time (utime + stime + cutime + cstime: the process's own and that of
     * the children it waited for) of one {@code /proc/<pid>/stat}. The command name may hold spaces
     * and parentheses, so fields are counted from the last {@code )}.
     *
     * @throws IllegalArgumentException when the text is not a stat line
     */
    public static PidStat pidStat(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0 || close + 2 > stat.length()) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line");
        }
        // After ") ": field 3 (state) is index 0, so field k is index k - 3.
        String[] f = stat.substring(close + 2).trim().split(" ");
        if (f.length < 15) {
            throw new IllegalArgumentException(
                    "a /proc/<pid>/stat line with " + (f.length + 2) + " fields");
        }
        long session = Long.parseLong(f[6 - 3]);
        long ticks =
                Long.parseLong(f[14 - 3])
                        + Long.parseLong(f[15 - 3])
                        + Long.parseLong(f[16 - 3])
                        + Long.parseLong(f[17 - 3]);
        return new PidStat(session, ticks);
    }

    /**
     * The resident set ({@code VmRSS}) of one {@code /proc/<pid>/status}, in bytes; 0 for a kernel
     * thread or zombie.
     */
    public static long rssBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return kibibytes(line) * 1024;
            }
        }
        return 0;
    }

    private static long kibibytes(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 2) {
            throw new IllegalArgumentException("malformed line: " + line);
        }
        long value = Long.parseLong(f[1]);
        if (f.length >= 3 && !f[2].equals("kB")) {
            throw new IllegalArgumentException("unexpected unit in: " + line);
        }
        return value;
    }
}
