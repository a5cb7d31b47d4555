package io.j8s.node.ipam;

/** Every usable address of the node's Pod CIDR is allocated. */
public final class IpExhaustedException extends Exception {
    public IpExhaustedException(String message) {
        super(message);
    }
}
