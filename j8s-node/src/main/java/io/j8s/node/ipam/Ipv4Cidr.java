package io.j8s.node.ipam;

/**
 * An IPv4 CIDR block such as {@code 127.244.1.0/24}. Immutable.
 *
 * @param base the network address as an unsigned 32-bit value
 */
public record Ipv4Cidr(long base, int prefix) {

    public Ipv4Cidr {
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("prefix length must be 0..32, was " + prefix);
        }
        if ((base & ~mask(prefix) & 0xffffffffL) != 0) {
            throw new IllegalArgumentException(
                    "CIDR has host bits set: " + format(base) + "/" + prefix);
        }
    }

    /** Parses {@code a.b.c.d/n}. */
    public static Ipv4Cidr parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR (no /prefix): " + cidr);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR (bad prefix): " + cidr);
        }
        return new Ipv4Cidr(parseAddress(cidr.substring(0, slash)), prefix);
    }

    /** Number of addresses in the block, including network and broadcast. */
    public long size() {
        return 1L << (32 - prefix);
    }

    /** The address at {@code offset} from the network address. */
    public String addressAt(long offset) {
        if (offset < 0 || offset >= size()) {
            throw new IllegalArgumentException("offset " + offset + " outside " + this);
        }
        return format(base + offset);
    }

    /** Offset of {@code ip} in this block, or -1 when it is outside. */
    public long offsetOf(String ip) {
        long a;
        try {
            a = parseAddress(ip);
        } catch (IllegalArgumentException e) {
            return -1;
        }
        return (a & mask(prefix)) == base ? a - base : -1;
    }

    public boolean contains(String ip) {
        return offsetOf(ip) >= 0;
    }

    @Override
    public String toString() {
        return format(base) + "/" + prefix;
    }

    static long parseAddress(String ip) {
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + ip);
        }
        long v = 0;
        for (String p : parts) {
            int octet;
            try {
                octet = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + ip);
            }
            if (octet < 0 || octet > 255 || p.isEmpty()) {
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

    private static long mask(int prefix) {
        return prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    }
}
