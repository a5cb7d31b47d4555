package io.j8s.controllers.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings shared by the controllers (the kube-controller-manager flags j8s honours). Immutable;
 * build with {@link #builder()}. Defaults are Kubernetes' except where noted.
 */
public final class ControllerSettings {

    private final Duration resyncPeriod;
    private final int workers;
    private final int maxRetries;
    private final String clusterCidr;
    private final int nodeCidrMaskSize;
    private final int maxEndpointsPerSlice;
    private final int mirroringMaxEndpointsPerSubset;
    private final Duration nodeMonitorGracePeriod;
    private final Duration nodeMonitorPeriod;
    private final String rootCaBundle;

    private ControllerSettings(Builder b) {
        this.resyncPeriod = b.resyncPeriod;
        this.workers = b.workers;
        this.maxRetries = b.maxRetries;
        this.clusterCidr = b.clusterCidr;
        this.nodeCidrMaskSize = b.nodeCidrMaskSize;
        this.maxEndpointsPerSlice = b.maxEndpointsPerSlice;
        this.mirroringMaxEndpointsPerSubset = b.mirroringMaxEndpointsPerSubset;
        this.nodeMonitorGracePeriod = b.nodeMonitorGracePeriod;
        this.nodeMonitorPeriod = b.nodeMonitorPeriod;
        this.rootCaBundle = b.rootCaBundle;
    }

    public static ControllerSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .resyncPeriod(resyncPeriod)
                .workers(workers)
                .maxRetries(maxRetries)
                .clusterCidr(clusterCidr)
                .nodeCidrMaskSize(nodeCidrMaskSize)
                .maxEndpointsPerSlice(maxEndpointsPerSlice)
                .mirroringMaxEndpointsPerSubset(mirroringMaxEndpointsPerSubset)
                .nodeMonitorGracePeriod(nodeMonitorGracePeriod)
                .nodeMonitorPeriod(nodeMonitorPeriod)
                .rootCaBundle(rootCaBundle);
    }

    /**
     * How often informers redeliver every object (default 5 min; j8s is small, so resync often).
     */
    public Duration resyncPeriod() {
        return resyncPeriod;
    }

    /** Worker threads per reconcile loop (default 2: the target machine has 2 cores). */
    public int workers() {
        return workers;
    }

    /** Retries of a failing key before it is dropped until its next change (default 15). */
    public int maxRetries() {
        return maxRetries;
    }

    /** {@code --cluster-cidr}: the range node pod CIDRs are cut from (default 127.244.0.0/16). */
    public String clusterCidr() {
        return clusterCidr;
    }

    /** {@code --node-cidr-mask-size} (default 24). */
    public int nodeCidrMaskSize() {
        return nodeCidrMaskSize;
    }

    /** {@code --max-endpoints-per-slice} (default 100, 1..1000). */
    public int maxEndpointsPerSlice() {
        return maxEndpointsPerSlice;
    }

    /** {@code --mirroring-max-endpoints-per-subset} (default 1000, 1..1000). */
    public int mirroringMaxEndpointsPerSubset() {
        return mirroringMaxEndpointsPerSubset;
    }

    /**
     * {@code --node-monitor-grace-period}: lease age after which a node is unknown (default 40 s).
     */
    public Duration nodeMonitorGracePeriod() {
        return nodeMonitorGracePeriod;
    }

    /** {@code --node-monitor-period}: how often node health is checked (default 5 s). */
    public Duration nodeMonitorPeriod() {
        return nodeMonitorPeriod;
    }

    /**
     * {@code --root-ca-file}'s content: the PEM bundle that verifies the API server, published as
     * {@code kube-root-ca.crt} in every namespace (default empty: nothing is published).
     */
    public String rootCaBundle() {
        return rootCaBundle;
    }

    /** Builder; every setter checks its argument and names a bad value. */
    public static final class Builder {
        private Duration resyncPeriod = Duration.ofMinutes(5);
        private int workers = 2;
        private int maxRetries = 15;
        private String clusterCidr = "127.244.0.0/16";
        private int nodeCidrMaskSize = 24;
        private int maxEndpointsPerSlice = 100;
        private int mirroringMaxEndpointsPerSubset = 1000;
        private Duration nodeMonitorGracePeriod = Duration.ofSeconds(40);
        private Duration nodeMonitorPeriod = Duration.ofSeconds(5);
        private String rootCaBundle = "";

        private Builder() {}

        public Builder resyncPeriod(Duration v) {
            Objects.requireNonNull(v, "resyncPeriod");
            if (!v.isZero() && v.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(
                        "resync period must be 0 or at least 1s but was " + v);
            }
            this.resyncPeriod = v;
            return this;
        }

        public Builder workers(int v) {
            if (v < 1) {
                throw new IllegalArgumentException("workers must be at least 1 but was " + v);
            }
            this.workers = v;
            return this;
        }

        public Builder maxRetries(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("max retries must not be negative but was " + v);
            }
            this.maxRetries = v;
            return this;
        }

        public Builder clusterCidr(String v) {
            this.clusterCidr = Objects.requireNonNull(v, "clusterCidr");
            return this;
        }

        public Builder nodeCidrMaskSize(int v) {
            if (v < 1 || v > 32) {
                throw new IllegalArgumentException(
                        "node CIDR mask size must be 1..32 but was " + v);
            }
            this.nodeCidrMaskSize = v;
            return this;
        }

        public Builder maxEndpointsPerSlice(int v) {
            if (v < 1 || v > 1000) {
                throw new IllegalArgumentException(
                        "max endpoints per slice must be 1..1000 but was " + v);
            }
            this.maxEndpointsPerSlice = v;
            return this;
        }

        public Builder mirroringMaxEndpointsPerSubset(int v) {
            if (v < 1 || v > 1000) {
                throw new IllegalArgumentException(
                        "mirroring max endpoints per subset must be 1..1000 but was " + v);
            }
            this.mirroringMaxEndpointsPerSubset = v;
            return this;
        }

        public Builder nodeMonitorGracePeriod(Duration v) {
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException(
                        "node monitor grace period must be positive but was " + v);
            }
            this.nodeMonitorGracePeriod = v;
            return this;
        }

        public Builder nodeMonitorPeriod(Duration v) {
            if (v.isNegative() || v.isZero()) {
                throw new IllegalArgumentException(
                        "node monitor period must be positive but was " + v);
            }
            this.nodeMonitorPeriod = v;
            return this;
        }

        public Builder rootCaBundle(String v) {
            Objects.requireNonNull(v, "rootCaBundle");
            if (v.length() > 1 << 20) {
                throw new IllegalArgumentException(
                        "root CA bundle must be at most 1 MiB but has " + v.length() + " chars");
            }
            this.rootCaBundle = v;
            return this;
        }

        public ControllerSettings build() {
            return new ControllerSettings(this);
        }
    }
}
