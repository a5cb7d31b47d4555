package io.j8s.proxy.net;

import java.net.InetSocketAddress;
import java.util.Locale;

/** Turns a failed bind into a message a person can act on. Pure. */
public final class BindFailures {

    private BindFailures() {}

    /**
     * Explains why binding {@code address} failed.
     *
     * @param cause what the transport threw
     */
    public static String describe(InetSocketAddress address, Throwable cause) {
        String where = address.getAddress().getHostAddress() + ":" + address.getPort();
        String text = messages(cause).toLowerCase(Locale.ROOT);
        if (text.contains("permission denied") || text.contains("eacces")) {
            if (address.getPort() < 1024) {
                return "binding "
                        + where
                        + " needs root or CAP_NET_BIND_SERVICE; run as root, grant the"
                        + " capability, or use a port ≥ 1024";
            }
            return "binding " + where + " was denied: " + cause.getMessage();
        }
        if (text.contains("address already in use") || text.contains("eaddrinuse")) {
            return "binding "
                    + where
                    + " failed: the address is already in use by another process"
                    + " or listener";
        }
        if (text.contains("cannot assign requested address") || text.contains("eaddrnotavail")) {
            return "binding "
                    + where
                    + " failed: "
                    + address.getAddress().getHostAddress()
                    + " is not an address of this host";
        }
        return "binding " + where + " failed: " + cause;
    }

    private static String messages(Throwable cause) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            sb.append(t.getClass().getSimpleName())
                    .append(": ")
                    .append(t.getMessage())
                    .append('\n');
            if (t.getCause() == t) {
                break;
            }
        }
        return sb.toString();
    }
}
