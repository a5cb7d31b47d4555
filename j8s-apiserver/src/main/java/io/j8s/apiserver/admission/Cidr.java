package io.j8s.apiserver.admission;

/**
 * An IPv4 range in CIDR notation. Immutable.
 *
 * @param base the network address as an unsigned 32-bit number
 */
public record Cidr(long base, int prefixLength) {

    /** Parses {@code a.b.c.d/n}. */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR (expected a.b.c.d/n): \"" + text + "\"");
        }
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR prefix length: \"" + text + "\"");
        }
        if (prefix < 1 || prefix > 30) {
            throw new IllegalArgumentException(
                    "CIDR prefix length must be between 1 and 30: \"" + text + "\"");
        }
        long address = toLong(text.substring(0, slash));
        long mask = (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return new Cidr(address & mask, prefix);
    }

    /** The number of addresses, network and broadcast included. */
    public long size() {
        return 1L << (32 - prefixLength);
    }

    public boolean contains(String ip) {
        long address;
        try {
            address = toLong(ip);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return address >= base && address < base + size();
    }

    /** The address at {@code offset} from the network address. */
    public String address(long offset) {
        return toText(base + offset);
    }

    /** The offset of {@code ip} from the network address. */
    public long offsetOf(String ip) {
        return toLong(ip) - base;
    }

    @Override
    public String toString() {
        return toText(base) + "/" + prefixLength;
    }

    /** Parses a dotted-quad IPv4 address. */
    public static long toLong(String ip) {
        String[] parts = ip.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: \"" + ip + "\"");
        }
        long value = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: \"" + ip + "\"");
            }
            if (octet < 0
                    || octet > 255
                    || part.isEmpty()
                    || (part.length() > 1 && part.startsWith("0"))) {
                throw new IllegalArgumentException("not an IPv4 address: \"" + ip + "\"");
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    public static String toText(long address) {
        return ((address >> 24) & 255)
                + "."
                + ((address >> 16) & 255)
                + "."
                + ((address >> 8) & 255)
                + "."
                + (address & 255);
    }
}
