package io.j8s.node.runtime;

import java.net.BindException;

/** Turns the JDK's terse bind failures into messages that say what happened and what to do. */
final class BindErrors {
    private BindErrors() {}

    static String explain(String ip, int port, String protocol, Throwable cause) {
        String where = ip + ":" + port + (protocol.equals("TCP") ? "" : "/" + protocol);
        String msg = cause.getMessage() == null ? "" : cause.getMessage();
        String lower = msg.toLowerCase();
        if (lower.contains("permission denied") || lower.contains("access denied")) {
            if (port < 1024) {
                return "binding "
                        + where
                        + " needs root or CAP_NET_BIND_SERVICE; run as root or grant the "
                        + "capability (setcap cap_net_bind_service=+ep $(readlink -f $(command -v java))) or use "
                        + "containerPort >= 1024";
            }
            return "binding " + where + " was refused: " + msg;
        }
        if (lower.contains("address already in use")) {
            return "binding "
                    + where
                    + " failed: the address is already in use (another Pod or process "
                    + "on this host listens there)";
        }
        if (lower.contains("cannot assign requested address")) {
            return "binding "
                    + where
                    + " failed: "
                    + ip
                    + " is not an address of this host (Pod IPs must "
                    + "be loopback addresses, e.g. in 127.0.0.0/8)";
        }
        if (cause instanceof BindException) {
            return "binding " + where + " failed: " + msg;
        }
        return "listening on " + where + " failed: " + cause;
    }
}
