package io.j8s.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plain socket clients for data-plane tests: one HTTP GET per connection, one UDP round trip. */
public final class Clients {
    private static final Pattern BUILTIN = Pattern.compile("Hello from pod [^/\\s]+/(\\S+) ");

    private Clients() {}

    /**
     * GETs {@code /} from {@code host:port} on a new connection (from {@code source}, or any
     * loopback address when null) and returns the body.
     */
    public static String httpGet(String host, int port, String source) {
        try (Socket socket = new Socket()) {
            if (source != null) {
                socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            }
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            return body < 0 ? response : response.substring(body + 4);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "GET http://" + host + ":" + port + "/ failed: " + e.getMessage(), e);
        }
    }

    /** The Pod name in a built-in responder's answer ({@code Hello from pod ns/name (IP ...)}). */
    public static String podOf(String body) {
        Matcher m = BUILTIN.matcher(body);
        if (!m.find()) {
            throw new AssertionError("not an answer of a built-in responder: " + body);
        }
        return m.group(1);
    }

    /** Sends one datagram and returns the reply. */
    public static String udpRoundTrip(String host, int port, String message) {
        try (DatagramSocket socket =
                new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(3_000);
            byte[] data = message.getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(data, data.length, InetAddress.getByName(host), port));
            byte[] buffer = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            socket.receive(reply);
            return new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "UDP to " + host + ":" + port + " failed: " + e.getMessage(), e);
        }
    }
}
