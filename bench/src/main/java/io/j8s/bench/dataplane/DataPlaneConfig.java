package io.j8s.bench.dataplane;

import io.j8s.bench.support.Option;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What one data-plane benchmark run does. Immutable; {@link #parse} applies {@code --name=value}
 * options over the documented defaults ({@code --preset=smoke}: seconds, for the test suite).
 *
 * @param connections wrk's concurrent connections ({@code -c}); wrk always runs one thread
 * @param duration each measured wrk run
 * @param warmup an unmeasured wrk run per target and mode first (JIT, connection pools)
 * @param rounds measured rounds; each round runs every target once, in a rotated order
 * @param backends Pods behind the Service (and HAProxy)
 * @param profile a JFR profile of the server during extra runs through the j8s proxy
 * @param serverHeap the server JVM's {@code -Xmx}
 * @param serviceCidr the server's {@code --service-cluster-ip-range}
 * @param clusterCidr the server's {@code --cluster-cidr}
 * @param workDir where the data dir, logs and HAProxy's config go (deleted afterwards unless {@code
 *     keep})
 */
public record DataPlaneConfig(
        int connections,
        Duration duration,
        Duration warmup,
        int rounds,
        int backends,
        boolean profile,
        String serverHeap,
        String serviceCidr,
        String clusterCidr,
        Path workDir,
        boolean keep) {

    public DataPlaneConfig {
        if (connections < 1 || rounds < 1 || backends < 1) {
            throw new IllegalArgumentException(
                    "connections, rounds and backends must be at least 1, got "
                            + connections
                            + ", "
                            + rounds
                            + ", "
                            + backends);
        }
        if (duration.toSeconds() < 1) {
            throw new IllegalArgumentException(
                    "wrk runs last whole seconds, at least 1; got " + duration);
        }
    }

    /** 32 connections, 10 s per run after a 3 s warm-up, 3 rounds, 3 backends, with a profile. */
    public static DataPlaneConfig defaults(Path workDir) {
        return new DataPlaneConfig(
                32,
                Duration.ofSeconds(10),
                Duration.ofSeconds(3),
                3,
                3,
                true,
                "1g",
                "127.113.0.0/24",
                "127.136.0.0/16",
                workDir,
                false);
    }

    /** One round of 1 s runs with 4 connections, no warm-up, a short profile. */
    public static DataPlaneConfig smoke(Path workDir) {
        return new DataPlaneConfig(
                4,
                Duration.ofSeconds(1),
                Duration.ZERO,
                1,
                3,
                true,
                "512m",
                "127.113.0.0/24",
                "127.136.0.0/16",
                workDir,
                false);
    }

    /**
     * Parses {@code --name=value} arguments over the defaults (or the smoke preset with {@code
     * --preset=smoke}).
     */
    public static DataPlaneConfig parse(String[] args, Path defaultWorkDir) {
        DataPlaneConfig c = defaults(defaultWorkDir);
        for (String arg : args) {
            if (arg.equals("--preset=smoke")) {
                c = smoke(defaultWorkDir);
            }
        }
        int connections = c.connections;
        Duration duration = c.duration;
        Duration warmup = c.warmup;
        int rounds = c.rounds;
        int backends = c.backends;
        boolean profile = c.profile;
        String heap = c.serverHeap;
        String serviceCidr = c.serviceCidr;
        String clusterCidr = c.clusterCidr;
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
                case "connections" -> connections = Integer.parseInt(v);
                case "seconds" -> duration = Duration.ofSeconds(Long.parseLong(v));
                case "warmup-seconds" -> warmup = Duration.ofSeconds(Long.parseLong(v));
                case "rounds" -> rounds = Integer.parseInt(v);
                case "backends" -> backends = Integer.parseInt(v);
                case "profile" -> profile = Boolean.parseBoolean(v);
                case "server-heap" -> heap = v;
                case "service-cidr" -> serviceCidr = v;
                case "cluster-cidr" -> clusterCidr = v;
                case "work-dir" -> workDir = Path.of(v);
                case "keep" -> keep = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option --" + o.name());
            }
        }
        return new DataPlaneConfig(
                connections,
                duration,
                warmup,
                rounds,
                backends,
                profile,
                heap,
                serviceCidr,
                clusterCidr,
                workDir,
                keep);
    }
}
