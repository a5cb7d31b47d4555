package io.j8s.proxy.model;

import java.util.Optional;

/** The transport protocols the proxy forwards. SCTP Services are not proxied. */
public enum Protocol {
    TCP,
    UDP;

    /**
     * Maps a Kubernetes protocol string; {@code null} means TCP (the API default).
     *
     * @return empty for protocols the proxy does not forward (SCTP, unknown values)
     */
    public static Optional<Protocol> fromKubernetes(String protocol) {
        if (protocol == null || protocol.equals("TCP")) {
            return Optional.of(TCP);
        }
        if (protocol.equals("UDP")) {
            return Optional.of(UDP);
        }
        return Optional.empty();
    }
}
