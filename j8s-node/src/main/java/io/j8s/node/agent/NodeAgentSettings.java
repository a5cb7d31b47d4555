package io.j8s.node.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of one node agent. Immutable; build with {@link #builder(String)}. Every duration can be
 * shrunk for tests.
 */
public final class NodeAgentSettings {

    private final String nodeName;
    private final RuntimeMode runtimeMode;
    private final Path stateDir;
    private final int maxPods;
    private final Duration leaseDuration;
    private final Duration leaseRenewInterval;
    private final Duration nodeStatusUpdateInterval;
    private final Duration nodeStatusReportInterval;
    private final String internalIp;
    private final String hostname;
    private final String podCidr;
    private final Duration podCidrPollInterval;
    private final int kubeletPort;
    private final long logCapacityBytes;
    private final Duration backOffInitial;
    private final Duration backOffMax;
    private final Duration shutdownGracePeriod;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final boolean recordEvents;
    private final String clusterDns;
    private final String clusterDomain;
    private final Duration volumeSyncPeriod;
    private final Path hostResolvConf;
    private final Boolean mountNamespaces;

    private NodeAgentSettings(Builder b) {
        this.nodeName = Objects.requireNonNull(b.nodeName, "nodeName");
        this.runtimeMode = b.runtimeMode;
        this.stateDir = b.stateDir;
        this.maxPods = b.maxPods;
        this.leaseDuration = b.leaseDuration;
        this.leaseRenewInterval = b.leaseRenewInterval;
        this.nodeStatusUpdateInterval = b.nodeStatusUpdateInterval;
        this.nodeStatusReportInterval = b.nodeStatusReportInterval;
        this.internalIp = b.internalIp;
        this.hostname = b.hostname == null ? b.nodeName : b.hostname;
        this.podCidr = b.podCidr;
        this.podCidrPollInterval = b.podCidrPollInterval;
        this.kubeletPort = b.kubeletPort;
        this.logCapacityBytes = b.logCapacityBytes;
        this.backOffInitial = b.backOffInitial;
        this.backOffMax = b.backOffMax;
        this.shutdownGracePeriod = b.shutdownGracePeriod;
        this.labels = Map.copyOf(b.labels);
        this.annotations = Map.copyOf(b.annotations);
        this.recordEvents = b.recordEvents;
        this.clusterDns = b.clusterDns == null || b.clusterDns.isEmpty() ? null : b.clusterDns;
        this.clusterDomain = Objects.requireNonNull(b.clusterDomain, "clusterDomain");
        this.volumeSyncPeriod = b.volumeSyncPeriod;
        this.hostResolvConf = b.hostResolvConf;
        this.mountNamespaces = b.mountNamespaces;
        if (runtimeMode == RuntimeMode.REAL && stateDir == null) {
            throw new IllegalArgumentException(
                    "node " + nodeName + ": a real node needs a state dir");
        }
        if (maxPods < 1) {
            throw new IllegalArgumentException("maxPods must be >= 1, was " + maxPods);
        }
    }

    public static Builder builder(String nodeName) {
        return new Builder(nodeName);
    }

    public String nodeName() {
        return nodeName;
    }

    public RuntimeMode runtimeMode() {
        return runtimeMode;
    }

    /**
     * This node's own state directory (Pod IP table {@code pod-ips}, process table {@code
     * processes}); every node in a JVM needs its own. Null only for simulated nodes (then Pod IPs
     * are kept in memory and taken back from the Pod status after a restart).
     */
    public Path stateDir() {
        return stateDir;
    }

    public int maxPods() {
        return maxPods;
    }

    public Duration leaseDuration() {
        return leaseDuration;
    }

    public Duration leaseRenewInterval() {
        return leaseRenewInterval;
    }

    /** How often the Node status is recomputed (and written when it changed). */
    public Duration nodeStatusUpdateInterval() {
        return nodeStatusUpdateInterval;
    }

    /** How often the Node status is written even when unchanged (heartbeat). */
    public Duration nodeStatusReportInterval() {
        return nodeStatusReportInterval;
    }

    public String internalIp() {
        return internalIp;
    }

    public String hostname() {
        return hostname;
    }

    /** A fixed Pod CIDR, or null to wait for the Node's {@code spec.podCIDR}. */
    public String podCidr() {
        return podCidr;
    }

    public Duration podCidrPollInterval() {
        return podCidrPollInterval;
    }

    /** The port of the log endpoint, advertised in {@code status.daemonEndpoints}. */
    public int kubeletPort() {
        return kubeletPort;
    }

    public long logCapacityBytes() {
        return logCapacityBytes;
    }

    public Duration backOffInitial() {
        return backOffInitial;
    }

    public Duration backOffMax() {
        return backOffMax;
    }

    public Duration shutdownGracePeriod() {
        return shutdownGracePeriod;
    }

    /** Extra Node labels. */
    public Map<String, String> labels() {
        return labels;
    }

    /** Extra Node annotations (e.g. the fingerprint of the log endpoint's certificate). */
    public Map<String, String> annotations() {
        return annotations;
    }

    /**
     * Whether Pod events (Pulled, Created, Started, ...) are written; scale tests may turn them
     * off.
     */
    public boolean recordEvents() {
        return recordEvents;
    }

    /**
     * The cluster DNS server's address written as {@code nameserver} into the resolv.conf of {@code
     * ClusterFirst} Pods (the kubelet's {@code --cluster-dns}); null: those Pods get the host's
     * resolver and a {@code MissingClusterDNS} event, as the kubelet without it.
     */
    public String clusterDns() {
        return clusterDns;
    }

    /**
     * The cluster's DNS domain (the kubelet's {@code --cluster-domain}), default {@code
     * cluster.local}.
     */
    public String clusterDomain() {
        return clusterDomain;
    }

    /** How often a Pod's volumes are brought up to date (the kubelet's sync period, 1 minute). */
    public Duration volumeSyncPeriod() {
        return volumeSyncPeriod;
    }

    /** The host's resolv.conf (the kubelet's {@code --resolv-conf}). */
    public Path hostResolvConf() {
        return hostResolvConf;
    }

    /**
     * Whether process containers get a private mount namespace: null (default) when the agent runs
     * as root and {@code unshare --mount} works; false forces the host's filesystem.
     */
    public Boolean mountNamespaces() {
        return mountNamespaces;
    }

    /** Builder with the kubelet's defaults. */
    public static final class Builder {
        private final String nodeName;
        private RuntimeMode runtimeMode = RuntimeMode.REAL;
        private Path stateDir;
        private int maxPods = 110;
        private Duration leaseDuration = Duration.ofSeconds(40);
        private Duration leaseRenewInterval = Duration.ofSeconds(10);
        private Duration nodeStatusUpdateInterval = Duration.ofSeconds(10);
        private Duration nodeStatusReportInterval = Duration.ofMinutes(5);
        private String internalIp = "127.0.0.1";
        private String hostname;
        private String podCidr;
        private Duration podCidrPollInterval = Duration.ofSeconds(1);
        private int kubeletPort = 10250;
        private long logCapacityBytes = 1024 * 1024;
        private Duration backOffInitial = Duration.ofSeconds(10);
        private Duration backOffMax = Duration.ofMinutes(5);
        private Duration shutdownGracePeriod = Duration.ofSeconds(2);
        private Map<String, String> labels = Map.of();
        private Map<String, String> annotations = Map.of();
        private boolean recordEvents = true;
        private String clusterDns;
        private String clusterDomain = "cluster.local";
        private Duration volumeSyncPeriod = Duration.ofMinutes(1);
        private Path hostResolvConf = Path.of("/etc/resolv.conf");
        private Boolean mountNamespaces;

        private Builder(String nodeName) {
            this.nodeName = nodeName;
        }

        public Builder runtimeMode(RuntimeMode v) {
            this.runtimeMode = v;
            return this;
        }

        public Builder stateDir(Path v) {
            this.stateDir = v;
            return this;
        }

        public Builder maxPods(int v) {
            this.maxPods = v;
            return this;
        }

        public Builder leaseDuration(Duration v) {
            this.leaseDuration = v;
            return this;
        }

        public Builder leaseRenewInterval(Duration v) {
            this.leaseRenewInterval = v;
            return this;
        }

        public Builder nodeStatusUpdateInterval(Duration v) {
            this.nodeStatusUpdateInterval = v;
            return this;
        }

        public Builder nodeStatusReportInterval(Duration v) {
            this.nodeStatusReportInterval = v;
            return this;
        }

        public Builder internalIp(String v) {
            this.internalIp = v;
            return this;
        }

        public Builder hostname(String v) {
            this.hostname = v;
            return this;
        }

        public Builder podCidr(String v) {
            this.podCidr = v;
            return this;
        }

        public Builder podCidrPollInterval(Duration v) {
            this.podCidrPollInterval = v;
            return this;
        }

        public Builder kubeletPort(int v) {
            this.kubeletPort = v;
            return this;
        }

        public Builder logCapacityBytes(long v) {
            this.logCapacityBytes = v;
            return this;
        }

        public Builder backOff(Duration initial, Duration max) {
            this.backOffInitial = initial;
            this.backOffMax = max;
            return this;
        }

        public Builder shutdownGracePeriod(Duration v) {
            this.shutdownGracePeriod = v;
            return this;
        }

        public Builder annotations(Map<String, String> v) {
            this.annotations = v;
            return this;
        }

        public Builder labels(Map<String, String> v) {
            this.labels = v;
            return this;
        }

        public Builder recordEvents(boolean v) {
            this.recordEvents = v;
            return this;
        }

        public Builder clusterDns(String v) {
            this.clusterDns = v;
            return this;
        }

        public Builder clusterDomain(String v) {
            this.clusterDomain = v;
            return this;
        }

        public Builder volumeSyncPeriod(Duration v) {
            this.volumeSyncPeriod = v;
            return this;
        }

        public Builder hostResolvConf(Path v) {
            this.hostResolvConf = v;
            return this;
        }

        public Builder mountNamespaces(Boolean v) {
            this.mountNamespaces = v;
            return this;
        }

        public NodeAgentSettings build() {
            return new NodeAgentSettings(this);
        }
    }
}
