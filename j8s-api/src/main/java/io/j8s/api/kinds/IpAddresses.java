package io.j8s.api.kinds;

import io.j8s.api.validation.FieldError;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * IP address checks with Kubernetes' messages ({@code IsValidIP}, {@code IsValidIPv4Address},
 * {@code ValidateNonSpecialIP}).
 *
 * <p>Deliberate difference: loopback addresses are accepted. Real Kubernetes rejects endpoint IPs
 * in 127.0.0.0/8, but j8s runs every Pod and Service on loopback addresses.
 */
final class IpAddresses {

    static final String INVALID_IP =
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    static final String INVALID_IPV4 = "must be a valid IPv4 address";
    static final String INVALID_IPV6 = "must be a valid IPv6 address";

    private IpAddresses() {}

    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty()
                    || p.length() > 3
                    || !p.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String s) {
        if (!s.contains(":") || s.contains("%") || s.contains("[")) {
            return false;
        }
        for (char c : s.toCharArray()) {
            if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                return false;
            }
        }
        try {
            return InetAddress.getByName(s) instanceof Inet6Address || s.contains(":");
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static boolean isIp(String s) {
        return isIpv4(s) || isIpv6(s);
    }

    /** {@code IsValidIP} and then {@code ValidateNonSpecialIP} (without the loopback rule). */
    static List<FieldError> validateIp(String path, String ip, boolean ipv4Only) {
        List<FieldError> errs = new ArrayList<>();
        if (ipv4Only ? !isIpv4(ip) : !isIp(ip)) {
            errs.add(FieldError.invalid(path, ip, ipv4Only ? INVALID_IPV4 : INVALID_IP));
            return errs;
        }
        errs.addAll(validateNonSpecial(path, ip));
        return errs;
    }

    static List<FieldError> validateNonSpecial(String path, String ip) {
        List<FieldError> errs = new ArrayList<>();
        byte[] addr;
        try {
            addr = InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            errs.add(FieldError.invalid(path, ip, "must be a valid IP address"));
            return errs;
        }
        boolean allZero = true;
        for (byte b : addr) {
            allZero &= b == 0;
        }
        if (allZero) {
            errs.add(FieldError.invalid(path, ip, "may not be unspecified (" + ip + ")"));
        }
        int a0 = addr[0] & 0xff;
        int a1 = addr[1] & 0xff;
        if (addr.length == 4) {
            if (a0 == 169 && a1 == 254) {
                errs.add(
                        FieldError.invalid(
                                path,
                                ip,
                                "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
            }
            if (a0 == 224 && a1 == 0 && (addr[2] & 0xff) == 0) {
                errs.add(
                        FieldError.invalid(
                                path,
                                ip,
                                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
            }
        } else {
            if (a0 == 0xfe && (a1 & 0xc0) == 0x80) {
                errs.add(
                        FieldError.invalid(
                                path,
                                ip,
                                "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
            }
            if (a0 == 0xff && (a1 & 0x0f) == 0x02) {
                errs.add(
                        FieldError.invalid(
                                path,
                                ip,
                                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
            }
        }
        return errs;
    }
}
