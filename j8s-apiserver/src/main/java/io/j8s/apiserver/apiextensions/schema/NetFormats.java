package io.j8s.apiserver.apiextensions.schema;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Go's {@code net.ParseIP} and {@code net.ParseCIDR} as kube-openapi's strfmt uses them. */
final class NetFormats {

    private NetFormats() {}

    /** A dotted-quad IPv4 address, as {@code net.ParseIP} reads it (no leading zeros). */
    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty()
                    || p.length() > 3
                    || !p.chars().allMatch(c -> c >= '0' && c <= '9')
                    || (p.length() > 1 && p.charAt(0) == '0')
                    || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** strfmt's IsIPv6: {@code net.ParseIP} succeeds and the text has a colon. */
    static boolean isIpv6(String s) {
        if (!s.contains(":") || s.length() > 45) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.digit(c, 16) >= 0 && c < 0x80 || c == ':' || c == '.')) {
                return false;
            }
        }
        int dot = s.indexOf('.');
        if (dot >= 0 && !isIpv4(s.substring(s.lastIndexOf(':') + 1))) {
            return false;
        }
        try {
            // a literal with a colon is parsed, never looked up
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException | IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code net.ParseCIDR}: an address, a slash, a prefix length within the address size. */
    static boolean isCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        if (bits.isEmpty()
                || bits.length() > 3
                || !bits.chars().allMatch(c -> c >= '0' && c <= '9')
                || (bits.length() > 1 && bits.charAt(0) == '0')) {
            return false;
        }
        int n = Integer.parseInt(bits);
        if (isIpv4(ip)) {
            return n <= 32;
        }
        return isIpv6(ip) && n <= 128;
    }
}
