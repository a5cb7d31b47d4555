package io.j8s.proxy.testing;

import io.j8s.proxy.model.EndpointState;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A UDP backend on a loopback address that answers each datagram with {@code name:payload}. */
public final class UdpNameServer implements AutoCloseable {

    private final String name;
    private final DatagramSocket socket;
    private final Thread thread;

    private UdpNameServer(String ip, String name) throws IOException {
        this.name = name;
        this.socket = new DatagramSocket(new InetSocketAddress(ip, 0));
        this.thread = new Thread(this::serve, "test-udp-backend-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    public static UdpNameServer start(String ip, String name) throws IOException {
        return new UdpNameServer(ip, name);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public EndpointState endpoint() {
        return EndpointState.ready(address().getAddress().getHostAddress(), address().getPort());
    }

    private void serve() {
        byte[] buf = new byte[2048];
        while (!socket.isClosed()) {
            try {
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                socket.receive(in);
                String payload =
                        new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
                byte[] reply = (name + ":" + payload).getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
