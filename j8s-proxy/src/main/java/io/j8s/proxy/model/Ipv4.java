package io.j8s.proxy.model;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 literal checks that never touch DNS. */
public final class Ipv4 {

    private Ipv4() {}

    /** True for dotted-quad literals such as {@code 127.96.0.10}. */
    public static boolean isLiteral(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * Converts a literal to an address without any name lookup.
     *
     * @throws IllegalArgumentException when {@code s} is not an IPv4 literal
     */
    public static InetAddress toAddress(String s) {
        if (!isLiteral(s)) {
            throw new IllegalArgumentException("not an IPv4 literal: \"" + s + "\"");
        }
        String[] parts = s.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always a valid address", e);
        }
    }
}
