package io.j8s.proxy.balance;

import io.j8s.proxy.model.EndpointState;
import io.j8s.proxy.model.Ipv4;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One endpoint as the data plane sees it: where to connect, and how many connections this proxy
 * holds to it. One instance per {@code ip:port} per Service port lives as long as the endpoint is
 * listed, so its connection count survives endpoint updates. Thread-safe.
 */
public final class Backend {

    private final String address;
    private final InetSocketAddress socketAddress;
    private final AtomicInteger active = new AtomicInteger();

    public Backend(String ip, int port) {
        this.address = ip + ":" + port;
        this.socketAddress = new InetSocketAddress(Ipv4.toAddress(ip), port);
    }

    public static Backend of(EndpointState endpoint) {
        return new Backend(endpoint.ip(), endpoint.port());
    }

    /** {@code ip:port}. */
    public String address() {
        return address;
    }

    /** The resolved address to connect to (no DNS involved). */
    public InetSocketAddress socketAddress() {
        return socketAddress;
    }

    /** Connections (or connection attempts) currently held to this endpoint. */
    public int activeConnections() {
        return active.get();
    }

    /** The live counter, for gauges. */
    public AtomicInteger activeCounter() {
        return active;
    }

    void acquire() {
        active.incrementAndGet();
    }

    /** Ends one connection or attempt started by {@link ServicePortBalancer#pick}. */
    public void release() {
        active.decrementAndGet();
    }

    @Override
    public String toString() {
        return address;
    }
}
