package io.j8s.controllers.nodeipam;

import java.util.Collection;
import java.util.Objects;
import java.util.Optional;

/**
 * Cuts per-node subnets out of the cluster CIDR (IPv4): with 127.244.0.0/16 and mask 24 the first
 * node gets 127.244.1.0/24, the next 127.244.2.0/24, and so on — the all-zero subnet is skipped,
 * and the lowest free subnet is always taken, so results are stable across restarts when the used
 * set is rebuilt from the Nodes. Pure; immutable.
 */
public final class CidrAllocator {

    private final long base;
    private final int clusterPrefix;
    private final int nodePrefix;
    private final long count;

    /**
     * @throws IllegalArgumentException when {@code clusterCidr} is not an IPv4 CIDR or the mask is
     *     not longer than the cluster prefix
     */
    public CidrAllocator(String clusterCidr, int nodeMaskSize) {
        Objects.requireNonNull(clusterCidr, "clusterCidr");
        int slash = clusterCidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException(
                    "cluster CIDR must look like a.b.c.d/n but was " + clusterCidr);
        }
        this.clusterPrefix = Integer.parseInt(clusterCidr.substring(slash + 1));
        if (clusterPrefix < 0 || clusterPrefix > 32) {
            throw new IllegalArgumentException(
                    "invalid prefix length in cluster CIDR " + clusterCidr);
        }
        if (nodeMaskSize <= clusterPrefix || nodeMaskSize > 32) {
            throw new IllegalArgumentException(
                    "node CIDR mask size "
                            + nodeMaskSize
                            + " must be longer than the cluster CIDR's /"
                            + clusterPrefix
                            + " and at most 32");
        }
        long address = parse(clusterCidr.substring(0, slash));
        long mask = clusterPrefix == 0 ? 0 : (0xFFFFFFFFL << (32 - clusterPrefix)) & 0xFFFFFFFFL;
        this.base = address & mask;
        this.nodePrefix = nodeMaskSize;
        this.count = 1L << (nodeMaskSize - clusterPrefix);
    }

    /** The lowest free node subnet (index 1 and up), or empty when the range is exhausted. */
    public Optional<String> allocate(Collection<String> used) {
        for (long i = 1; i < count; i++) {
            String cidr = subnet(i);
            if (!used.contains(cidr)) {
                return Optional.of(cidr);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code cidr} is one of this allocator's node subnets. */
    public boolean contains(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0 || Integer.parseInt(cidr.substring(slash + 1)) != nodePrefix) {
            return false;
        }
        long a = parse(cidr.substring(0, slash));
        long offset = a - base;
        long size = 1L << (32 - nodePrefix);
        return offset >= 0 && offset < count * size && offset % size == 0;
    }

    String subnet(long index) {
        long a = base + (index << (32 - nodePrefix));
        return format(a) + "/" + nodePrefix;
    }

    static long parse(String ip) {
        String[] parts = ip.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long v = 0;
        for (String p : parts) {
            int octet = Integer.parseInt(p);
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    static String format(long a) {
        return ((a >> 24) & 255)
                + "."
                + ((a >> 16) & 255)
                + "."
                + ((a >> 8) & 255)
                + "."
                + (a & 255);
    }
}
