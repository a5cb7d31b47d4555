package io.j8s.bench.store;

import io.j8s.bench.support.Option;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What one benchmark run measures.
 *
 * @param backends {@code sqlite} and/or {@code etcd}
 * @param writerCounts concurrent writers per write phase (each writer waits for its write)
 * @param warmup unmeasured writing before each measured phase
 * @param duration measured writing per phase
 * @param valueBytes the size of each written value
 * @param listKeys keys loaded for the list phase (0 skips it)
 * @param listValueBytes the size of each listed value
 * @param workDir where data dirs (SQLite file, etcd data) are created; on disk, deleted afterwards
 */
public record BenchConfig(
        List<String> backends,
        List<Integer> writerCounts,
        Duration warmup,
        Duration duration,
        int valueBytes,
        int listKeys,
        int listValueBytes,
        Path workDir) {

    public BenchConfig {
        backends = List.copyOf(backends);
        writerCounts = List.copyOf(writerCounts);
        for (String b : backends) {
            if (!b.equals("sqlite") && !b.equals("etcd")) {
                throw new IllegalArgumentException("backend must be sqlite or etcd but was " + b);
            }
        }
        if (valueBytes < Long.BYTES) {
            throw new IllegalArgumentException(
                    "valueBytes must be at least 8 (the timestamp) but was " + valueBytes);
        }
    }

    /**
     * The documented run: 1 and 64 writers, 3 s warm-up, 10 s measured, 256-byte values, 150,000 x
     * 3 KiB list.
     */
    public static BenchConfig defaults(Path workDir) {
        return new BenchConfig(
                List.of("sqlite", "etcd"),
                List.of(1, 64),
                Duration.ofSeconds(3),
                Duration.ofSeconds(10),
                256,
                150_000,
                3 * 1024,
                workDir);
    }

    /** Parses {@code --name=value} arguments over {@link #defaults}. */
    public static BenchConfig parse(String[] args, Path defaultWorkDir) {
        BenchConfig c = defaults(defaultWorkDir);
        for (Option o : Option.parse(args)) {
            String name = o.name();
            String value = o.value();
            c =
                    switch (name) {
                        case "backends" ->
                                new BenchConfig(
                                        List.of(value.split(",")),
                                        c.writerCounts,
                                        c.warmup,
                                        c.duration,
                                        c.valueBytes,
                                        c.listKeys,
                                        c.listValueBytes,
                                        c.workDir);
                        case "writers" ->
                                new BenchConfig(
                                        c.backends,
                                        Arrays.stream(value.split(","))
                                                .map(Integer::valueOf)
                                                .toList(),
                                        c.warmup,
                                        c.duration,
                                        c.valueBytes,
                                        c.listKeys,
                                        c.listValueBytes,
                                        c.workDir);
                        case "warmup-seconds" ->
                                new BenchConfig(
                                        c.backends,
                                        c.writerCounts,
                                        seconds(value),
                                        c.duration,
                                        c.valueBytes,
                                        c.listKeys,
                                        c.listValueBytes,
                                        c.workDir);
                        case "seconds" ->
                                new BenchConfig(
                                        c.backends,
                                        c.writerCounts,
                                        c.warmup,
                                        seconds(value),
                                        c.valueBytes,
                                        c.listKeys,
                                        c.listValueBytes,
                                        c.workDir);
                        case "value-bytes" ->
                                new BenchConfig(
                                        c.backends,
                                        c.writerCounts,
                                        c.warmup,
                                        c.duration,
                                        Integer.parseInt(value),
                                        c.listKeys,
                                        c.listValueBytes,
                                        c.workDir);
                        case "list-keys" ->
                                new BenchConfig(
                                        c.backends,
                                        c.writerCounts,
                                        c.warmup,
                                        c.duration,
                                        c.valueBytes,
                                        Integer.parseInt(value),
                                        c.listValueBytes,
                                        c.workDir);
                        case "list-value-bytes" ->
                                new BenchConfig(
                                        c.backends,
                                        c.writerCounts,
                                        c.warmup,
                                        c.duration,
                                        c.valueBytes,
                                        c.listKeys,
                                        Integer.parseInt(value),
                                        c.workDir);
                        case "work-dir" ->
                                new BenchConfig(
                                        c.backends,
                                        c.writerCounts,
                                        c.warmup,
                                        c.duration,
                                        c.valueBytes,
                                        c.listKeys,
                                        c.listValueBytes,
                                        Path.of(value));
                        default -> throw new IllegalArgumentException("unknown option --" + name);
                    };
        }
        return c;
    }

    private static Duration seconds(String value) {
        return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }
}
