package io.j8s.server.e2e;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * An HTTP/1.1 client over TLS that sends exactly the bytes it is given and reads one response, so a
 * test can send what no well-behaved client library would (broken escapes, bodies that lie about
 * their type, odd headers) and still tell an answer from a dropped connection.
 */
final class RawHttp implements AutoCloseable {

    /** One response: status, headers (lower-case names) and the whole body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean closes() {
            return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
        }
    }

    /** The server closed the connection, or stopped answering, before a whole response came. */
    static final class NoAnswer extends IOException {
        NoAnswer(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final int MAX_BODY = 64 * 1024 * 1024;

    private final SSLContext ssl;
    private final String host;
    private final int port;
    private final int readTimeoutMillis;
    private SSLSocket socket;
    private InputStream in;
    private OutputStream out;

    RawHttp(SSLContext ssl, String host, int port, int readTimeoutMillis) {
        this.ssl = ssl;
        this.host = host;
        this.port = port;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /**
     * Sends {@code head} (request line and headers, without the blank line) and {@code body},
     * adding {@code Host}, {@code Content-Length} (unless the head sets a length or chunking) and
     * the blank line; reads one response. A connection the server closed after its previous answer
     * is opened again first.
     */
    Response exchange(String head, byte[] body) throws IOException {
        if (socket == null || socket.isClosed()) {
            open();
        }
        StringBuilder h = new StringBuilder(head);
        String lower = head.toLowerCase(Locale.ROOT);
        if (!lower.contains("\r\nhost:")) {
            h.append("\r\nHost: ").append(host).append(':').append(port);
        }
        if (!lower.contains("\r\ncontent-length:") && !lower.contains("\r\ntransfer-encoding:")) {
            h.append("\r\nContent-Length: ").append(body == null ? 0 : body.length);
        }
        h.append("\r\n\r\n");
        try {
            out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
        } catch (IOException e) {
            // the server may answer (413) and close while the body is still being sent
            Response early = tryRead();
            close(); // a connection the server stopped reading is of no further use
            if (early != null) {
                return early;
            }
            throw new NoAnswer("connection failed while sending: " + e, e);
        }
        Response response;
        try {
            response = read();
            while (response.status() / 100 == 1 && response.status() != 101) {
                response = read(); // 100 Continue: the final answer follows
            }
        } catch (IOException e) {
            close();
            throw new NoAnswer(
                    e instanceof SocketTimeoutException
                            ? "no answer within " + readTimeoutMillis + " ms"
                            : "connection ended without an answer: " + e,
                    e);
        }
        if (response.closes()) {
            close();
        }
        return response;
    }

    private Response tryRead() {
        try {
            return read();
        } catch (IOException e) {
            return null;
        }
    }

    private void open() throws IOException {
        socket = (SSLSocket) ssl.getSocketFactory().createSocket(host, port);
        socket.setSoTimeout(readTimeoutMillis);
        socket.startHandshake();
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = new java.io.BufferedOutputStream(socket.getOutputStream());
    }

    private Response read() throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            if (colon > 0) {
                headers.put(
                        l.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        l.substring(colon + 1).trim());
            }
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.getOrDefault("transfer-encoding", ""))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";")[0].trim(), 16);
                    size > 0;
                    size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                if (b.size() + size > MAX_BODY) {
                    throw new IOException("response body over " + MAX_BODY + " bytes");
                }
                b.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            body = b.toByteArray();
        } else if (headers.containsKey("content-length")) {
            int length = Integer.parseInt(headers.get("content-length"));
            body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException(
                        "body ended after " + body.length + " of " + length + " bytes");
            }
        } else if (status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else {
            body = in.readNBytes(MAX_BODY);
            close();
        }
        return new Response(status, headers, body);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); ; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 64 * 1024) {
                throw new IOException("response line over 64 KiB");
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
