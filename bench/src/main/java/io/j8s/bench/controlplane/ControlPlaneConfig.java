package io.j8s.bench.controlplane;

import io.j8s.bench.support.Option;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What one control-plane benchmark run does. Immutable; {@link #preset} gives the documented sizes,
 * {@link #parse} applies {@code --name=value} options over one.
 *
 * @param preset the preset it started from (named in the report)
 * @param store {@code sqlite} or {@code etcd} (the benchmark starts its own etcd)
 * @param workload {@code deployments}: the clients create Services and Deployments and the
 *     controllers make the Pods; {@code pods}: the clients create Services and bare Pods bound to
 *     the simulated nodes themselves (no scheduler or ReplicaSet involved)
 * @param services Services (one Deployment each)
 * @param pods Pods in all
 * @param namespaces the Services are spread evenly over them
 * @param nodes simulated nodes (at most 110 Pods each)
 * @param clients concurrent clients issuing the creates
 * @param memoryAt Pod counts after which memory is measured (creation pauses there); 0 is always
 *     measured
 * @param churnRate Pod Ready changes per second in the churn phase (half from deletions, half from
 *     their replacements); 0 skips the phase
 * @param churnDuration how long the churn lasts
 * @param watchers concurrent watchers of all Pods in the fan-out phase; 0 skips it
 * @param watchChanges changes delivered to them
 * @param restart whether to measure the server's start-up with everything in the store
 * @param serverHeap the server JVM's {@code -Xmx}
 * @param profile record a JFR profile of the server during creation and churn
 * @param serviceCidr the server's {@code --service-cluster-ip-range}
 * @param clusterCidrBase the network part of {@code --cluster-cidr}; its prefix is chosen to give
 *     every node a /24
 * @param workDir where data dirs and logs go (deleted afterwards unless {@code keep})
 * @param keep keep the data dir and logs (for a look after the run)
 */
public record ControlPlaneConfig(
        String preset,
        String store,
        String workload,
        int services,
        int pods,
        int namespaces,
        int nodes,
        int clients,
        List<Integer> memoryAt,
        int churnRate,
        Duration churnDuration,
        int watchers,
        int watchChanges,
        boolean restart,
        String serverHeap,
        boolean profile,
        String serviceCidr,
        String clusterCidrBase,
        Path workDir,
        boolean keep) {

    public ControlPlaneConfig {
        memoryAt = List.copyOf(memoryAt);
        if (!store.equals("sqlite") && !store.equals("etcd")) {
            throw new IllegalArgumentException("store must be sqlite or etcd but was " + store);
        }
        if (!workload.equals("deployments") && !workload.equals("pods")) {
            throw new IllegalArgumentException(
                    "workload must be deployments or pods but was " + workload);
        }
        if (services < 1 || pods < services) {
            throw new IllegalArgumentException(
                    "need at least 1 Service and one Pod per Service, got "
                            + services
                            + " Services and "
                            + pods
                            + " Pods");
        }
        if (namespaces < 1 || namespaces > services) {
            throw new IllegalArgumentException(
                    "namespaces must be 1.." + services + " but was " + namespaces);
        }
        if (nodes < 1 || (long) nodes * 110 < pods) {
            throw new IllegalArgumentException(
                    nodes + " nodes cannot hold " + pods + " Pods at 110 Pods per node");
        }
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be at least 1 but was " + clients);
        }
    }

    /**
     * {@code full}: Kubernetes' scalability thresholds (10,000 Services, 150,000 Pods, up to 250
     * endpoints per Service) on 1,500 simulated nodes; {@code small}: a tenth of it, a few minutes;
     * {@code smoke}: seconds, for the test suite.
     */
    public static ControlPlaneConfig preset(String name, Path workDir) {
        return switch (name) {
            case "full" ->
                    new ControlPlaneConfig(
                            "full",
                            "sqlite",
                            "deployments",
                            10_000,
                            150_000,
                            100,
                            1_500,
                            64,
                            List.of(10_000, 50_000, 150_000),
                            100,
                            Duration.ofSeconds(60),
                            1_000,
                            20,
                            true,
                            "12g",
                            true,
                            "127.112.0.0/16",
                            "127.128.0.0",
                            workDir,
                            false);
            case "small" ->
                    new ControlPlaneConfig(
                            "small",
                            "sqlite",
                            "deployments",
                            1_000,
                            15_000,
                            10,
                            150,
                            64,
                            List.of(1_000, 5_000, 15_000),
                            100,
                            Duration.ofSeconds(30),
                            1_000,
                            20,
                            true,
                            "4g",
                            true,
                            "127.112.0.0/16",
                            "127.128.0.0",
                            workDir,
                            false);
            case "smoke" ->
                    new ControlPlaneConfig(
                            "smoke",
                            "sqlite",
                            "deployments",
                            4,
                            24,
                            2,
                            2,
                            4,
                            List.of(12, 24),
                            10,
                            Duration.ofSeconds(2),
                            5,
                            3,
                            true,
                            "512m",
                            false,
                            "127.112.0.0/16",
                            "127.128.0.0",
                            workDir,
                            false);
            default ->
                    throw new IllegalArgumentException(
                            "preset must be full, small or smoke but was " + name);
        };
    }

    /**
     * Parses {@code --name=value} arguments: {@code --preset} first (default {@code small}), then
     * the rest over it.
     */
    public static ControlPlaneConfig parse(String[] args, Path defaultWorkDir) {
        String presetName = "small";
        for (String arg : args) {
            if (arg.startsWith("--preset=")) {
                presetName = arg.substring("--preset=".length());
            }
        }
        Builder b = new Builder(preset(presetName, defaultWorkDir));
        boolean nodesGiven = false;
        for (Option o : Option.parse(args)) {
            String name = o.name();
            String v = o.value();
            switch (name) {
                case "preset" -> {}
                case "store" -> b.store = v;
                case "workload" -> b.workload = v;
                case "services" -> b.services = Integer.parseInt(v);
                case "pods" -> b.pods = Integer.parseInt(v);
                case "namespaces" -> b.namespaces = Integer.parseInt(v);
                case "nodes" -> b.nodes = Integer.parseInt(v);
                case "clients" -> b.clients = Integer.parseInt(v);
                case "memory-at" ->
                        b.memoryAt =
                                v.isBlank()
                                        ? List.of()
                                        : Arrays.stream(v.split(","))
                                                .map(String::trim)
                                                .map(Integer::valueOf)
                                                .toList();
                case "churn-rate" -> b.churnRate = Integer.parseInt(v);
                case "churn-seconds" ->
                        b.churnDuration =
                                Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
                case "watchers" -> b.watchers = Integer.parseInt(v);
                case "watch-changes" -> b.watchChanges = Integer.parseInt(v);
                case "restart" -> b.restart = Boolean.parseBoolean(v);
                case "server-heap" -> b.serverHeap = v;
                case "profile" -> b.profile = Boolean.parseBoolean(v);
                case "service-cidr" -> b.serviceCidr = v;
                case "cluster-cidr-base" -> b.clusterCidrBase = v;
                case "work-dir" -> b.workDir = Path.of(v);
                case "keep" -> b.keep = Boolean.parseBoolean(v);
                default -> throw new IllegalArgumentException("unknown option --" + name);
            }
            nodesGiven |= name.equals("nodes");
        }
        if (!nodesGiven && (long) b.nodes * 110 < b.pods) {
            b.nodes = (b.pods + 99) / 100; // 100 per node leaves the scheduler room
        }
        return b.build();
    }

    /**
     * {@code --cluster-cidr}: the base with the longest prefix that still gives every node a /24.
     */
    public String clusterCidr() {
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, nodes - 1));
        return clusterCidrBase + "/" + Math.min(16, 24 - bits);
    }

    /** One line naming the sizes, for logs and the report. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "preset %s: store %s, workload %s, %,d Services / %,d Pods in %d namespaces on %,d simulated nodes,"
                        + " %d clients, churn %d/s for %d s, %,d watchers",
                preset,
                store,
                workload,
                services,
                pods,
                namespaces,
                nodes,
                clients,
                churnRate,
                churnDuration.toSeconds(),
                watchers);
    }

    /** Mutable copy for {@link #parse}. */
    private static final class Builder {
        String preset;
        String store;
        String workload;
        int services;
        int pods;
        int namespaces;
        int nodes;
        int clients;
        List<Integer> memoryAt;
        int churnRate;
        Duration churnDuration;
        int watchers;
        int watchChanges;
        boolean restart;
        String serverHeap;
        boolean profile;
        String serviceCidr;
        String clusterCidrBase;
        Path workDir;
        boolean keep;

        Builder(ControlPlaneConfig c) {
            preset = c.preset;
            store = c.store;
            workload = c.workload;
            services = c.services;
            pods = c.pods;
            namespaces = c.namespaces;
            nodes = c.nodes;
            clients = c.clients;
            memoryAt = c.memoryAt;
            churnRate = c.churnRate;
            churnDuration = c.churnDuration;
            watchers = c.watchers;
            watchChanges = c.watchChanges;
            restart = c.restart;
            serverHeap = c.serverHeap;
            profile = c.profile;
            serviceCidr = c.serviceCidr;
            clusterCidrBase = c.clusterCidrBase;
            workDir = c.workDir;
            keep = c.keep;
        }

        ControlPlaneConfig build() {
            return new ControlPlaneConfig(
                    preset,
                    store,
                    workload,
                    services,
                    pods,
                    namespaces,
                    nodes,
                    clients,
                    memoryAt,
                    churnRate,
                    churnDuration,
                    watchers,
                    watchChanges,
                    restart,
                    serverHeap,
                    profile,
                    serviceCidr,
                    clusterCidrBase,
                    workDir,
                    keep);
        }
    }
}
