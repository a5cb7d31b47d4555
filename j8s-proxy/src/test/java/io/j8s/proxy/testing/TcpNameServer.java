package io.j8s.proxy.testing;

import io.j8s.proxy.model.EndpointState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny TCP backend on a loopback address. In {@code NAME} mode it answers every line with its
 * name and, when the client half-closes, says {@code bye <name>} and closes; in {@code ECHO} mode
 * it echoes bytes until the client half-closes, then closes. Thread per connection; every socket is
 * closed by {@link #close()}.
 */
public final class TcpNameServer implements AutoCloseable {

    public enum Mode {
        NAME,
        ECHO
    }

    private final String name;
    private final Mode mode;
    private final ServerSocket server;
    private final ExecutorService pool =
            Executors.newCachedThreadPool(
                    r -> {
                        Thread t = new Thread(r, "test-backend");
                        t.setDaemon(true);
                        return t;
                    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;

    private TcpNameServer(String ip, String name, Mode mode) throws IOException {
        this.name = name;
        this.mode = mode;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(ip, 0));
        pool.submit(this::acceptLoop);
    }

    /** Starts a backend on {@code ip} at a free port, answering with {@code name}. */
    public static TcpNameServer start(String ip, String name) throws IOException {
        return new TcpNameServer(ip, name, Mode.NAME);
    }

    public static TcpNameServer echo(String ip) throws IOException {
        return new TcpNameServer(ip, "echo", Mode.ECHO);
    }

    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** This backend as a ready endpoint. */
    public EndpointState endpoint() {
        return EndpointState.ready(address().getAddress().getHostAddress(), address().getPort());
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                accepted.incrementAndGet();
                open.add(socket);
                pool.submit(() -> serve(socket));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            if (mode == Mode.ECHO) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                in.transferTo(out);
                out.flush();
                return;
            }
            BufferedReader in =
                    new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = socket.getOutputStream();
            while (in.readLine() != null) {
                out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write(("bye " + name + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // The client went away; nothing to do.
        } finally {
            open.remove(socket);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            s.close();
        }
        pool.shutdownNow();
    }
}
