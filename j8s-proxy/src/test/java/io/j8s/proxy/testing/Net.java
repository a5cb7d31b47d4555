package io.j8s.proxy.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Loopback-only socket helpers for tests. */
public final class Net {

    private Net() {}

    /**
     * A random ClusterIP from a corner of 127.96.0.0/16 that the other modules' tests do not use,
     * so parallel builds do not collide.
     */
    public static String randomClusterIp() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127.96." + r.nextInt(128, 255) + "." + r.nextInt(1, 255);
    }

    /** A random Pod-range address for backends. */
    public static String randomPodIp() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127.244." + r.nextInt(128, 255) + "." + r.nextInt(1, 255);
    }

    /** A TCP port free right now on {@code ip} (and, very likely, UDP too). */
    public static int freePort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(ip, 0));
            return s.getLocalPort();
        }
    }

    /** Connects, sends one line, returns the first line of the answer, closes. */
    public static String ask(InetSocketAddress target) throws IOException {
        return ask(target, null);
    }

    /** As {@link #ask(InetSocketAddress)}, from source address {@code sourceIp} if not null. */
    public static String ask(InetSocketAddress target, String sourceIp) throws IOException {
        try (Socket s = new Socket()) {
            if (sourceIp != null) {
                s.bind(new InetSocketAddress(sourceIp, 0));
            }
            s.connect(target, 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            return readLine(s);
        }
    }

    /** Reads one line from a socket. */
    public static String readLine(Socket s) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = s.getInputStream().read()) != -1 && c != '\n') {
            sb.append((char) c);
        }
        if (c == -1 && sb.length() == 0) {
            return null;
        }
        return sb.toString();
    }

    /** Sends one datagram from {@code socket} and waits up to 5 s for the reply. */
    public static String udpAsk(DatagramSocket socket, InetSocketAddress target, String payload)
            throws IOException {
        byte[] out = payload.getBytes(StandardCharsets.UTF_8);
        socket.setSoTimeout(5000);
        socket.send(new DatagramPacket(out, out.length, target));
        byte[] buf = new byte[2048];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        socket.receive(in);
        return new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8);
    }

    /** Reads every remaining line until EOF. */
    public static java.util.List<String> readAll(Socket s) throws IOException {
        BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        return r.lines().toList();
    }
}
