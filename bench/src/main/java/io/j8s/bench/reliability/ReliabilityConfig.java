package io.j8s.bench.reliability;

import io.j8s.bench.support.Option;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one reliability benchmark run does. Immutable; {@link #parse} applies {@code --name=value}
 * options over the documented defaults ({@code --preset=smoke}: seconds, for the test suite).
 *
 * @param stores {@code sqlite} and/or {@code etcd}, measured one after the other, each with its own
 *     server
 * @param phases which phases run, in this order: {@code kill}, {@code counter}, {@code watch},
 *     {@code stall}
 * @param killWriters writer threads creating and updating ConfigMaps while the server is killed
 * @param kills how many times the server is killed with SIGKILL and started again
 * @param killSeconds how long the writers write before each kill (and after the last restart)
 * @param killObjects ConfigMaps per writer (each writer creates its own, then updates them in turn)
 * @param counterWriters writers incrementing the one counter ConfigMap (read, increment, update
 *     with the read resourceVersion)
 * @param counterIncrements successful increments each counter writer makes
 * @param watchers watches opened from the same resourceVersion
 * @param watchUpdates updates the watchers must all see
 * @param watchRate updates per second (paced; 0: as fast as the writers go)
 * @param watchObjects ConfigMaps the updates go to, in turn
 * @param stallObjectBytes size of each large ConfigMap's data, written while a watcher does not
 *     read
 * @param stallWrites the most large writes
 * @param stallAfterCutoff large writes still made after the server ended the watch (then the phase
 *     stops)
 * @param serverHeap the server JVM's {@code -Xmx}
 * @param workDir where data dirs and logs go (deleted afterwards unless {@code keep})
 */
public record ReliabilityConfig(
        List<String> stores,
        List<String> phases,
        int killWriters,
        int kills,
        int killSeconds,
        int killObjects,
        int counterWriters,
        int counterIncrements,
        int watchers,
        int watchUpdates,
        int watchRate,
        int watchObjects,
        int stallObjectBytes,
        int stallWrites,
        int stallAfterCutoff,
        String serverHeap,
        Path workDir,
        boolean keep) {

    public ReliabilityConfig {
        stores = List.copyOf(stores);
        phases = List.copyOf(phases);
        for (String p : phases) {
            if (!PHASES.contains(p)) {
                throw new IllegalArgumentException("phases are " + PHASES + " but got " + p);
            }
        }
        for (String s : stores) {
            if (!s.equals("sqlite") && !s.equals("etcd")) {
                throw new IllegalArgumentException("stores are sqlite or etcd but got " + s);
            }
        }
        if (killWriters < 1
                || killObjects < 1
                || counterWriters < 1
                || counterIncrements < 1
                || watchers < 1
                || watchUpdates < 1
                || watchObjects < 1
                || stallWrites < 1
                || stallObjectBytes < 1) {
            throw new IllegalArgumentException("counts and sizes must be at least 1");
        }
    }

    /** Every phase, in the order they run. */
    public static final List<String> PHASES = List.of("kill", "counter", "watch", "stall");

    /** The documented run: both stores, a few minutes each. */
    public static ReliabilityConfig defaults(Path workDir) {
        return new ReliabilityConfig(
                List.of("sqlite", "etcd"),
                PHASES,
                16,
                3,
                5,
                20,
                50,
                20,
                200,
                5_000,
                200,
                10,
                100 * 1024,
                20_000,
                500,
                "1g",
                workDir,
                false);
    }

    /**
     * Tiny sizes for the test suite: one store, one kill, seconds per phase; the stalled watcher
     * gets 512 KiB objects, so that the server's 16 MiB bound on its queue is crossed in few
     * writes.
     */
    public static ReliabilityConfig smoke(Path workDir) {
        return new ReliabilityConfig(
                List.of("sqlite"),
                PHASES,
                4,
                1,
                2,
                5,
                5,
                4,
                5,
                100,
                0,
                3,
                512 * 1024,
                200,
                5,
                "512m",
                workDir,
                false);
    }

    /**
     * Parses {@code --name=value} arguments over the defaults (or the smoke preset with {@code
     * --preset=smoke}).
     */
    public static ReliabilityConfig parse(String[] args, Path defaultWorkDir) {
        ReliabilityConfig c = defaults(defaultWorkDir);
        for (String arg : args) {
            if (arg.equals("--preset=smoke")) {
                c = smoke(defaultWorkDir);
            }
        }
        List<String> stores = c.stores;
        List<String> phases = c.phases;
        int killWriters = c.killWriters;
        int kills = c.kills;
        int killSeconds = c.killSeconds;
        int killObjects = c.killObjects;
        int counterWriters = c.counterWriters;
        int counterIncrements = c.counterIncrements;
        int watchers = c.watchers;
        int watchUpdates = c.watchUpdates;
        int watchRate = c.watchRate;
        int watchObjects = c.watchObjects;
        int stallObjectBytes = c.stallObjectBytes;
        int stallWrites = c.stallWrites;
        int stallAfterCutoff = c.stallAfterCutoff;
        String heap = c.serverHeap;
        Path workDir = c.workDir;
        boolean keep = c.keep;
        for (Option o : Option.parse(args)) {
            String v = o.value();
            switch (o.name()) {
                case "preset" -> {
                    if (!v.equals("smoke") && !v.equals("default")) {
                        throw new IllegalArgumentException(
                                "preset must be default or smoke but was " + v);
                    }
                }
                case "store", "stores" ->
                        stores =
                                Arrays.stream(v.split(","))
                                        .map(String::trim)
                                        .filter(s -> !s.isEmpty())
                                        .toList();
                case "phases" ->
                        phases =
                                Arrays.stream(v.split(","))
                                        .map(String::trim)
                                        .filter(s -> !s.isEmpty())
                                        .toList();
                case "kill-writers" -> killWriters = Integer.parseInt(v);
                case "kills" -> kills = Integer.parseInt(v);
                case "kill-seconds" -> killSeconds = Integer.parseInt(v);
                case "kill-objects" -> killObjects = Integer.parseInt(v);
                case "counter-writers" -> counterWriters = Integer.parseInt(v);
                case "counter-increments" -> counterIncrements = Integer.parseInt(v);
                case "watchers" -> watchers = Integer.parseInt(v);
                case "watch-updates" -> watchUpdates = Integer.parseInt(v);
                case "watch-rate" -> watchRate = Integer.parseInt(v);
                case "watch-objects" -> watchObjects = Integer.parseInt(v);
                case "stall-object-bytes" -> stallObjectBytes = Integer.parseInt(v);
                case "stall-writes" -> stallWrites = Integer.parseInt(v);
                case "stall-after-cutoff" -> stallAfterCutoff = Integer.parseInt(v);
                case "server-heap" -> heap = v;
                case "work-dir" -> workDir = Path.of(v);
                case "keep" -> keep = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option --" + o.name());
            }
        }
        return new ReliabilityConfig(
                stores,
                phases,
                killWriters,
                kills,
                killSeconds,
                killObjects,
                counterWriters,
                counterIncrements,
                watchers,
                watchUpdates,
                watchRate,
                watchObjects,
                stallObjectBytes,
                stallWrites,
                stallAfterCutoff,
                heap,
                workDir,
                keep);
    }

    /** One line naming the sizes, for the report. */
    String describe() {
        return String.format(
                Locale.ROOT,
                "stores %s; phases %s; kill -9: %d writers x %d ConfigMaps, %d kills, %d s of writes before each;"
                        + " counter: %d writers x %d increments; watch: %d watchers, %d updates at %s over %d"
                        + " ConfigMaps; stalled watcher: %d KiB ConfigMaps, at most %d writes, %d after the cut-off;"
                        + " server -Xmx%s",
                String.join(",", stores),
                String.join(",", phases),
                killWriters,
                killObjects,
                kills,
                killSeconds,
                counterWriters,
                counterIncrements,
                watchers,
                watchUpdates,
                watchRate == 0 ? "full speed" : watchRate + "/s",
                watchObjects,
                stallObjectBytes / 1024,
                stallWrites,
                stallAfterCutoff,
                serverHeap);
    }
}
