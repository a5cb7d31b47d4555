package io.j8s.server.join;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's way to several servers (k3s' agent load balancer): a TCP listener on loopback that
 * the agent's clients dial instead of a server; each connection is passed, bytes as they are (TLS
 * end to end, so the clients still verify the server's certificate, which names {@code 127.0.0.1}),
 * to the server currently in use. When that server cannot be reached, the next one in the list is
 * taken, and stays in use until it fails in turn. A server that dies breaks its connections; the
 * clients' watches and requests reconnect, and so reach the next server. {@link #setServers}
 * replaces the list (the agent adds the servers the {@code kubernetes} Endpoints name).
 *
 * <p>Two threads per open connection: an agent holds a handful. Thread safe.
 */
public final class ServerLoadBalancer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerLoadBalancer.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 3000;

    private volatile List<URI> servers;
    private final ServerSocket listener;
    private final ExecutorService threads =
            Executors.newCachedThreadPool(
                    r -> {
                        Thread t = new Thread(r, "j8s-server-lb");
                        t.setDaemon(true);
                        return t;
                    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile URI current;
    private volatile boolean closed;

    private ServerLoadBalancer(List<URI> servers, ServerSocket listener) {
        this.servers = List.copyOf(servers);
        this.current = servers.get(0);
        this.listener = listener;
    }

    /**
     * Listens on a free port of {@code 127.0.0.1} and passes connections to {@code servers} ({@code
     * https://host:port} each), the first one first.
     */
    public static ServerLoadBalancer start(List<URI> servers) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server to balance over");
        }
        try {
            ServerSocket listener = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
            ServerLoadBalancer lb = new ServerLoadBalancer(servers, listener);
            lb.threads.execute(lb::acceptLoop);
            log.atInfo()
                    .addKeyValue("servers", servers)
                    .addKeyValue("url", lb.url())
                    .log("server load balancer started");
            return lb;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot listen for the server load balancer: " + e.getMessage(), e);
        }
    }

    /** The URL clients dial, {@code https://127.0.0.1:<port>}. */
    public URI url() {
        return URI.create("https://127.0.0.1:" + listener.getLocalPort());
    }

    /** The server new connections go to now. */
    public URI currentServer() {
        return current;
    }

    /** The servers to choose from, in order of preference. */
    public List<URI> servers() {
        return servers;
    }

    /**
     * Replaces the server list; the server in use stays in use while it is in the list and answers.
     */
    public void setServers(List<URI> list) {
        if (list.isEmpty() || list.equals(servers)) {
            return;
        }
        servers = List.copyOf(list);
        log.atInfo().addKeyValue("servers", list).log("server list updated");
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                threads.execute(() -> connect(client));
            } catch (IOException e) {
                if (!closed) {
                    log.atWarn()
                            .addKeyValue("error", e.toString())
                            .log("server load balancer: accept failed");
                }
            }
        }
    }

    private void connect(Socket client) {
        open.add(client);
        List<URI> list = servers;
        URI preferred = current;
        int start = Math.max(0, list.indexOf(preferred));
        for (int i = 0; i < list.size() && !closed; i++) {
            URI server = list.get((start + i) % list.size());
            Socket upstream = new Socket();
            try {
                upstream.connect(
                        new InetSocketAddress(
                                server.getHost(), server.getPort() < 0 ? 443 : server.getPort()),
                        CONNECT_TIMEOUT_MILLIS);
                upstream.setTcpNoDelay(true);
                client.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(upstream);
                log.atWarn()
                        .addKeyValue("server", server)
                        .addKeyValue("error", e.getMessage())
                        .log("server unreachable; trying the next");
                continue;
            }
            if (!server.equals(current)) {
                current = server;
                log.atInfo().addKeyValue("server", server).log("switched to another server");
            }
            open.add(upstream);
            threads.execute(() -> pump(upstream, client));
            pump(client, upstream);
            return;
        }
        open.remove(client);
        closeQuietly(client);
    }

    /** Copies {@code from} to {@code to} until either ends, then closes both. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (SocketException e) {
            // Closed by the other direction, or reset by a server that died.
        } catch (IOException e) {
            log.atDebug()
                    .addKeyValue("error", e.toString())
                    .log("server load balancer: connection ended");
        } finally {
            open.remove(from);
            open.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing to do.
        }
    }

    /** Stops listening and closes every passed connection. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // Nothing to do.
        }
        open.forEach(ServerLoadBalancer::closeQuietly);
        threads.shutdownNow();
    }
}
